import type { MentionInput } from '@earshot/domain';

/** A realistic mention for tests; `index` makes the id and text unique. */
export function fakeMention(index: number, overrides: Partial<MentionInput> = {}): MentionInput {
  return {
    platform: 'x',
    externalId: `${1_800_000_000_000 + index}`,
    url: `https://x.com/user${index % 50}/status/${1_800_000_000_000 + index}`,
    text: `@acme my order #${index} still has not arrived, what is going on?`,
    lang: 'en',
    author: { handle: `user${index % 50}`, name: `User ${index % 50}`, followers: 120 + index, verified: false },
    createdAt: new Date(Date.UTC(2026, 10, 1, 12, 0, index % 60)).toISOString(),
    engagement: { likes: index % 7, reposts: index % 3, replies: 1 },
    matchedBrands: ['acme'],
    sourceId: 'test',
    ...overrides,
  };
}
