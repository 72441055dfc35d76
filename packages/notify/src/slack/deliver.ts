import { withTransaction, type PoolClient } from '@earshot/db';
import { ITEM_VERSION_SQL, loadItemView } from '../item-view.js';
import { countChannelAlerts, markSent, readChannelState, saveChannelPace, type ClaimedRow } from '../outbox.js';
import { NotificationPayloadSchema, parseStoredPayload, type NotificationPayload } from '../payload.js';
import {
  asDeliveryError,
  countDelivery,
  permanent,
  persistently,
  recordDelivered,
  renderContext,
  settleFailure,
  UnrecordedDeliveryError,
  type DeliveryDeps,
  type ReleaseHeld,
} from '../settle.js';
import { renderBurstSummary, renderDigestMessage, renderItemMessage, renderSpikeMessage, type ItemMessageKind, type SlackMessage } from './blocks.js';
import { SlackSearchRefusedError, type PostedMessage, type SlackApi } from './client.js';
import { placeAlert, releaseChannel, type SlackPacingPolicy } from './pacing.js';

export interface SlackDeliveryDeps extends DeliveryDeps {
  slack: SlackApi;
  pacing: SlackPacingPolicy;
}

/** One row's delivery: its Slack calls are timed, so that its channel is released one interval after the last. */
interface RowDeps extends SlackDeliveryDeps {
  releaseChannel: ReleaseHeld;
}

/** How a row was delivered: by a call now, or by a message an earlier attempt had posted (found in Slack). */
type Delivered = 'now' | 'earlier';

function forRow(row: ClaimedRow, deps: SlackDeliveryDeps): RowDeps {
  let lastCallAt: Date | null = null;
  const timed = <T>(call: () => Promise<T>): Promise<T> => {
    lastCallAt = deps.now();
    return call();
  };
  return {
    ...deps,
    slack: {
      postMessage: (args) => timed(() => deps.slack.postMessage(args)),
      updateMessage: (args) => timed(() => deps.slack.updateMessage(args)),
      findMessage: (search) => timed(() => deps.slack.findMessage(search)),
    },
    releaseChannel: async (client, now, retryAfterMs) => {
      if (!row.pace) return;
      const pace = releaseChannel(row.pace, now, deps.pacing, { lastCallAt, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) });
      await saveChannelPace(client, row.recipient, row.id, pace, now);
    },
  };
}

/** Slack's clock and ours may differ a little: the search starts this long before the row's first attempt. */
const SEARCH_MARGIN_MS = 2 * 60_000;
/** Burst threads searched besides the channel itself: those started in the channel since the first attempt, newest first. */
const SEARCHED_THREADS = 10;

interface PostTarget {
  channel: string;
  threadTs?: string;
}

interface EarlierPost extends PostedMessage {
  threadTs: string | null;
}

/** Where a search for an earlier attempt's messages starts: the row's first attempt, less the clock margin. */
function searchSince(row: ClaimedRow): Date {
  return new Date(row.firstAttemptAt.getTime() - SEARCH_MARGIN_MS);
}

/** The row's channel by id, as history wants it (not a `#name`): from the messages posted there before, else the recipient as written. */
async function searchChannel(row: ClaimedRow, deps: RowDeps): Promise<string> {
  const { rows } = await deps.pool.query<{ channel: string }>('SELECT channel FROM slack_messages WHERE channel_key = $1 ORDER BY id DESC LIMIT 1', [row.recipient]);
  return rows[0]?.channel ?? row.recipient;
}

/** Where an earlier attempt may have posted: the channel and the burst threads started in it since. */
async function searchPlaces(row: ClaimedRow, since: Date, deps: RowDeps): Promise<{ channel: string; threads: string[] }> {
  const [channel, threads] = await Promise.all([
    searchChannel(row, deps),
    deps.pool.query<{ ts: string }>(
      `SELECT ts FROM slack_messages WHERE channel_key = $1 AND role = 'burst-summary' AND posted_at >= $2 ORDER BY id DESC LIMIT $3`,
      [row.recipient, since, SEARCHED_THREADS],
    ),
  ]);
  return { channel, threads: threads.rows.map((thread) => thread.ts) };
}

/**
 * The message an earlier attempt at this row posted, when one may have
 * reached Slack without its answer reaching us (its worker died mid-call, or
 * the call timed out or got a 5xx): found by the row id in its metadata, at
 * the top of the channel or in a burst thread — the earlier attempt's
 * placement, not the one this attempt would choose. Null when no attempt can
 * have posted (a 429 or a Slack `error` posted nothing) or none did. When
 * Slack refuses the search (the token lacks a history scope), null too:
 * posting again risks a duplicate, which beats losing the alert. Any other
 * failure (429, 5xx, timeout) is the attempt's: the row is retried later,
 * still searched first.
 */
async function findEarlierPost(row: ClaimedRow, deps: RowDeps): Promise<EarlierPost | null> {
  if (!row.mayHaveBeenDelivered) return null;
  const since = searchSince(row);
  const { channel, threads } = await searchPlaces(row, since, deps);
  try {
    for (const threadTs of [null, ...threads]) {
      const found = await deps.slack.findMessage({ notificationId: row.id, channel, since, ...(threadTs ? { threadTs } : {}) });
      if (found) {
        deps.logger.info({ outboxId: row.id, channel: found.channel, ts: found.ts, threadTs }, 'an earlier attempt had posted this notification: recorded, not posted again');
        return { ...found, threadTs };
      }
    }
    return null;
  } catch (error) {
    if (!(error instanceof SlackSearchRefusedError)) throw error;
    const scopes = row.channel === 'slack-dm' ? 'im:history and im:write' : 'channels:history (public channels) or groups:history (private ones)';
    // channel_not_found here is a `#name` never posted to before: history takes ids only.
    const why = error.code === 'missing_scope' ? `the bot token needs ${scopes}` : `Slack answered ${error.code}`;
    deps.logger.warn(
      { err: error, outboxId: row.id, channel: row.recipient, code: error.code },
      `could not look in Slack for the message an earlier attempt may have posted, so it is posted again (perhaps twice): ${why}`,
    );
    return null;
  }
}

/** Posts the row's message, its id in the metadata so that a later attempt can find it. */
function postNew(row: ClaimedRow, message: SlackMessage, target: PostTarget, deps: RowDeps): Promise<PostedMessage> {
  return deps.slack.postMessage({ ...target, ...message, notificationId: row.id });
}

type ItemPayload = Extract<NotificationPayload, { type: 'item-alert' | 'item-escalation' }>;

function itemMessageKind(payload: ItemPayload): ItemMessageKind {
  if (payload.type === 'item-alert') return { kind: 'alert' };
  return { kind: 'escalation', stepIndex: payload.stepIndex, ...(payload.label ? { label: payload.label } : {}), ...(payload.mention ? { mention: payload.mention } : {}) };
}

interface PostedRecord {
  row: ClaimedRow;
  role: 'alert' | 'other';
  itemId: string | null;
  posted: { channel: string; ts: string };
  threadTs: string | null;
  payload: NotificationPayload;
  renderedVersion: string | null;
}

/**
 * Marks the row sent and remembers the message (channel + ts) in one
 * transaction. If the item changed while the alert was on its way, the
 * message shows a stale state: an update is enqueued right away.
 */
async function recordPosted(client: PoolClient, record: PostedRecord, deps: RowDeps): Promise<void> {
  const now = deps.now();
  const { row, posted } = record;
  await markSent(client, row.id, `${posted.channel}:${posted.ts}`, now);
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO slack_messages (outbox_id, item_id, role, channel_key, channel, ts, thread_ts, payload, rendered_version, posted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (channel, ts) DO UPDATE SET outbox_id = excluded.outbox_id
     RETURNING id::text`,
    [row.id, record.itemId, record.role, row.recipient, posted.channel, posted.ts, record.threadTs, JSON.stringify(record.payload), record.renderedVersion, now],
  );
  if (record.threadTs !== null) {
    await client.query('UPDATE slack_channel_state SET burst_last_at = $2 WHERE channel_key = $1', [row.recipient, now]);
  }
  if (record.itemId !== null && record.renderedVersion !== null) {
    await client.query(
      `INSERT INTO notification_outbox (dedupe_key, item_id, kind, channel, recipient, payload)
       SELECT 'update:' || $2 || ':' || v.version, $1, 'update', 'slack', $3,
              jsonb_build_object('type', 'item-update', 'itemId', $1::uuid, 'slackMessageId', $2::bigint)
       FROM (SELECT ${ITEM_VERSION_SQL} AS version FROM items i WHERE i.id = $1) v
       WHERE v.version <> $4
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [record.itemId, rows[0]!.id, posted.channel, record.renderedVersion],
    );
  }
  await deps.releaseChannel(client, now);
}

/**
 * The burst summary an earlier attempt at this row posted but did not live
 * to record (its worker died, or the call's answer was lost): the thread its
 * alert belongs in. Null when no attempt can have posted one, none did, or
 * Slack refuses the search (`findEarlierPost` has already warned about that).
 */
async function findEarlierSummary(row: ClaimedRow, deps: RowDeps): Promise<PostedMessage | null> {
  if (!row.mayHaveBeenDelivered) return null;
  try {
    return await deps.slack.findMessage({ notificationId: row.id, channel: await searchChannel(row, deps), since: searchSince(row), part: 'burst-summary' });
  } catch (error) {
    if (error instanceof SlackSearchRefusedError) return null;
    throw error;
  }
}

/**
 * Posts a burst's summary (or takes the one an earlier attempt posted) and
 * makes it the channel's thread for the next alerts.
 */
async function startBurst(row: ClaimedRow, alerts: number, deps: RowDeps): Promise<{ channel: string; ts: string }> {
  const summary = renderBurstSummary(deps.pacing.burstThreshold, deps.pacing.burstWindowMs);
  const posted =
    (await findEarlierSummary(row, deps)) ?? (await deps.slack.postMessage({ channel: row.recipient, ...summary, notificationId: row.id, part: 'burst-summary' }));
  await persistently(() =>
    withTransaction(deps.pool, async (client) => {
      const now = deps.now();
      await client.query(
        `INSERT INTO slack_messages (item_id, role, channel_key, channel, ts, payload, posted_at)
         VALUES (NULL, 'burst-summary', $1, $2, $3, $4, $5) ON CONFLICT (channel, ts) DO NOTHING`,
        [row.recipient, posted.channel, posted.ts, JSON.stringify({ type: 'burst-summary', alerts }), now],
      );
      await client.query('UPDATE slack_channel_state SET burst_channel = $2, burst_ts = $3, burst_last_at = $4 WHERE channel_key = $1', [
        row.recipient,
        posted.channel,
        posted.ts,
        now,
      ]);
    }),
  );
  deps.logger.info({ channel: row.recipient, alerts }, 'burst of alerts: threading them under one summary');
  return posted;
}

async function postItemMessage(row: ClaimedRow, payload: ItemPayload, deps: RowDeps): Promise<Delivered> {
  const view = await loadItemView(deps.pool, payload.itemId);
  if (!view) throw permanent(`item ${payload.itemId} does not exist`, 'item_not_found');
  const record = (posted: PostedMessage, threadTs: string | null) =>
    recordDelivered(() =>
      withTransaction(deps.pool, (client) =>
        recordPosted(client, { row, role: 'alert', itemId: view.id, posted, threadTs, payload, renderedVersion: view.version }, deps),
      ),
    );
  const earlier = await findEarlierPost(row, deps);
  if (earlier) {
    await record(earlier, earlier.threadTs);
    return 'earlier';
  }

  const message = renderItemMessage(view, itemMessageKind(payload), renderContext(deps));
  let target: { channel: string; threadTs: string | null } = { channel: row.recipient, threadTs: null };
  if (payload.type === 'item-alert') {
    const now = deps.now();
    const [{ burst }, counts] = await Promise.all([readChannelState(deps.pool, row.recipient), countChannelAlerts(deps.pool, row.recipient, now, deps.pacing)]);
    // `waiting` counts the other due alerts; this one is being sent.
    const placement = placeAlert({ now, burst, recentTopLevel: counts.recentTopLevel, waiting: counts.waiting + 1 }, deps.pacing);
    if (placement.kind === 'start-burst') {
      const summary = await startBurst(row, placement.alerts, deps);
      target = { channel: summary.channel, threadTs: summary.ts };
    } else if (placement.kind === 'thread') {
      target = { channel: placement.channel, threadTs: placement.threadTs };
    }
  }
  const posted = await postNew(row, message, { channel: target.channel, ...(target.threadTs ? { threadTs: target.threadTs } : {}) }, deps);
  await record(posted, target.threadTs);
  return 'now';
}

/** chat.update of one posted alert, rendered again from the item's current state. */
async function updateItemMessage(row: ClaimedRow, slackMessageId: number, deps: RowDeps): Promise<Delivered> {
  const { rows } = await deps.pool.query<{ channel: string; ts: string; payload: unknown }>('SELECT channel, ts, payload FROM slack_messages WHERE id = $1', [
    slackMessageId,
  ]);
  const original = rows[0];
  if (!original) throw permanent(`Slack message ${slackMessageId} is not recorded`, 'message_not_recorded');
  const stored = NotificationPayloadSchema.safeParse(original.payload);
  if (!stored.success || (stored.data.type !== 'item-alert' && stored.data.type !== 'item-escalation')) {
    throw permanent(`Slack message ${slackMessageId} is not an item alert`, 'not_an_alert');
  }
  const view = await loadItemView(deps.pool, stored.data.itemId);
  if (!view) throw permanent(`item ${stored.data.itemId} does not exist`, 'item_not_found');
  const message = renderItemMessage(view, itemMessageKind(stored.data), renderContext(deps));
  await deps.slack.updateMessage({ channel: original.channel, ts: original.ts, ...message });
  await recordDelivered(() =>
    withTransaction(deps.pool, async (client) => {
      await markSent(client, row.id, `${original.channel}:${original.ts}`, deps.now());
      await client.query('UPDATE slack_messages SET rendered_version = $2 WHERE id = $1', [slackMessageId, view.version]);
      await deps.releaseChannel(client, deps.now());
    }),
  );
  return 'now';
}

async function postPlainMessage(row: ClaimedRow, payload: NotificationPayload, message: SlackMessage, deps: RowDeps): Promise<Delivered> {
  const earlier = await findEarlierPost(row, deps);
  const posted = earlier ?? (await postNew(row, message, { channel: row.recipient }, deps));
  await recordDelivered(() =>
    withTransaction(deps.pool, (client) => recordPosted(client, { row, role: 'other', itemId: null, posted, threadTs: null, payload, renderedVersion: null }, deps)),
  );
  return earlier ? 'earlier' : 'now';
}

function deliverPayload(row: ClaimedRow, payload: NotificationPayload, deps: RowDeps): Promise<Delivered> {
  switch (payload.type) {
    case 'item-alert':
    case 'item-escalation':
      return postItemMessage(row, payload, deps);
    case 'item-update':
      return updateItemMessage(row, payload.slackMessageId, deps);
    case 'spike':
      return postPlainMessage(row, payload, renderSpikeMessage(payload.spike, payload.mention, renderContext(deps)), deps);
    case 'digest':
      return postPlainMessage(row, payload, renderDigestMessage(payload.digest, renderContext(deps)), deps);
  }
}

/** Sends one claimed Slack row and settles it; never throws. */
export async function deliverSlackRow(row: ClaimedRow, slackDeps: SlackDeliveryDeps): Promise<void> {
  const deps = forRow(row, slackDeps);
  try {
    const parsed = parseStoredPayload(row.payload);
    if ('problem' in parsed) throw permanent(parsed.problem);
    const delivered = await deliverPayload(row, parsed.payload, deps);
    countDelivery(row, deps, { resent: row.recovered && delivered === 'now' });
  } catch (error) {
    if (error instanceof UnrecordedDeliveryError) {
      deps.logger.error({ err: error, outboxId: row.id }, 'Slack took the message but the outbox could not record it; it is sent again when its lease runs out');
      return;
    }
    await settleFailure(row, asDeliveryError(error), deps, deps.releaseChannel).catch((settleError: unknown) =>
      // The row stays `sending` until its lease runs out, then it is tried again.
      deps.logger.error({ err: settleError, outboxId: row.id }, 'could not record a failed Slack delivery'),
    );
  }
}
