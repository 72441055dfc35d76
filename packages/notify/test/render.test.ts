import { SLACK_ACTION_IDS } from '@earshot/domain';
import type { StatsReport } from '@earshot/reports';
import { describe, expect, it } from 'vitest';
import {
  renderBurstSummary,
  renderDigestEmail,
  renderDigestMessage,
  renderItemEmail,
  renderItemMessage,
  renderSpikeMessage,
  type DigestReport,
  type ItemView,
  type RenderContext,
  type SlackBlock,
} from '../src/index.js';

const NOW = new Date('2026-11-02T10:00:00Z');
const ITEM_ID = '7f3c1d2e-4b5a-4c6d-8e9f-0a1b2c3d4e5f';
const context: RenderContext = { now: NOW, publicUrl: 'https://earshot.example.com/', brandName: (id) => (id === 'acme' ? 'Acme' : id) };

function view(overrides: Partial<ItemView> = {}): ItemView {
  return {
    id: ITEM_ID,
    state: 'open',
    priority: 'P1',
    category: 'complaint',
    brandId: 'acme',
    teamId: 'support',
    teamName: 'Customer Support',
    mentionCount: 1,
    slaApplies: true,
    ackDueAt: new Date('2026-11-02T10:15:00Z'),
    handleDueAt: new Date('2026-11-02T14:00:00Z'),
    snoozedUntil: null,
    createdAt: new Date('2026-11-02T09:59:00Z'),
    acknowledgedAt: null,
    handledAt: null,
    mention: {
      platform: 'reddit',
      url: 'https://reddit.com/r/devops/comments/abc',
      title: 'Anyone else?',
      text: 'Acme ate my data <@U999> & support is gone',
      authorHandle: 'someuser',
      authorName: null,
      followers: 1_234_567,
      verified: false,
      engagement: { likes: 42, replies: 17, reposts: 0 },
      postedAt: new Date('2026-11-02T09:58:00Z'),
    },
    classification: { sentiment: 'negative', sentimentScore: -0.7, sentimentConfidence: 0.88, urgency: 91, urgencyReasons: ['churn threat'] },
    assignee: { id: 'alice', name: 'Alice Ng', slackUserId: 'UALICE' },
    lead: { id: 'lena', name: 'Lena Lead', slackUserId: 'ULENA' },
    lastAction: null,
    version: 'v1',
    ...overrides,
  };
}

const texts = (blocks: SlackBlock[]) => JSON.stringify(blocks);
const buttons = (blocks: SlackBlock[]) =>
  blocks.flatMap((block) => (block.type === 'actions' ? block.elements.map((button) => [button.action_id, button.value, button.style ?? null]) : []));

describe('Slack alert', () => {
  it('shows the mention, author and reach, permalink, classification, assignee and deadlines, with the four buttons', () => {
    const message = renderItemMessage(view(), { kind: 'alert' }, context);
    expect(message.text).toBe('P1 complaint about Acme on reddit from @someuser: "Acme ate my data &lt;@U999&gt; &amp; support is gone"');
    const all = texts(message.blocks);
    expect(all).toContain('*P1 complaint about Acme on reddit*');
    expect(all).toContain('>*Anyone else?*\\n>Acme ate my data &lt;@U999&gt; &amp; support is gone');
    expect(all).toContain('*@someuser* · 1.2M followers · 42 likes · 17 replies');
    expect(all).toContain('<https://reddit.com/r/devops/comments/abc|Open on reddit>');
    expect(all).toContain(`<https://earshot.example.com/items/${ITEM_ID}|Open in Earshot>`);
    expect(all).toContain('*Sentiment*\\nnegative (-0.70, 88% sure)');
    expect(all).toContain('*Urgency*\\n91/100: churn threat');
    expect(all).toContain('*Assignee*\\n<@UALICE>');
    expect(all).toContain('*Acknowledge by*\\n<!date^1793614500^{date_short_pretty} {time}|2026-11-02 10:15 UTC>');
    expect(all).toContain('*Handle by*');
    expect(buttons(message.blocks)).toEqual([
      [SLACK_ACTION_IDS.acknowledge, ITEM_ID, 'primary'],
      [SLACK_ACTION_IDS.handled, ITEM_ID, null],
      [SLACK_ACTION_IDS.snooze, ITEM_ID, null],
      [SLACK_ACTION_IDS.reassign, ITEM_ID, null],
    ]);
    expect(message.blocks.find((block) => block.type === 'actions')).toMatchObject({ block_id: `earshot.item:${ITEM_ID}` });
  });

  it('names who acknowledged and drops the Acknowledge button', () => {
    const acknowledged = view({
      state: 'acknowledged',
      acknowledgedAt: new Date('2026-11-02T10:05:00Z'),
      lastAction: { type: 'acknowledged', at: new Date('2026-11-02T10:05:00Z'), actor: { id: 'bob', name: 'Bob', slackUserId: 'UBOB' } },
    });
    const message = renderItemMessage(acknowledged, { kind: 'alert' }, context);
    expect(texts(message.blocks)).toContain('*Status*\\nAcknowledged by <@UBOB> · <!date^');
    expect(texts(message.blocks)).not.toContain('Acknowledge by');
    expect(buttons(message.blocks).map(([action]) => action)).toEqual([SLACK_ACTION_IDS.handled, SLACK_ACTION_IDS.snooze, SLACK_ACTION_IDS.reassign]);
  });

  it('shows a snooze and an empty assignee as the team queue', () => {
    const snoozed = view({ state: 'snoozed', snoozedUntil: new Date('2026-11-02T11:00:00Z'), assignee: null });
    const all = texts(renderItemMessage(snoozed, { kind: 'alert' }, context).blocks);
    expect(all).toContain('*Status*\\nSnoozed until <!date^');
    expect(all).toContain('*Assignee*\\n_Customer Support queue_');
    expect(buttons(renderItemMessage(snoozed, { kind: 'alert' }, context).blocks).map(([action]) => action)).not.toContain(SLACK_ACTION_IDS.snooze);
  });

  it('has no buttons and no deadlines once handled', () => {
    const handled = view({ state: 'handled', acknowledgedAt: NOW, handledAt: NOW });
    const message = renderItemMessage(handled, { kind: 'alert' }, context);
    expect(buttons(message.blocks)).toEqual([]);
    expect(texts(message.blocks)).not.toContain('Handle by');
  });

  it('leads an escalation with why it fires and mentions the lead', () => {
    const late = view({ ackDueAt: new Date('2026-11-02T09:48:00Z') });
    const message = renderItemMessage(late, { kind: 'escalation', stepIndex: 1, label: '100% ack', mention: 'ULENA' }, context);
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':rotating_light: *Escalation (100% ack)* <@ULENA>: this P1 item is not acknowledged, 12m past its deadline.' },
    });
    expect(texts(message.blocks)).toContain(':warning: overdue');
    expect(message.text.startsWith('Escalation: P1 item not acknowledged, 12m past its deadline. P1 complaint')).toBe(true);
  });

  it('cuts a very long mention to stay within Slack limits', () => {
    const long = view({ mention: { ...view().mention, text: 'word '.repeat(2_000) } });
    const section = renderItemMessage(long, { kind: 'alert' }, context).blocks[0]!;
    expect(section.type === 'section' && 'text' in section && section.text.text.length).toBeLessThanOrEqual(3_000);
  });
});

describe('other Slack messages', () => {
  it('summarises a burst', () => {
    expect(renderBurstSummary(10, 60_000).text).toBe(':rotating_light: Burst: more than 10 alerts for this channel within 1m');
  });

  it('raises a spike with examples and the lead', () => {
    const message = renderSpikeMessage(
      {
        id: 'spike:acme:2026-11-02T09:00:00.000Z',
        brandId: 'acme',
        windowStart: '2026-11-02T09:00:00.000Z',
        windowEnd: '2026-11-02T09:15:00.000Z',
        negativeCount: 48,
        baselineMean: 3.2,
        baselineDeviation: 1.1,
        examples: [{ mentionId: 'x:1', text: 'Acme is down again', url: 'https://x.com/a/status/1', authorHandle: 'a', followers: 9_100 }],
        detectedAt: '2026-11-02T09:15:02.000Z',
      },
      'ULENA',
      context,
    );
    expect(texts(message.blocks)).toContain(':fire: *Possible crisis: 48 negative mentions of Acme* <@ULENA>');
    expect(texts(message.blocks)).toContain('usual: 3.2 ± 1.1');
    expect(texts(message.blocks)).toContain('*@a* (9.1k followers): Acme is down again <https://x.com/a/status/1|open>');
  });
});

const stats: StatsReport = {
  window: { from: '2026-11-01T09:00:00.000Z', to: '2026-11-02T09:00:00.000Z', brands: null, generatedAt: '2026-11-02T09:00:01.000Z' },
  volume: {
    total: 120,
    byBrand: [{ brandId: 'acme', count: 90 }, { brandId: 'globex', count: 30 }],
    byPlatform: [{ platform: 'x', count: 100 }, { platform: 'reddit', count: 20 }],
    overTime: { bucketSeconds: 900, buckets: [] },
  },
  sentimentMix: { negative: 40, neutral: 50, positive: 30, unclassified: 0, shares: { negative: 0.3333, neutral: 0.4167, positive: 0.25 } },
  shareOfVoice: {
    total: 120,
    own: { mentions: 90, share: 0.75 },
    competitors: { mentions: 30, share: 0.25 },
    brands: [
      { brandId: 'acme', name: 'Acme', competitor: false, mentions: 90, share: 0.75 },
      { brandId: 'globex', name: 'Globex', competitor: true, mentions: 30, share: 0.25 },
    ],
  },
  timeToAcknowledge: { samples: 30, median: 420, p90: 1_500 },
  timeToHandle: { samples: 25, median: 5_400, p90: null },
  slaAttainment: { acknowledge: { met: 27, missed: 3, pending: 2, rate: 0.9 }, handle: { met: 20, missed: 5, pending: 7, rate: 0.8 } },
  breaches: { items: 6, acknowledge: 3, handle: 5 },
  backlog: [],
};
const digest: DigestReport = {
  id: 'daily',
  name: 'daily',
  scheduledAt: '2026-11-02T09:00:00.000Z',
  timezone: 'Europe/Berlin',
  stats,
  topItems: [
    {
      itemId: ITEM_ID,
      priority: 'P1',
      urgency: 95,
      sentiment: 'negative',
      state: 'open',
      brandId: 'acme',
      platform: 'x',
      authorHandle: 'angry',
      excerpt: 'Acme <lost> my order',
      url: 'https://x.com/angry/status/1',
      createdAt: '2026-11-01T20:00:00.000Z',
    },
  ],
};

describe('digests', () => {
  it('reports volume, sentiment, share of voice, response times, SLA and the most urgent items on Slack', () => {
    const message = renderDigestMessage(digest, context);
    expect(message.text).toBe('Earshot digest: daily: 120 mentions, 6 SLA breaches, median time to acknowledge 7m');
    const all = texts(message.blocks);
    expect(all).toContain('*Time to acknowledge*\\nmedian 7m · p90 25m');
    expect(all).toContain('*Time to handle*\\nmedian 1h 30m · p90 n/a');
    expect(all).toContain('*SLA attainment*\\nack 90% · handle 80%');
    expect(all).toContain('*Share of voice:* Acme 75% · Globex (competitor) 25%');
    expect(all).toContain(`• *P1* <https://earshot.example.com/items/${ITEM_ID}|@angry on x>: Acme &lt;lost&gt; my order _(open)_`);
  });

  it('says the same by email, escaped', () => {
    const email = renderDigestEmail(digest, context);
    expect(email.subject).toBe('[Earshot] Digest: daily (120 mentions)');
    expect(email.text).toContain('SLA attainment: acknowledge 90%, handle 80%');
    expect(email.text).toContain('Share of voice: Acme 75%, Globex (competitor) 25%');
    expect(email.html).toContain('Acme &lt;lost&gt; my order');
    expect(email.html).toContain(`<a href="https://earshot.example.com/items/${ITEM_ID}">Urgent 1</a>`);
  });
});

describe('item email', () => {
  it('has a subject, both bodies and the link to the item', () => {
    const email = renderItemEmail(view(), { kind: 'alert' }, context);
    expect(email.subject).toBe('[Earshot] P1 complaint about Acme on reddit');
    expect(email.text).toContain(`Open the item in Earshot: https://earshot.example.com/items/${ITEM_ID}`);
    expect(email.text).toContain('Acknowledge by: 2026-11-02 10:15 UTC');
    expect(email.html).toContain('Acme ate my data &lt;@U999&gt; &amp; support is gone');
  });
});
