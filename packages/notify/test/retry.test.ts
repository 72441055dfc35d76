import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../src/email/transport.js';
import { decideRetry, DEFAULT_RETRY_POLICY, DeliveryError, retryDelayMs } from '../src/index.js';
import { classifySlackError } from '../src/slack/client.js';

const now = new Date('2026-11-02T09:00:00Z');
const policy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 10_000 };
const transient = new DeliveryError('Slack answered HTTP 500', { retriable: true, code: '500' });

describe('retry delays', () => {
  it('doubles per failure between half and all of the delay, capped', () => {
    expect([1, 2, 3, 4, 5, 6].map((failures) => retryDelayMs(failures, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect([1, 2, 3].map((failures) => retryDelayMs(failures, policy, () => 0))).toEqual([500, 1_000, 2_000]);
  });

  it('keeps the default budget at hours, so an outage delays rather than drops', () => {
    const total = Array.from({ length: DEFAULT_RETRY_POLICY.maxAttempts - 1 }, (_, index) => retryDelayMs(index + 1, DEFAULT_RETRY_POLICY, () => 0)).reduce((a, b) => a + b);
    expect(total).toBeGreaterThan(3.8 * 3_600_000);
  });
});

describe('what a failure does to its row', () => {
  it('waits out a rate limit without spending an attempt', () => {
    const limited = new DeliveryError('Slack rate limit', { retriable: true, code: '429', retryAfterMs: 7_000 });
    expect(decideRetry(limited, 5, now, policy)).toEqual({ action: 'wait', at: new Date(now.getTime() + 7_000), reason: 'rate-limited' });
  });

  it('retries a transient failure with backoff until the last attempt, then gives up', () => {
    expect(decideRetry(transient, 1, now, policy, () => 1)).toEqual({ action: 'retry', at: new Date(now.getTime() + 1_000), reason: 'failed' });
    expect(decideRetry(transient, 4, now, policy, () => 1)).toEqual({ action: 'retry', at: new Date(now.getTime() + 8_000), reason: 'failed' });
    expect(decideRetry(transient, 5, now, policy)).toEqual({ action: 'dead', reason: 'out-of-attempts' });
  });

  it('gives up at once on a permanent failure', () => {
    const permanent = new DeliveryError('channel_not_found', { retriable: false, code: 'channel_not_found' });
    expect(decideRetry(permanent, 1, now, policy)).toEqual({ action: 'dead', reason: 'permanent' });
  });
});

describe('Slack errors', () => {
  it('turns a 429 into a wait of its Retry-After', () => {
    const error = classifySlackError(new WebAPIRateLimitedError(3));
    expect(error).toMatchObject({ retriable: true, retryAfterMs: 3_000, code: '429' });
  });

  it('retries HTTP and network failures', () => {
    expect(classifySlackError(new WebAPIHTTPError(503, 'Service Unavailable', {}, ''))).toMatchObject({ retriable: true, retryAfterMs: undefined, code: '503' });
    expect(classifySlackError(new WebAPIRequestError(new Error('ECONNREFUSED')))).toMatchObject({ retriable: true, code: 'request_error' });
  });

  it('gives up on a wrong target or message, retries what an operator can fix', () => {
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: 'channel_not_found' }))).toMatchObject({ retriable: false, code: 'channel_not_found' });
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: 'msg_too_long' }))).toMatchObject({ retriable: false });
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: 'not_in_channel' }))).toMatchObject({ retriable: true });
    expect(classifySlackError(new WebAPIPlatformError({ ok: false, error: 'invalid_auth' }))).toMatchObject({ retriable: true });
  });
});

describe('SMTP errors', () => {
  it('retries connection failures and 4xx replies, gives up on 5xx replies', () => {
    expect(classifySmtpError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' }))).toMatchObject({ retriable: true, code: 'ECONNECTION' });
    expect(classifySmtpError(Object.assign(new Error('try later'), { code: 'EENVELOPE', responseCode: 451, response: '451 4.3.0 try later' }))).toMatchObject({
      retriable: true,
      code: '451',
    });
    expect(classifySmtpError(Object.assign(new Error('no such user'), { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 no such user' }))).toMatchObject({
      retriable: false,
      message: 'SMTP server answered 550: 550 5.1.1 no such user',
    });
    expect(classifySmtpError(Object.assign(new Error('bad message'), { code: 'EMESSAGE' }))).toMatchObject({ retriable: false });
  });
});
