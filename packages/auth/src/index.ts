export { authenticate, hashToken, issueToken, listTokens, revokeToken, ROLES, type IssuedToken, type Principal, type Role, type TokenSummary } from './tokens.js';
