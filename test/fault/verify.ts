import type { Pool } from '@earshot/db';
import { itemIdOfSlackBlock } from '@earshot/domain';
import type { SlackStub } from '../support/slack-stub.js';
import type { SmtpTestServer } from '../support/smtp.js';
import { LEAD, STEP_NAMES, type Desk } from './workload.js';

/**
 * What the run expects once the pipeline is quiet, checked against what the
 * database holds and what the Slack stub and the SMTP server received:
 * every accepted mention stored once and in one item; every desk item's
 * alert and escalation steps delivered exactly once each.
 */

export interface Progress {
  stored: number;
  spam: number;
  itemsOrGrouped: number;
  /** Outbox rows still to send (pending or being sent). */
  outboxBusy: number;
  timersPending: number;
}

/** Cheap counters for the fault sequence ("is it moving?") and for settling ("is it done?"). */
export async function progress(pool: Pool): Promise<Progress> {
  const { rows } = await pool.query<Progress>(
    `SELECT (SELECT count(*)::int FROM mentions) AS stored,
            (SELECT count(*)::int FROM classifications WHERE category = 'spam') AS spam,
            (SELECT count(*)::int FROM items) + (SELECT count(*)::int FROM item_burst_mentions) AS "itemsOrGrouped",
            (SELECT count(*)::int FROM notification_outbox WHERE status IN ('pending', 'sending')) AS "outboxBusy",
            (SELECT count(*)::int FROM escalation_timers WHERE status = 'pending') AS "timersPending"`,
  );
  return rows[0]!;
}

export interface Counts {
  sent: number;
  stored: number;
  spam: number;
  items: number;
  grouped: number;
  /** Accepted non-spam mentions with neither an item nor a place in one. */
  withoutItem: number;
  deskItems: number;
  slackExpected: number;
  slackDelivered: number;
  slackDuplicates: number;
  slackLost: number;
  /** Posts about items that should not have had that message at all. */
  slackUnexpected: number;
  emailExpected: number;
  emailDelivered: number;
  emailDuplicates: number;
  emailLost: number;
  emailUnexpected: number;
  /** The same email (same Message-ID) received again: a worker died after the server took it and before that was recorded. */
  emailResent: number;
  deadNotifications: number;
  /** A few examples of each problem, for the report. */
  problems: string[];
}

/** `item|step|recipient` → how often it was delivered. */
function tally(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

function compare(expected: Set<string>, delivered: Map<string, number>, what: string, problems: string[], detail: (key: string) => string = () => '') {
  let duplicates = 0;
  let unexpected = 0;
  let found = 0;
  const lost = [...expected].filter((key) => !delivered.has(key));
  for (const [key, times] of delivered) {
    if (!expected.has(key)) {
      unexpected += times;
      if (problems.length < 40) problems.push(`${what} not expected: ${key} (${times}×)`);
      continue;
    }
    found += 1;
    if (times > 1) {
      duplicates += times - 1;
      if (problems.length < 40) problems.push(`${what} duplicated: ${key} delivered ${times}×${detail(key)}`);
    }
  }
  for (const key of lost.slice(0, 10)) problems.push(`${what} lost: ${key}`);
  return { delivered: found, duplicates, lost: lost.length, unexpected };
}

const ESCALATION = /\*Escalation \(([^)]+)\)\*/;

/** The item, the step (`alert` or the escalation step's name) and the channel of a posted item message; null for other posts (burst summaries, spikes). */
function slackKey(args: Record<string, unknown>): string | null {
  const blocks = Array.isArray(args.blocks) ? (args.blocks as Array<{ type?: string; block_id?: string; text?: { text?: string } }>) : [];
  const itemId = itemIdOfSlackBlock(blocks.find((block) => block.type === 'actions')?.block_id);
  if (itemId === null) return null;
  const step = ESCALATION.exec(blocks[0]?.text?.text ?? '')?.[1] ?? 'alert';
  return `${itemId}|${step}|${String(args.channel)}`;
}

export async function verify(pool: Pool, accepted: ReadonlySet<string>, deskList: readonly Desk[], slack: SlackStub, smtp: SmtpTestServer): Promise<Counts> {
  const ids = [...accepted];
  const problems: string[] = [];
  const { rows: mentionRows } = await pool.query<{ stored: number; spam: number; items: number; grouped: number; without_item: number }>(
    `SELECT count(*)::int AS stored,
            count(*) FILTER (WHERE c.category = 'spam')::int AS spam,
            count(i.id)::int AS items,
            count(b.mention_id)::int AS grouped,
            count(*) FILTER (WHERE coalesce(c.category, '') <> 'spam' AND i.id IS NULL AND b.mention_id IS NULL)::int AS without_item
     FROM mentions m
     LEFT JOIN classifications c ON c.mention_id = m.id
     LEFT JOIN items i ON i.mention_id = m.id
     LEFT JOIN item_burst_mentions b ON b.mention_id = m.id
     WHERE m.id = ANY($1)`,
    [ids],
  );
  const mentions = mentionRows[0]!;
  if (mentions.stored < ids.length) {
    const { rows } = await pool.query<{ id: string }>('SELECT id FROM unnest($1::text[]) AS id WHERE id NOT IN (SELECT id FROM mentions WHERE id = ANY($1))', [ids]);
    for (const row of rows.slice(0, 10)) problems.push(`accepted mention not stored: ${row.id}`);
  }

  const channelOf = new Map(deskList.map((desk) => [desk.team, desk]));
  const { rows: deskItems } = await pool.query<{ id: string; team_id: string }>('SELECT id, team_id FROM items WHERE team_id = ANY($1)', [
    deskList.map((desk) => desk.team),
  ]);
  const slackExpected = new Set<string>();
  const emailExpected = new Set<string>();
  for (const item of deskItems) {
    const desk = channelOf.get(item.team_id)!;
    slackExpected.add(`${item.id}|alert|${desk.channel}`);
    // A desk has one member: the assignee of every one of its items.
    slackExpected.add(`${item.id}|${STEP_NAMES[0]}|${desk.agent.slackUserId}`);
    slackExpected.add(`${item.id}|${STEP_NAMES[1]}|${desk.channel}`);
    emailExpected.add(`${item.id}|${STEP_NAMES[1]}|${LEAD.email}`);
  }

  const postedAt = new Map<string, string[]>();
  for (const call of slack.posts()) {
    const key = slackKey(call.args);
    if (key !== null) postedAt.set(key, [...(postedAt.get(key) ?? []), new Date(call.receivedAt).toISOString().slice(11, 23)]);
  }
  const slackDelivered = new Map([...postedAt].map(([key, times]) => [key, times.length]));
  const slackResult = compare(slackExpected, slackDelivered, 'Slack message', problems, (key) => ` (at ${postedAt.get(key)!.join(' and ')})`);

  // Each email carries its outbox row in its Message-ID (the same for every attempt of that row).
  const rowIds = smtp.messages.map((mail) => /<earshot\.notification\.(\d+)@/.exec(mail.messageId)?.[1] ?? null);
  const { rows: emailRows } = await pool.query<{ id: string; item_id: string | null; step_index: number | null; recipient: string }>(
    `SELECT id::text, item_id, (payload->>'stepIndex')::int AS step_index, recipient FROM notification_outbox WHERE id = ANY($1::bigint[])`,
    [rowIds.filter((id): id is string => id !== null)],
  );
  const rowById = new Map(emailRows.map((row) => [row.id, row]));
  // A row sent again after its worker died carries the same Message-ID: mail clients show it once, so it counts once, and is reported apart.
  const emailByMessageId = new Map<string, string>();
  smtp.messages.forEach((mail, index) => {
    const id = rowIds[index];
    const row = id === null || id === undefined ? undefined : rowById.get(id);
    const key = row
      ? `${row.item_id}|${row.step_index === null ? 'alert' : (STEP_NAMES[row.step_index] ?? `step ${row.step_index}`)}|${row.recipient}`
      : `unknown email ${mail.messageId} to ${mail.to.join(',')}`;
    emailByMessageId.set(mail.messageId || `no Message-ID #${index}`, key);
  });
  const emailResult = compare(emailExpected, tally(emailByMessageId.values()), 'email', problems);
  const emailResent = smtp.messages.length - emailByMessageId.size;

  const { rows: dead } = await pool.query<{ dead: number }>(`SELECT count(*)::int AS dead FROM notification_outbox WHERE status = 'dead'`);
  if (mentions.without_item > 0) problems.push(`${mentions.without_item} accepted non-spam mentions have no item`);

  return {
    sent: ids.length,
    stored: mentions.stored,
    spam: mentions.spam,
    items: mentions.items,
    grouped: mentions.grouped,
    withoutItem: mentions.without_item,
    deskItems: deskItems.length,
    slackExpected: slackExpected.size,
    slackDelivered: slackResult.delivered,
    slackDuplicates: slackResult.duplicates,
    slackLost: slackResult.lost,
    slackUnexpected: slackResult.unexpected,
    emailExpected: emailExpected.size,
    emailDelivered: emailResult.delivered,
    emailDuplicates: emailResult.duplicates,
    emailLost: emailResult.lost,
    emailUnexpected: emailResult.unexpected,
    emailResent,
    deadNotifications: dead[0]!.dead,
    problems,
  };
}

export function lostOrDuplicated(counts: Counts): boolean {
  return (
    counts.stored !== counts.sent ||
    counts.withoutItem > 0 ||
    counts.slackDuplicates + counts.slackLost + counts.slackUnexpected + counts.emailDuplicates + counts.emailLost + counts.emailUnexpected > 0
  );
}

export function countsTable(counts: Counts): string {
  const rows: Array<[string, string]> = [
    ['sent (accepted by the API)', String(counts.sent)],
    ['stored', `${counts.stored} (${counts.spam} spam)`],
    ['items', `${counts.items} (+${counts.grouped} grouped into one; ${counts.withoutItem} without)`],
    ['desk items (should alert)', String(counts.deskItems)],
    ['alerted (Slack messages)', `${counts.slackDelivered} of ${counts.slackExpected}`],
    ['emailed', `${counts.emailDelivered} of ${counts.emailExpected} (${counts.emailResent} received again with the same Message-ID)`],
    ['duplicates', `${counts.slackDuplicates + counts.emailDuplicates} (Slack ${counts.slackDuplicates}, email ${counts.emailDuplicates})`],
    [
      'lost',
      `${counts.sent - counts.stored + counts.withoutItem + counts.slackLost + counts.emailLost} (mentions ${counts.sent - counts.stored}, items ${counts.withoutItem}, Slack ${counts.slackLost}, email ${counts.emailLost})`,
    ],
    ['unexpected messages', `${counts.slackUnexpected + counts.emailUnexpected}`],
    ['dead notifications', String(counts.deadNotifications)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}
