import { SLACK_ACTION_IDS, slackItemBlockId, type SpikeAlert } from '@earshot/domain';
import {
  authorLabel,
  describeHeadline,
  describeSentiment,
  describeStatus,
  describeUrgency,
  escalationSituation,
  reachParts,
  runningDeadlines,
} from '../describe.js';
import { escapeSlack, formatCount, formatSeconds, formatShare, itemUrl, slackDate, slackLink, truncate } from '../format.js';
import type { ItemView, Person } from '../item-view.js';
import type { DigestReport } from '../payload.js';

/** The Block Kit subset Earshot sends; plain JSON, as chat.postMessage takes it. */
export interface SlackText {
  type: 'mrkdwn' | 'plain_text';
  text: string;
}
export interface SlackButton {
  type: 'button';
  action_id: string;
  text: SlackText;
  value: string;
  style?: 'primary' | 'danger';
}
export type SlackBlock =
  | { type: 'section'; text: SlackText; fields?: SlackText[] }
  | { type: 'section'; fields: SlackText[] }
  | { type: 'context'; elements: SlackText[] }
  | { type: 'actions'; block_id: string; elements: SlackButton[] }
  | { type: 'header'; text: SlackText }
  | { type: 'divider' };

export interface SlackMessage {
  /** Notification and fallback text; Slack shows it where blocks cannot be. */
  text: string;
  blocks: SlackBlock[];
}

export interface RenderContext {
  now: Date;
  /** Base URL of Earshot's web/API, for "Open in Earshot" links. */
  publicUrl?: string;
  brandName(brandId: string): string;
}

const SECTION_TEXT_MAX = 3_000;
const MENTION_TEXT_MAX = 1_200;
const FIELD_MAX = 1_900;
const PRIORITY_ICON: Record<string, string> = { P1: ':red_circle:', P2: ':large_orange_circle:', P3: ':large_yellow_circle:', P4: ':white_circle:' };

const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text });
const plain = (text: string): SlackText => ({ type: 'plain_text', text });

function who(person: Person | null): string {
  if (!person) return 'someone';
  return person.slackUserId ? `<@${person.slackUserId}>` : escapeSlack(person.name);
}

function quote(text: string): string {
  return escapeSlack(truncate(text.trim() || '(no text)', MENTION_TEXT_MAX))
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

export type ItemMessageKind = { kind: 'alert' } | { kind: 'escalation'; stepIndex: number; label?: string; mention?: string };

/**
 * The Block Kit message for an item: an alert, or an escalation step (which
 * leads with why it fires and @mentions who must act). The buttons go away
 * once the item is handled; Acknowledge goes away once it is acknowledged.
 */
export function renderItemMessage(view: ItemView, kind: ItemMessageKind, context: RenderContext): SlackMessage {
  const headline = describeHeadline(view, context.brandName);
  const blocks: SlackBlock[] = [];
  if (kind.kind === 'escalation') {
    const step = kind.label ?? `step ${kind.stepIndex + 1}`;
    const mention = kind.mention ? ` <@${kind.mention}>` : '';
    blocks.push({
      type: 'section',
      text: mrkdwn(`:rotating_light: *Escalation (${escapeSlack(step)})*${mention}: this ${view.priority} item is ${escapeSlack(escalationSituation(view, context.now))}.`),
    });
  }

  const similar = view.mentionCount > 1 ? ` · +${view.mentionCount - 1} similar` : '';
  const title = view.mention.title ? `>*${escapeSlack(truncate(view.mention.title, 200))}*\n` : '';
  blocks.push({
    type: 'section',
    text: mrkdwn(truncate(`${PRIORITY_ICON[view.priority] ?? ''} *${escapeSlack(headline)}*${similar}\n${title}${quote(view.mention.text)}`, SECTION_TEXT_MAX)),
  });

  const author = `*${escapeSlack(authorLabel(view))}*${view.mention.verified ? ' :heavy_check_mark:' : ''}`;
  const links = (
    [
      [view.mention.url, `Open on ${view.mention.platform}`],
      [itemUrl(context.publicUrl, view.id), 'Open in Earshot'],
    ] as const
  ).flatMap(([url, label]) => (url ? [slackLink(url, label)] : []));
  blocks.push({
    type: 'context',
    elements: [mrkdwn([author, ...reachParts(view).map(escapeSlack), `posted ${slackDate(view.mention.postedAt)}`, ...links].join(' · '))],
  });

  const status = describeStatus(view);
  const statusText =
    status.label === 'Snoozed' && status.until
      ? `Snoozed until ${slackDate(status.until)}`
      : status.by || status.at
        ? `${status.label}${status.by ? ` by ${who(status.by)}` : ''}${status.at ? ` · ${slackDate(status.at)}` : ''}`
        : status.label;
  const fields: SlackText[] = [
    mrkdwn(`*Sentiment*\n${escapeSlack(describeSentiment(view))}`),
    mrkdwn(`*Urgency*\n${escapeSlack(truncate(describeUrgency(view), FIELD_MAX))}`),
    mrkdwn(`*Priority*\n${view.priority}`),
    mrkdwn(`*Assignee*\n${view.assignee ? who(view.assignee) : `_${escapeSlack(view.teamName ?? view.teamId ?? 'no team')} queue_`}`),
    mrkdwn(`*Status*\n${statusText}`),
  ];
  for (const deadline of runningDeadlines(view, context.now)) {
    fields.push(mrkdwn(`*${deadline.label}*\n${slackDate(deadline.at)}${deadline.overdue ? ' :warning: overdue' : ''}`));
  }
  blocks.push({ type: 'section', fields });

  if (view.state !== 'handled') {
    const button = (action: string, text: string, style?: 'primary' | 'danger'): SlackButton => ({
      type: 'button',
      action_id: action,
      text: plain(text),
      value: view.id,
      ...(style ? { style } : {}),
    });
    const buttons: SlackButton[] = [];
    if (view.acknowledgedAt === null) buttons.push(button(SLACK_ACTION_IDS.acknowledge, 'Acknowledge', 'primary'));
    buttons.push(button(SLACK_ACTION_IDS.handled, 'Handled'));
    if (view.state !== 'snoozed') buttons.push(button(SLACK_ACTION_IDS.snooze, 'Snooze 1h'));
    buttons.push(button(SLACK_ACTION_IDS.reassign, 'Reassign'));
    blocks.push({ type: 'actions', block_id: slackItemBlockId(view.id), elements: buttons });
  }

  const excerpt = truncate(view.mention.text.replace(/\s+/g, ' ').trim(), 140);
  const prefix = kind.kind === 'escalation' ? `Escalation: ${view.priority} item ${escalationSituation(view, context.now)}. ` : '';
  return { text: escapeSlack(`${prefix}${headline} from ${authorLabel(view)}: "${excerpt}"`), blocks };
}

/** The message alerts of a burst are threaded under: more than `threshold` alerts came within the window. */
export function renderBurstSummary(threshold: number, windowMs: number): SlackMessage {
  const window = formatSeconds(windowMs / 1000);
  const text = `:rotating_light: Burst: more than ${threshold} alerts for this channel within ${window}`;
  return {
    text,
    blocks: [
      { type: 'section', text: mrkdwn(`*${text}*`) },
      { type: 'context', elements: [mrkdwn(`Each alert is in this thread, buttons included. New alerts join it until the channel has had no alert for ${window}.`)] },
    ],
  };
}

export function renderSpikeMessage(spike: SpikeAlert, mention: string | undefined, context: RenderContext): SlackMessage {
  const brand = context.brandName(spike.brandId);
  const headline = `Possible crisis: ${spike.negativeCount} negative mentions of ${brand}`;
  const baseline = `usual: ${spike.baselineMean.toFixed(1)} ± ${spike.baselineDeviation.toFixed(1)}`;
  const examples = spike.examples.slice(0, 5).map((example) => {
    const reach = example.followers === undefined ? '' : ` (${formatCount(example.followers)} followers)`;
    return `• *@${escapeSlack(example.authorHandle)}*${escapeSlack(reach)}: ${escapeSlack(truncate(example.text.replace(/\s+/g, ' '), 200))} ${slackLink(example.url, 'open')}`;
  });
  return {
    text: escapeSlack(`${headline} between ${spike.windowStart} and ${spike.windowEnd} (${baseline})`),
    blocks: [
      { type: 'section', text: mrkdwn(`:fire: *${escapeSlack(headline)}*${mention ? ` <@${mention}>` : ''}`) },
      { type: 'context', elements: [mrkdwn(`${slackDate(new Date(spike.windowStart))} – ${slackDate(new Date(spike.windowEnd))} · ${escapeSlack(baseline)}`)] },
      ...(examples.length > 0 ? [{ type: 'section' as const, text: mrkdwn(truncate(examples.join('\n'), SECTION_TEXT_MAX)) }] : []),
    ],
  };
}

export function renderDigestMessage(digest: DigestReport, context: RenderContext): SlackMessage {
  const { stats } = digest;
  const from = new Date(stats.window.from);
  const to = new Date(stats.window.to);
  const title = `Earshot digest: ${digest.name}`;
  const byBrand = stats.volume.byBrand.slice(0, 8).map((b) => `${escapeSlack(context.brandName(b.brandId))} ${b.count}`).join(' · ') || 'none';
  const byPlatform = stats.volume.byPlatform.slice(0, 8).map((p) => `${escapeSlack(p.platform)} ${p.count}`).join(' · ') || 'none';
  const mix = stats.sentimentMix;
  const voice = stats.shareOfVoice.brands
    .slice(0, 8)
    .map((b) => `${escapeSlack(b.name)}${b.competitor ? ' (competitor)' : ''} ${formatShare(b.share)}`)
    .join(' · ');
  const sla = stats.slaAttainment;
  const top = digest.topItems.map(
    (item) =>
      `• *${item.priority}* ${slackLink(itemUrl(context.publicUrl, item.itemId) ?? item.url, `@${item.authorHandle} on ${item.platform}`)}: ${escapeSlack(truncate(item.excerpt.replace(/\s+/g, ' '), 150))} _(${item.state})_`,
  );
  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(truncate(title, 150)) },
    { type: 'context', elements: [mrkdwn(`${slackDate(from)} – ${slackDate(to)}`)] },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Mentions*\n${stats.volume.total}`),
        mrkdwn(`*Sentiment*\n:red_circle: ${mix.negative} · :white_circle: ${mix.neutral} · :large_green_circle: ${mix.positive}`),
        mrkdwn(`*Time to acknowledge*\nmedian ${formatSeconds(stats.timeToAcknowledge.median)} · p90 ${formatSeconds(stats.timeToAcknowledge.p90)}`),
        mrkdwn(`*Time to handle*\nmedian ${formatSeconds(stats.timeToHandle.median)} · p90 ${formatSeconds(stats.timeToHandle.p90)}`),
        mrkdwn(`*SLA attainment*\nack ${formatShare(sla.acknowledge.rate)} · handle ${formatShare(sla.handle.rate)}`),
        mrkdwn(`*Breaches*\n${stats.breaches.items} items (ack ${stats.breaches.acknowledge}, handle ${stats.breaches.handle})`),
      ],
    },
    { type: 'section', text: mrkdwn(truncate(`*By brand:* ${byBrand}\n*By platform:* ${byPlatform}\n*Share of voice:* ${voice || 'no mentions'}`, SECTION_TEXT_MAX)) },
  ];
  if (top.length > 0) blocks.push({ type: 'section', text: mrkdwn(truncate(`*Most urgent*\n${top.join('\n')}`, SECTION_TEXT_MAX)) });
  const text = `${title}: ${stats.volume.total} mentions, ${stats.breaches.items} SLA breaches, median time to acknowledge ${formatSeconds(stats.timeToAcknowledge.median)}`;
  return { text: escapeSlack(text), blocks };
}
