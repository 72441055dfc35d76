import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectorError, createFileConnector } from '../../src/index.js';
import { connectorContext, TestClock } from '../support/index.js';

function mentionLine(index: number, text: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    platform: 'x',
    externalId: String(1_800_000_000_000 + index),
    url: `https://x.com/user${index}/status/${1_800_000_000_000 + index}`,
    text,
    lang: 'en',
    author: { handle: `user${index}`, followers: 100 + index },
    createdAt: `2026-11-01T12:00:0${index}.000Z`,
    engagement: { likes: index },
    matchedBrands: ['stale-brand'],
    sourceId: 'somewhere-else',
    ...extra,
  });
}

describe('file connector (NDJSON replay)', () => {
  it('replays matching lines with brands matched again, skips bad lines, resumes at its byte offset and follows the file as it grows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'earshot-file-')), 'mentions.ndjson');
    writeFileSync(path, [mentionLine(1, 'acme shipped late again'), '{not json', mentionLine(2, 'unrelated'), JSON.stringify({ platform: 'x' }), mentionLine(3, 'Globex and Acme 😡')].join('\n') + '\n');
    const connector = createFileConnector(connectorContext({ platform: 'file', path }, { clock: new TestClock(Date.parse('2026-11-02T00:00:00Z')) }));

    const first = await connector.poll({ cursor: null });
    expect(first.mentions).toEqual([
      {
        platform: 'x',
        externalId: '1800000000001',
        url: 'https://x.com/user1/status/1800000000001',
        text: 'acme shipped late again',
        lang: 'en',
        author: { handle: 'user1', followers: 101 },
        createdAt: '2026-11-01T12:00:01.000Z',
        engagement: { likes: 1 },
        matchedBrands: ['acme'],
        sourceId: 'file-test',
      },
      expect.objectContaining({ externalId: '1800000000003', matchedBrands: ['acme', 'globex'] }),
    ]);
    expect(first.fetched).toBe(5);
    expect(first.skipped).toBe(2);
    expect(first.waitMs).toBe(5_000);
    const end = Buffer.byteLength(readFileSync(path, 'utf8'));
    expect(first.cursor).toMatchObject({ offset: end });

    // Nothing new: the cursor stays; a half-written last line waits for the rest.
    const idle = await connector.poll({ cursor: first.cursor });
    expect(idle.mentions).toEqual([]);
    expect(idle.cursor).toEqual(first.cursor);
    const line = mentionLine(4, 'acme again');
    appendFileSync(path, line.slice(0, 40));
    const partial = await connector.poll({ cursor: first.cursor });
    expect(partial.mentions).toEqual([]);
    expect(partial.cursor).toEqual(first.cursor);
    appendFileSync(path, line.slice(40));
    const completed = await connector.poll({ cursor: first.cursor });
    expect(completed.mentions.map((m) => m.externalId)).toEqual(['1800000000004']);

    // Replaced by a shorter file: replayed from the start.
    writeFileSync(path, `${mentionLine(5, 'acme five')}\n`);
    const replaced = await connector.poll({ cursor: completed.cursor });
    expect(replaced.mentions.map((m) => m.externalId)).toEqual(['1800000000005']);
  });

  it('a missing file is an error that needs a human, not a crash', async () => {
    const connector = createFileConnector(connectorContext({ platform: 'file', path: '/nonexistent/mentions.ndjson' }));
    const error = await connector.poll({ cursor: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retriable).toBe(false);
  });
});
