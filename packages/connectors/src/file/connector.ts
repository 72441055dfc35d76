import { open, stat } from 'node:fs/promises';
import type { SourceConfig } from '@earshot/config';
import { parseMentionLine } from '@earshot/domain';
import { z } from 'zod';
import type { Connector, ConnectorContext, PollResult } from '../connector.js';
import { ConnectorError } from '../errors.js';
import { newestCreatedAt, selectMentions, type Candidate } from '../normalise.js';
import { everyMs } from '../settings.js';

type FileSource = Extract<SourceConfig, { platform: 'file' }>;

/** Read at most this much per poll, so one poll stays one small publish. */
const CHUNK_BYTES = 1 << 20;

/** Byte offset of the next line to read, and the file it belongs to (a new inode or a shorter file starts over). */
const CursorSchema = z.object({ offset: z.number().int().nonnegative(), inode: z.number().optional() });

/**
 * Replays an NDJSON file of mentions (the `mentions.raw` shape), for demos and
 * benchmarks, and follows it as it grows. Each line is matched against the
 * brands again, like any other post; a bad line is logged with its byte
 * offset and skipped.
 */
export function createFileConnector(context: ConnectorContext<FileSource>): Connector {
  const { source, logger } = context;
  const interval = everyMs(source);
  return {
    sourceId: source.id,
    platform: source.platform,
    async poll({ cursor }): Promise<PollResult> {
      const stored = CursorSchema.safeParse(cursor);
      let info;
      try {
        info = await stat(source.path);
      } catch (error) {
        throw new ConnectorError(`cannot read ${source.path}: ${(error as Error).message}`, { retriable: false, cause: error });
      }
      let offset = stored.success ? stored.data.offset : 0;
      if (stored.success && (stored.data.inode !== info.ino || info.size < offset)) {
        logger.warn({ path: source.path }, 'the file was replaced or truncated; replaying it from the start');
        offset = 0;
      }
      const handle = await open(source.path, 'r');
      let chunk: string;
      try {
        const buffer = Buffer.alloc(Math.min(CHUNK_BYTES, info.size - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        chunk = buffer.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
      const candidates: Candidate[] = [];
      let skipped = 0;
      let consumed = 0;
      for (;;) {
        const end = chunk.indexOf('\n', consumed);
        const atEndOfFile = offset + Buffer.byteLength(chunk, 'utf8') >= info.size;
        // The last line may still be being written: take it only when the file ends there and it parses.
        const line = end === -1 ? (atEndOfFile ? chunk.slice(consumed) : '') : chunk.slice(consumed, end);
        if (line.trim() === '') {
          if (end === -1) break;
          consumed = end + 1;
          continue;
        }
        const parsed = parseLine(line);
        if (end === -1 && typeof parsed === 'string') break;
        const lineOffset = offset + Buffer.byteLength(chunk.slice(0, consumed), 'utf8');
        consumed = end === -1 ? chunk.length : end + 1;
        if (typeof parsed === 'string') {
          skipped += 1;
          logger.warn({ path: source.path, byteOffset: lineOffset, problem: parsed }, 'skipped a line that is not a mention');
          continue;
        }
        candidates.push(parsed);
      }
      if (consumed === 0 && chunk.length > 0 && !chunk.includes('\n') && offset + CHUNK_BYTES < info.size) {
        // A "line" longer than a whole chunk is no mention (they are far smaller): step over it rather than stall.
        skipped += 1;
        logger.warn({ path: source.path, byteOffset: offset }, `skipped ${CHUNK_BYTES} bytes without a line break`);
        consumed = chunk.length;
      }
      const nextOffset = offset + Buffer.byteLength(chunk.slice(0, consumed), 'utf8');
      const selection = selectMentions(candidates, context);
      return {
        mentions: selection.mentions,
        cursor: { offset: nextOffset, inode: info.ino },
        waitMs: nextOffset < info.size && consumed > 0 ? 0 : interval,
        fetched: candidates.length + skipped,
        skipped: skipped + selection.skipped,
        newestPostAt: newestCreatedAt(candidates),
      };
    },
    close: async () => undefined,
  };
}

function parseLine(line: string): Candidate | string {
  const parsed = parseMentionLine(line);
  if (typeof parsed === 'string') return parsed;
  // Brands are matched again with this config's queries; the source is this one.
  const { matchedBrands: _brands, sourceId: _source, ...candidate } = parsed;
  return candidate;
}
