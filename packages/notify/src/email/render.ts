import type { SpikeAlert } from '@earshot/domain';
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
import { escapeHtml, formatCount, formatSeconds, formatShare, formatUtc, itemUrl, truncate } from '../format.js';
import type { ItemView } from '../item-view.js';
import type { DigestReport } from '../payload.js';
import type { ItemMessageKind, RenderContext } from '../slack/blocks.js';

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

type Row = readonly [label: string, value: string];

/** A plain-text body and an HTML body saying the same things, line for line. */
function compose(options: { intro: string[]; quote?: string; rows: Row[]; links: Array<{ label: string; url: string }>; footer?: string[] }): { text: string; html: string } {
  const text = [
    ...options.intro,
    '',
    ...(options.quote ? [...options.quote.split('\n').map((line) => `> ${line}`), ''] : []),
    ...options.rows.map(([label, value]) => `${label}: ${value}`),
    '',
    ...options.links.map((link) => `${link.label}: ${link.url}`),
    ...(options.footer ?? []),
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif; line-height: 1.4">',
    ...options.intro.map((line) => `<p>${escapeHtml(line)}</p>`),
    options.quote ? `<blockquote style="border-left: 3px solid #ccc; margin: 0; padding-left: 12px">${escapeHtml(options.quote).replace(/\n/g, '<br>')}</blockquote>` : '',
    '<table cellpadding="4">',
    ...options.rows.map(([label, value]) => `<tr><th align="left" valign="top">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    ...options.links.map((link) => `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`),
    ...(options.footer ?? []).map((line) => `<p style="color: #666">${escapeHtml(line)}</p>`),
    '</body></html>',
  ].join('\n');
  return { text, html };
}

/** An alert or escalation email about an item, with a link to the item. */
export function renderItemEmail(view: ItemView, kind: ItemMessageKind, context: RenderContext): EmailMessage {
  const headline = describeHeadline(view, context.brandName);
  const status = describeStatus(view);
  const intro =
    kind.kind === 'escalation'
      ? [`Escalation (${kind.label ?? `step ${kind.stepIndex + 1}`}): this ${view.priority} item is ${escalationSituation(view, context.now)}.`, headline]
      : [headline];
  const rows: Row[] = [
    ['Author', [authorLabel(view), view.mention.verified ? 'verified' : '', ...reachParts(view)].filter(Boolean).join(' · ')],
    ['Posted', formatUtc(view.mention.postedAt)],
    ['Sentiment', describeSentiment(view)],
    ['Urgency', describeUrgency(view)],
    ['Priority', view.priority],
    ['Assignee', view.assignee?.name ?? `${view.teamName ?? view.teamId ?? 'no team'} queue`],
    [
      'Status',
      status.label === 'Snoozed' && status.until
        ? `Snoozed until ${formatUtc(status.until)}`
        : [status.label, status.by ? `by ${status.by.name}` : '', status.at ? formatUtc(status.at) : ''].filter(Boolean).join(' '),
    ],
    ...runningDeadlines(view, context.now).map((deadline): Row => [deadline.label, `${formatUtc(deadline.at)}${deadline.overdue ? ' (overdue)' : ''}`]),
  ];
  if (view.mentionCount > 1) rows.push(['Similar mentions', String(view.mentionCount - 1)]);
  const links = [
    ...(itemUrl(context.publicUrl, view.id) ? [{ label: 'Open the item in Earshot', url: itemUrl(context.publicUrl, view.id)! }] : []),
    ...(view.mention.url ? [{ label: `Open the post on ${view.mention.platform}`, url: view.mention.url }] : []),
  ];
  const quote = [view.mention.title, truncate(view.mention.text.trim() || '(no text)', 2_000)].filter(Boolean).join('\n');
  const body = compose({ intro, quote, rows, links, footer: [`Item ${view.id}`] });
  const subject = kind.kind === 'escalation' ? `[Earshot] Escalation: ${headline} (${escalationSituation(view, context.now)})` : `[Earshot] ${headline}`;
  return { subject: truncate(subject, 200), ...body };
}

export function renderSpikeEmail(spike: SpikeAlert, context: RenderContext): EmailMessage {
  const brand = context.brandName(spike.brandId);
  const headline = `Possible crisis: ${spike.negativeCount} negative mentions of ${brand}`;
  const rows: Row[] = [
    ['Window', `${formatUtc(new Date(spike.windowStart))} – ${formatUtc(new Date(spike.windowEnd))}`],
    ['Usual', `${spike.baselineMean.toFixed(1)} ± ${spike.baselineDeviation.toFixed(1)} negative mentions`],
    ...spike.examples.slice(0, 5).map((example, index): Row => [
      `Example ${index + 1}`,
      `@${example.authorHandle}${example.followers === undefined ? '' : ` (${formatCount(example.followers)} followers)`}: ${truncate(example.text, 300)}`,
    ]),
  ];
  const links = spike.examples.flatMap((example, index) => (example.url ? [{ label: `Example ${index + 1}`, url: example.url }] : []));
  return { subject: `[Earshot] ${headline}`, ...compose({ intro: [headline], rows, links }) };
}

export function renderDigestEmail(digest: DigestReport, context: RenderContext): EmailMessage {
  const { stats } = digest;
  const window = `${formatUtc(new Date(stats.window.from))} – ${formatUtc(new Date(stats.window.to))}`;
  const mix = stats.sentimentMix;
  const rows: Row[] = [
    ['Mentions', String(stats.volume.total)],
    ['By brand', stats.volume.byBrand.map((b) => `${context.brandName(b.brandId)} ${b.count}`).join(', ') || 'none'],
    ['By platform', stats.volume.byPlatform.map((p) => `${p.platform} ${p.count}`).join(', ') || 'none'],
    ['Sentiment', `${mix.negative} negative, ${mix.neutral} neutral, ${mix.positive} positive`],
    ['Share of voice', stats.shareOfVoice.brands.map((b) => `${b.name}${b.competitor ? ' (competitor)' : ''} ${formatShare(b.share)}`).join(', ') || 'no mentions'],
    ['Time to acknowledge', `median ${formatSeconds(stats.timeToAcknowledge.median)}, p90 ${formatSeconds(stats.timeToAcknowledge.p90)}`],
    ['Time to handle', `median ${formatSeconds(stats.timeToHandle.median)}, p90 ${formatSeconds(stats.timeToHandle.p90)}`],
    ['SLA attainment', `acknowledge ${formatShare(stats.slaAttainment.acknowledge.rate)}, handle ${formatShare(stats.slaAttainment.handle.rate)}`],
    ['SLA breaches', `${stats.breaches.items} items (acknowledge ${stats.breaches.acknowledge}, handle ${stats.breaches.handle})`],
    ...digest.topItems.map((item, index): Row => [`Urgent ${index + 1}`, `${item.priority} @${item.authorHandle} on ${item.platform} (${item.state}): ${truncate(item.excerpt, 200)}`]),
  ];
  const links = digest.topItems.flatMap((item, index) => {
    const url = itemUrl(context.publicUrl, item.itemId) ?? item.url;
    return url ? [{ label: `Urgent ${index + 1}`, url }] : [];
  });
  return { subject: `[Earshot] Digest: ${digest.name} (${stats.volume.total} mentions)`, ...compose({ intro: [`Earshot digest: ${digest.name}`, window], rows, links }) };
}
