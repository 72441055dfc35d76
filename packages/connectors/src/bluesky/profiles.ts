import type { Mention } from '@earshot/domain';
import { z } from 'zod';
import type { ConnectorContext } from '../connector.js';
import { httpRequest, readJson } from '../http.js';
import { count } from '../normalise.js';

/** getProfiles takes at most 25 actors per call. */
const BATCH = 25;
/** Profiles are looked up again after this long (ms): follower counts drift, handles rarely change. */
const TTL_MS = 3_600_000;
const MAX_CACHED = 10_000;

const ProfilesSchema = z.object({
  profiles: z.array(z.object({ did: z.string(), handle: z.string(), displayName: z.string().optional(), followersCount: z.unknown() })),
});

export interface Profile {
  did: string;
  handle: string;
  displayName?: string;
  followers?: number;
}

/** `https://bsky.app/profile/{handle or did}/post/{rkey}` from an `at://did/app.bsky.feed.post/rkey` uri. */
export function postPermalink(atUri: string, handle?: string): string | undefined {
  const match = /^at:\/\/([^/]+)\/[^/]+\/([^/]+)$/.exec(atUri);
  if (!match) return undefined;
  return `https://bsky.app/profile/${handle ?? match[1]}/post/${match[2]}`;
}

/**
 * Follower counts (and handles, for Jetstream's did-only posts) from
 * `app.bsky.actor.getProfiles`, cached. Lookups are best effort: a failure is
 * logged and the mentions go out without them.
 */
export class ProfileDirectory {
  private readonly cache = new Map<string, { profile: Profile; at: number }>();

  constructor(
    private readonly context: Pick<ConnectorContext, 'logger' | 'now' | 'requestTimeoutMs'>,
    private readonly endpoint: string,
  ) {}

  async lookup(dids: readonly string[], headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Map<string, Profile>> {
    const now = this.context.now();
    const found = new Map<string, Profile>();
    const missing: string[] = [];
    for (const did of new Set(dids)) {
      const cached = this.cache.get(did);
      if (cached && now - cached.at < TTL_MS) found.set(did, cached.profile);
      else missing.push(did);
    }
    for (let start = 0; start < missing.length; start += BATCH) {
      const url = new URL(this.endpoint);
      for (const did of missing.slice(start, start + BATCH)) url.searchParams.append('actors', did);
      try {
        const response = await httpRequest(url, { headers, signal }, this.context.requestTimeoutMs);
        if (response.status !== 200) throw new Error(`${response.where} answered ${response.status}`);
        const parsed = ProfilesSchema.parse(readJson(response));
        for (const view of parsed.profiles) {
          const profile: Profile = { did: view.did, handle: view.handle, displayName: view.displayName || undefined, followers: count(view.followersCount) };
          found.set(view.did, profile);
          this.remember(view.did, profile, now);
        }
      } catch (error) {
        this.context.logger.warn({ err: error }, 'profile lookup failed; publishing without follower counts');
        break;
      }
    }
    return found;
  }

  private remember(did: string, profile: Profile, now: number): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(did, { profile, at: now });
  }
}

/** The did of the post's author, from its at:// uri. */
export function authorDid(mention: Mention): string | undefined {
  return /^at:\/\/([^/]+)\//.exec(mention.externalId)?.[1];
}

/** Puts what the profile says into the mention: follower count, and the handle when the post only had a did. */
export function withProfile(mention: Mention, profile: Profile | undefined): Mention {
  if (!profile) return mention;
  const author = { ...mention.author, handle: profile.handle, url: `https://bsky.app/profile/${profile.handle}` };
  if (profile.displayName !== undefined) author.name ??= profile.displayName;
  if (profile.followers !== undefined) author.followers = profile.followers;
  return { ...mention, author, url: postPermalink(mention.externalId, profile.handle) ?? mention.url };
}
