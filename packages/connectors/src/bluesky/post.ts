import { z } from 'zod';
import { count, isoTime, languageTag, type Candidate } from '../normalise.js';
import { postPermalink } from './profiles.js';

/** The parts of an `app.bsky.feed.post` record a mention needs; the rest (facets, embeds' media) is ignored. */
export const PostRecordSchema = z.object({
  text: z.string(),
  createdAt: z.string(),
  langs: z.array(z.string()).optional(),
  reply: z.object({ parent: z.object({ uri: z.string() }) }).optional(),
  embed: z
    .object({
      $type: z.string().optional(),
      record: z.object({ uri: z.string().optional(), record: z.object({ uri: z.string() }).optional() }).optional(),
    })
    .optional(),
});
export type PostRecord = z.infer<typeof PostRecordSchema>;

export interface PostCounts {
  likeCount?: unknown;
  repostCount?: unknown;
  replyCount?: unknown;
  quoteCount?: unknown;
}

/** One Bluesky post, from searchPosts or the firehose, as a mention identified by its at:// uri. */
export function postCandidate(uri: string, record: PostRecord, author: { handle: string; name?: string }, counts: PostCounts = {}): Candidate {
  const quoted = record.embed?.record?.uri ?? record.embed?.record?.record?.uri;
  const ref = (atUri: string | undefined) => (atUri === undefined ? undefined : { externalId: atUri, url: postPermalink(atUri) });
  return {
    platform: 'bluesky',
    externalId: uri,
    url: postPermalink(uri, author.handle),
    text: record.text,
    lang: languageTag(record.langs?.[0]),
    author: { handle: author.handle, name: author.name, url: `https://bsky.app/profile/${author.handle}` },
    createdAt: isoTime(record.createdAt) ?? record.createdAt,
    engagement: { likes: count(counts.likeCount), reposts: count(counts.repostCount), replies: count(counts.replyCount), quotes: count(counts.quoteCount) },
    inReplyTo: ref(record.reply?.parent.uri),
    quoteOf: record.embed?.$type?.startsWith('app.bsky.embed.record') ? ref(quoted) : undefined,
  };
}
