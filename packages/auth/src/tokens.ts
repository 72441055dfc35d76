import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '@earshot/db';

export const ROLES = ['responder', 'lead', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who a valid token speaks for. */
export interface Principal {
  tokenId: string;
  role: Role;
  /** Null only for admin tokens made without a responder. */
  responderId: string | null;
}

export interface IssuedToken extends Principal {
  /** The secret, shown once; only its hash is stored. */
  token: string;
}

const TOKEN_PREFIX = 'esk_';
const LAST_USED_GRANULARITY_MS = 60_000;

/** SHA-256 is enough here: tokens are 256 random bits, not passwords, so no slow hash is needed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function issueToken(pool: Pool, options: { role: Role; responderId?: string | null; label?: string }): Promise<IssuedToken> {
  if (options.role !== 'admin' && !options.responderId) throw new Error(`a ${options.role} token needs a responder`);
  const tokenId = `tok_${randomBytes(6).toString('hex')}`;
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  await pool.query('INSERT INTO api_tokens (id, token_hash, role, responder_id, label) VALUES ($1, $2, $3, $4, $5)', [
    tokenId,
    hashToken(token),
    options.role,
    options.responderId ?? null,
    options.label ?? null,
  ]);
  return { tokenId, token, role: options.role, responderId: options.responderId ?? null };
}

/** True when a live token was revoked; false when there is no such token or it was already revoked. */
export async function revokeToken(pool: Pool, tokenId: string): Promise<boolean> {
  const { rowCount } = await pool.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [tokenId]);
  return rowCount === 1;
}

/** The principal behind a bearer token, or null for an unknown, malformed or revoked one. */
export async function authenticate(pool: Pool, token: string): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const { rows } = await pool.query<{ id: string; role: Role; responder_id: string | null; last_used_at: Date | null }>(
    'SELECT id, role, responder_id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  // Record use at most once a minute per token: a write on every request would cost more than the request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > LAST_USED_GRANULARITY_MS) {
    void pool.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.id]).catch(() => undefined);
  }
  return { tokenId: row.id, role: row.role, responderId: row.responder_id };
}

export interface TokenSummary {
  id: string;
  role: Role;
  responderId: string | null;
  label: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function listTokens(pool: Pool): Promise<TokenSummary[]> {
  const { rows } = await pool.query(
    `SELECT id, role, responder_id AS "responderId", label, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
       FROM api_tokens ORDER BY created_at`,
  );
  return rows as TokenSummary[];
}
