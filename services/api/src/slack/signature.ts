import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: a request signed longer ago than this (either way) is refused. */
export const SLACK_MAX_AGE_SECONDS = 5 * 60;

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

export function slackSignature(signingSecret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

/**
 * Verifies `X-Slack-Signature` (`v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>`
 * with the signing secret) in constant time, and refuses timestamps outside
 * the replay window. `nowSeconds` is passed in so tests control the clock.
 */
export function verifySlackSignature(options: {
  signingSecret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: string;
  nowSeconds: number;
}): SignatureCheck {
  const { signature, timestamp } = options;
  if (!signature || !timestamp) return { valid: false, reason: 'missing X-Slack-Signature or X-Slack-Request-Timestamp header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { valid: false, reason: 'X-Slack-Request-Timestamp is not a Unix time in seconds' };
  if (Math.abs(options.nowSeconds - Number(timestamp)) > SLACK_MAX_AGE_SECONDS) {
    return { valid: false, reason: `request timestamp is more than ${SLACK_MAX_AGE_SECONDS / 60} minutes from now (replayed or clock skew)` };
  }
  const expected = Buffer.from(slackSignature(options.signingSecret, timestamp, options.rawBody));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch is a mismatch anyway and reveals nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, reason: 'signature does not match' };
  return { valid: true };
}
