import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldProblems } from '../src/errors.js';
import { decodeCursor, encodeCursor } from '../src/items/cursor.js';
import { slackSignature, verifySlackSignature } from '../src/slack/signature.js';

describe('Slack signature verification', () => {
  const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
  const rawBody = 'payload=%7B%22type%22%3A%22block_actions%22%7D';
  const timestamp = '1531420618';
  const nowSeconds = 1531420618 + 30;
  const signature = slackSignature(signingSecret, timestamp, rawBody);

  it('is v0= and the hex HMAC-SHA256 of v0:timestamp:body', () => {
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(verifySlackSignature({ signingSecret, signature, timestamp, rawBody, nowSeconds })).toEqual({ valid: true });
  });

  it.each([
    ['another secret', { signingSecret: 'other' }, 'signature does not match'],
    ['a changed body', { rawBody: `${rawBody}x` }, 'signature does not match'],
    ['a truncated signature', { signature: signature.slice(0, 20) }, 'signature does not match'],
    ['no signature', { signature: undefined }, 'missing X-Slack-Signature'],
    ['a non-numeric timestamp', { timestamp: '12ab' }, 'not a Unix time'],
    ['a timestamp 5 minutes and 1 second old', { nowSeconds: 1531420618 + 301 }, 'more than 5 minutes'],
    ['a timestamp from the future', { nowSeconds: 1531420618 - 301 }, 'more than 5 minutes'],
  ])('refuses %s', (_name, change, reason) => {
    const check = verifySlackSignature({ signingSecret, signature, timestamp, rawBody, nowSeconds, ...change });
    expect(check).toEqual({ valid: false, reason: expect.stringContaining(reason) });
  });
});

describe('field problems', () => {
  it('names unknown keys one by one and nested fields by path', () => {
    const schema = z.strictObject({ note: z.string(), author: z.strictObject({ handle: z.string() }) });
    const error = schema.safeParse({ note: 1, author: { handle: 2, x: 1 }, extra: true }).error!;
    expect(fieldProblems(error.issues, ['body'])).toEqual([
      { field: 'body.note', message: 'Invalid input: expected string, received number' },
      { field: 'body.author.handle', message: 'Invalid input: expected string, received number' },
      { field: 'body.author.x', message: 'unknown field' },
      { field: 'body.extra', message: 'unknown field' },
    ]);
  });

  it('reports the union branch that matches the input shape (one mention or an array of them)', () => {
    const item = z.strictObject({ text: z.string() });
    const schema = z.union([item, z.array(item)]);
    expect(fieldProblems(schema.safeParse([{ text: 'ok' }, { text: 3 }]).error!.issues, ['body'])).toEqual([
      { field: 'body[1].text', message: 'Invalid input: expected string, received number' },
    ]);
    expect(fieldProblems(schema.safeParse({ txt: 'typo' }).error!.issues, ['body'])).toEqual([
      { field: 'body.text', message: 'Invalid input: expected string, received undefined' },
      { field: 'body.txt', message: 'unknown field' },
    ]);
  });
});

describe('list cursors', () => {
  it('round-trip a position, including an item without deadline', () => {
    for (const due of ['2026-11-22T10:00:00.123456Z', 'infinity']) {
      const position = { priority: 'P2' as const, due, id: '5f0c7c1e-1111-4222-8333-444455556666' };
      expect(decodeCursor(encodeCursor(position))).toEqual(position);
    }
  });

  it('refuses anything else with a message naming the query field', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow('query.cursor: not a cursor this API returned');
    expect(() => decodeCursor(Buffer.from('["P9","infinity","x"]').toString('base64url'))).toThrow('query.cursor');
  });
});
