export { INBOX_CONTENT_SECURITY_POLICY, loadInboxAssets, type InboxAsset, type InboxAssets } from './assets.js';
export { slaStatus, type SlaStatus } from './web/sla.js';
