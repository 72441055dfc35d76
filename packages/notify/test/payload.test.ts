import { describe, expect, it } from 'vitest';
import { checkNotificationRequest, digestRecipient, digestWindowStart, NotificationRequestError, type NotificationRequest } from '../src/index.js';

const ITEM_ID = '7f3c1d2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
const alert: NotificationRequest = {
  dedupeKey: `alert:${ITEM_ID}:C0SUPPORT`,
  itemId: ITEM_ID,
  kind: 'alert',
  channel: 'slack',
  recipient: 'C0SUPPORT',
  payload: { type: 'item-alert', itemId: ITEM_ID },
};

describe('notification requests', () => {
  it('accepts an alert, a DM escalation mentioning a lead and an email', () => {
    expect(checkNotificationRequest(alert)).toEqual(alert);
    expect(() =>
      checkNotificationRequest({
        ...alert,
        kind: 'escalation',
        channel: 'slack-dm',
        recipient: 'UALICE',
        payload: { type: 'item-escalation', itemId: ITEM_ID, stepIndex: 0, mention: 'ULENA' },
      }),
    ).not.toThrow();
    expect(() => checkNotificationRequest({ ...alert, channel: 'email', recipient: 'lead@example.com' })).not.toThrow();
    expect(() => checkNotificationRequest({ ...alert, recipient: '#support' })).not.toThrow();
  });

  it('names the field that is wrong', () => {
    const problem = (request: unknown) => {
      try {
        checkNotificationRequest(request as NotificationRequest);
        return null;
      } catch (error) {
        expect(error).toBeInstanceOf(NotificationRequestError);
        return (error as Error).message;
      }
    };
    expect(problem({ ...alert, recipient: 'support' })).toBe(
      'invalid notification: recipient: must be a Slack channel id like C0123ABCD or a name like #support (channel slack)',
    );
    expect(problem({ ...alert, channel: 'email' })).toBe('invalid notification: recipient: must be an email address (channel email)');
    expect(problem({ ...alert, kind: 'escalation' })).toBe('invalid notification: payload.type: a escalation carries a "item-escalation" payload, not "item-alert"');
    expect(problem({ ...alert, payload: { type: 'item-alert', itemId: 'nope' } })).toMatch(/^invalid notification: payload\.itemId: /);
    expect(problem({ ...alert, itemId: null })).toBe(`invalid notification: itemId: null differs from payload.itemId ${ITEM_ID}`);
    expect(problem({ ...alert, payload: { type: 'item-escalation', itemId: ITEM_ID, stepIndex: 0, mention: '@lena' }, kind: 'escalation' })).toMatch(
      /payload\.mention: must be a Slack user id/,
    );
    expect(problem({ ...alert, dedupeKey: '' })).toMatch(/^invalid notification: dedupeKey: /);
  });
});

describe('digest scheduling arithmetic', () => {
  const at = new Date('2026-11-09T08:00:00Z');

  it('starts a window at the previous run, or a day back for the first run', () => {
    expect(digestWindowStart(at, new Date('2026-11-06T08:00:00Z'))).toEqual(new Date('2026-11-06T08:00:00Z'));
    expect(digestWindowStart(at, null)).toEqual(new Date('2026-11-08T08:00:00Z'));
  });

  it('never reaches further back than 92 days', () => {
    expect(digestWindowStart(at, new Date('2025-01-01T00:00:00Z'))).toEqual(new Date(at.getTime() - 92 * 86_400_000));
  });

  it('reads config recipients', () => {
    expect(digestRecipient('slack:C0123ABCD')).toEqual({ channel: 'slack', recipient: 'C0123ABCD' });
    expect(digestRecipient('slack:#support')).toEqual({ channel: 'slack', recipient: '#support' });
    expect(digestRecipient('email:team@example.com')).toEqual({ channel: 'email', recipient: 'team@example.com' });
  });
});
