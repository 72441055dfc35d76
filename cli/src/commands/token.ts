import { issueToken, listTokens, revokeToken, ROLES, type Role } from '@earshot/auth';
import { loadConfig, resolveConfigPath } from '@earshot/config';
import type { Logger } from '@earshot/logging';
import type { CommonEnv } from '@earshot/runtime';
import { withDatabase } from '../database.js';
import { UsageError } from '../usage.js';

export async function tokenCreate(options: { responder?: string | undefined; role?: string | undefined; label?: string | undefined }, env: CommonEnv, logger: Logger): Promise<number> {
  const role = (options.role ?? 'responder') as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (role !== 'admin' && !options.responder) throw new UsageError(`a ${role} token needs --responder ID`);
  if (options.responder) {
    const { config, source } = loadConfig(resolveConfigPath(env.EARSHOT_CONFIG));
    if (!config.responders.some((responder) => responder.id === options.responder)) {
      throw new UsageError(`unknown responder "${options.responder}" (responders in ${source}: ${config.responders.map((r) => r.id).join(', ') || 'none'})`);
    }
  }
  const issued = await withDatabase(env, logger, (pool) =>
    issueToken(pool, { role, responderId: options.responder ?? null, ...(options.label ? { label: options.label } : {}) }),
  );
  process.stderr.write(`created ${issued.tokenId} (${issued.role}${issued.responderId ? ` for ${issued.responderId}` : ''}); the token is shown only once:\n`);
  process.stdout.write(`${issued.token}\n`);
  return 0;
}

export async function tokenRevoke(tokenId: string | undefined, env: CommonEnv, logger: Logger): Promise<number> {
  if (!tokenId) throw new UsageError('usage: earshot token revoke TOKEN_ID');
  const revoked = await withDatabase(env, logger, (pool) => revokeToken(pool, tokenId));
  if (!revoked) {
    process.stderr.write(`no live token with id ${tokenId}\n`);
    return 1;
  }
  process.stdout.write(`revoked ${tokenId}\n`);
  return 0;
}

export async function tokenList(env: CommonEnv, logger: Logger): Promise<number> {
  const tokens = await withDatabase(env, logger, (pool) => listTokens(pool));
  for (const token of tokens) {
    const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : `last used ${token.lastUsedAt?.toISOString() ?? 'never'}`;
    process.stdout.write(`${token.id}\t${token.role}\t${token.responderId ?? '-'}\t${token.label ?? ''}\t${state}\n`);
  }
  return 0;
}
