import { withTransaction, type PoolClient } from '@earshot/db';
import type { ClassifiedMention, Priority } from '@earshot/domain';
import { requestAlertUpdates } from '@earshot/notify';
import {
  newItemAlerts,
  scheduleEscalation,
  slaDeadlines,
  teamSchedule,
  type AssignmentDecision,
  type RouteDecision,
  type ScheduledStep,
  type SlaDeadlines,
} from '@earshot/routing';
import type { RouterContext } from './context.js';
import { lockTeams, openDesks, type Desks } from './desks.js';
import { NO_TEAM } from './metrics.js';
import { enqueueAll, itemAlert, reasonsByItem } from './notifications.js';
import { assignFromQueue } from './queue.js';
import { appendTimeline, type TimelineEntry } from './timeline.js';

interface Plan {
  message: ClassifiedMention;
  route: RouteDecision | null;
}

/**
 * Turns a batch of classified mentions into items, in one transaction, so a
 * crash leaves either all of a message's work (item, assignment, deadlines,
 * timers, timeline, first alerts) or none of it, and the redelivery redoes it:
 * - a mention that already has an item, or was already grouped, is skipped;
 * - a near-duplicate (`burstOf`) adds to its first mention's item instead of
 *   making one (counted once per mention);
 * - every other mention is routed, assigned or queued, and alerted.
 */
export async function routeClassified(context: RouterContext, messages: readonly ClassifiedMention[]): Promise<void> {
  const now = context.now();
  const byId = new Map(messages.map((message) => [message.id, message]));
  const created = await withTransaction(context.pool, async (client) => {
    const known = await lookUp(client, [...byId.keys()]);
    const pending = [...byId.values()].filter((message) => !known.routed.has(message.id));
    if (pending.length === 0) return [];
    await storeClassifiedMentions(client, pending.filter((message) => !known.stored.has(message.id)));

    const plans: Plan[] = pending.map((message) => ({ message, route: context.rules.route(routable(message)) }));
    const teamIds = [...new Set(plans.flatMap((plan) => (plan.route ? [plan.route.teamId] : [])))];
    await lockTeams(client, teamIds);
    const desks = await openDesks(client, teamIds, context.directory, now);
    // Items already waiting in these teams go first: the queue is served oldest first.
    for (const teamId of teamIds) await assignFromQueue(client, context, teamId, desks, now);

    // New items first, so a near-duplicate finds its first mention's item even when both came in this batch.
    const fresh = plans.filter((plan) => plan.message.burstOf === undefined);
    const items = await createItems(client, context, fresh, desks, now, 0);
    const orphans = await groupBursts(client, plans.filter((plan) => plan.message.burstOf !== undefined), now);
    items.push(...(await createItems(client, context, orphans, desks, now, fresh.length)));
    await desks.saveRotations(client);
    return items;
  });
  for (const item of created) context.metrics.itemsRouted.inc({ team: item.teamId ?? NO_TEAM, priority: item.priority });
}

/**
 * Of these mention ids: those that already made an item or joined one, and
 * those stored with their classification (which the classifier does before
 * publishing, so normally all of them).
 */
async function lookUp(client: PoolClient, ids: string[]): Promise<{ routed: Set<string>; stored: Set<string> }> {
  const { rows } = await client.query<{ id: string; routed: boolean; stored: boolean }>(
    `SELECT asked.id,
            EXISTS (SELECT 1 FROM items i WHERE i.mention_id = asked.id)
              OR EXISTS (SELECT 1 FROM item_burst_mentions b WHERE b.mention_id = asked.id) AS routed,
            EXISTS (SELECT 1 FROM classifications c WHERE c.mention_id = asked.id) AS stored
     FROM unnest($1::text[]) AS asked(id)`,
    [ids],
  );
  return { routed: new Set(rows.filter((row) => row.routed).map((row) => row.id)), stored: new Set(rows.filter((row) => row.stored).map((row) => row.id)) };
}

/**
 * Stores the mentions and classifications the classifier has not (a replay
 * of `mentions.classified`, say), so every item's mention and
 * classification are in place whatever published the message. A
 * classification row implies its mention's, so the caller passes only the
 * messages without one.
 */
async function storeClassifiedMentions(client: PoolClient, messages: readonly ClassifiedMention[]): Promise<void> {
  if (messages.length === 0) return;
  const rows = messages.map(({ id, mention, classification, burstOf }) => ({
    id,
    platform: mention.platform,
    external_id: mention.externalId,
    url: mention.url ?? null,
    title: mention.title ?? null,
    text: mention.text,
    lang: mention.lang ?? null,
    author_handle: mention.author.handle,
    author_name: mention.author.name ?? null,
    author_followers: mention.author.followers ?? null,
    author_verified: mention.author.verified ?? null,
    engagement: mention.engagement,
    matched_brands: mention.matchedBrands,
    source_id: mention.sourceId ?? null,
    payload: mention,
    created_at: mention.createdAt,
    sentiment_label: classification.sentiment.label,
    sentiment_score: classification.sentiment.score,
    sentiment_confidence: classification.sentiment.confidence,
    urgency: classification.urgency.score,
    urgency_reasons: classification.urgency.reasons,
    category: classification.category,
    priority: classification.priority,
    burst_of: burstOf ?? null,
    model_version: classification.modelVersion,
    classified_at: classification.classifiedAt,
  }));
  const json = JSON.stringify(rows);
  await client.query(
    `INSERT INTO mentions (id, platform, external_id, url, title, text, lang, author_handle, author_name, author_followers,
                           author_verified, engagement, matched_brands, source_id, payload, created_at)
     SELECT m.id, m.platform, m.external_id, m.url, m.title, m.text, m.lang, m.author_handle, m.author_name, m.author_followers,
            m.author_verified, m.engagement, m.matched_brands, m.source_id, m.payload, m.created_at
     FROM jsonb_to_recordset($1::jsonb) AS m(id text, platform text, external_id text, url text, title text, text text, lang text,
          author_handle text, author_name text, author_followers integer, author_verified boolean, engagement jsonb,
          matched_brands text[], source_id text, payload jsonb, created_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [json],
  );
  // burst_of must name a stored mention; a near-duplicate of one never stored keeps the link in the message only.
  await client.query(
    `INSERT INTO classifications (mention_id, sentiment_label, sentiment_score, sentiment_confidence, urgency, urgency_reasons,
                                  category, priority, burst_of, model_version, classified_at)
     SELECT c.id, c.sentiment_label, c.sentiment_score, c.sentiment_confidence, c.urgency, c.urgency_reasons,
            c.category, c.priority, (SELECT id FROM mentions WHERE id = c.burst_of), c.model_version, c.classified_at
     FROM jsonb_to_recordset($1::jsonb) AS c(id text, sentiment_label text, sentiment_score real, sentiment_confidence real,
          urgency smallint, urgency_reasons text[], category text, priority text, burst_of text, model_version text, classified_at timestamptz)
     ON CONFLICT (mention_id) DO NOTHING`,
    [json],
  );
}

function routable({ mention, classification }: ClassifiedMention) {
  return {
    platform: mention.platform,
    brands: mention.matchedBrands,
    category: classification.category,
    priority: classification.priority,
    lang: mention.lang,
    text: mention.text,
    title: mention.title,
    authorHandle: mention.author.handle,
    followers: mention.author.followers,
    verified: mention.author.verified,
  };
}

/**
 * Adds near-duplicates to their first mention's item. Returns the ones whose
 * first mention has no item (it was dropped, or is still on its way on
 * another partition): they are routed as items of their own rather than lost.
 */
async function groupBursts(client: PoolClient, bursts: Plan[], now: Date): Promise<Plan[]> {
  if (bursts.length === 0) return [];
  const { rows: origins } = await client.query<{ mention_id: string; item_id: string }>(
    `SELECT mention_id, id AS item_id FROM items WHERE mention_id = ANY($1)
     UNION ALL SELECT mention_id, item_id FROM item_burst_mentions WHERE mention_id = ANY($1)`,
    [bursts.map((plan) => plan.message.burstOf)],
  );
  const itemOf = new Map(origins.map((row) => [row.mention_id, row.item_id]));
  const grouped = bursts.flatMap((plan) => {
    const itemId = itemOf.get(plan.message.burstOf!);
    return itemId === undefined ? [] : [{ plan, itemId }];
  });
  if (grouped.length > 0) {
    // The primary key on the mention id makes each near-duplicate count once, whoever gets there first.
    const { rows: added } = await client.query<{ mention_id: string; item_id: string }>(
      `INSERT INTO item_burst_mentions (mention_id, item_id, added_at)
       SELECT mention_id, item_id, $3 FROM unnest($1::text[], $2::uuid[]) AS b(mention_id, item_id)
       ON CONFLICT (mention_id) DO NOTHING RETURNING mention_id, item_id`,
      [grouped.map((g) => g.plan.message.id), grouped.map((g) => g.itemId), now],
    );
    if (added.length > 0) {
      const { rows: counts } = await client.query<{ id: string; mention_count: number }>(
        `UPDATE items SET mention_count = mention_count + c.added, updated_at = $2
         FROM (SELECT item_id, count(*)::int AS added FROM unnest($1::uuid[]) AS item_id GROUP BY item_id) AS c
         WHERE items.id = c.item_id RETURNING items.id, items.mention_count`,
        [added.map((row) => row.item_id), now],
      );
      const countOf = new Map(counts.map((row) => [row.id, row.mention_count]));
      // Posted alerts show the mention count: have them edited in place.
      await requestAlertUpdates(client, counts.map((row) => row.id));
      const messages = new Map(grouped.map((g) => [g.plan.message.id, g.plan.message]));
      await appendTimeline(
        client,
        added.map(({ mention_id, item_id }) => {
          const mention = messages.get(mention_id)!.mention;
          return {
            itemId: item_id,
            type: 'burst_grouped' as const,
            message: `near-duplicate ${mention_id} by @${mention.author.handle} grouped into this item (${countOf.get(item_id)} mentions now)`,
            data: { mentionId: mention_id, url: mention.url ?? null, followers: mention.author.followers ?? null },
            at: now,
          };
        }),
      );
    }
  }
  return bursts.filter((plan) => !itemOf.has(plan.message.burstOf!));
}

interface NewItem {
  plan: Plan;
  teamId: string | null;
  priority: Priority;
  assignment: AssignmentDecision | null;
  deadlines: SlaDeadlines | null;
  steps: ScheduledStep[];
  explanation: string;
  /** Items of one batch are a microsecond apart, so the queue keeps their arrival order. */
  createdAt: string;
}

function microsecondsAfter(at: Date, microseconds: number): string {
  const millis = new Date(at.getTime() + Math.floor(microseconds / 1000)).toISOString();
  return `${millis.slice(0, -1)}${String(microseconds % 1000).padStart(3, '0')}Z`;
}

function planItem(context: RouterContext, plan: Plan, desks: Desks, now: Date, order: number): NewItem {
  const { route, message } = plan;
  const priority = route?.priority ?? message.classification.priority;
  const team = route === null ? undefined : context.directory.team(route.teamId);
  const assignment =
    route === null
      ? null
      : desks.choose(route.teamId, {
          priority,
          category: message.classification.category,
          platform: message.mention.platform,
          lang: message.mention.lang,
        });
  const target = route?.slaApplies === false ? undefined : context.config.sla[priority];
  const timer = target === undefined ? null : { target, schedule: team === undefined ? null : teamSchedule(team) };
  const parts = [route?.explanation ?? 'no routing rule matched and the config has no catch-all rule: the item has no team'];
  if (message.burstOf !== undefined) parts.unshift(`near-duplicate of ${message.burstOf}, which has no item: routed on its own`);
  if (assignment !== null) parts.push(assignment.explanation);
  if (route !== null && route.slaApplies && target === undefined) parts.push(`no SLA for ${priority}`);
  return {
    plan,
    teamId: route?.teamId ?? null,
    priority,
    assignment,
    deadlines: timer === null ? null : slaDeadlines(timer, now),
    steps: timer === null ? [] : scheduleEscalation(context.config.escalation, priority, timer, now),
    explanation: parts.join('; '),
    createdAt: microsecondsAfter(now, order),
  };
}

/** `firstOrder`: the position in the batch of the first of `plans`, which keeps arrival order in `created_at`. */
async function createItems(client: PoolClient, context: RouterContext, plans: Plan[], desks: Desks, now: Date, firstOrder: number): Promise<Array<NewItem & { id: string }>> {
  if (plans.length === 0) return [];
  const planned = plans.map((plan, index) => planItem(context, plan, desks, now, firstOrder + index));
  const { rows } = await client.query<{ id: string; mention_id: string }>(
    `INSERT INTO items (mention_id, brand_id, priority, category, team_id, assignee_id, routing_rule, sla_applies,
                        ack_due_at, handle_due_at, created_at, updated_at, assigned_at)
     SELECT i.mention_id, i.brand_id, i.priority, i.category, i.team_id, i.assignee_id, i.routing_rule, i.sla_applies,
            i.ack_due_at, i.handle_due_at, i.created_at, $2, CASE WHEN i.assignee_id IS NULL THEN NULL ELSE $2::timestamptz END
     FROM jsonb_to_recordset($1::jsonb) AS i(mention_id text, brand_id text, priority text, category text, team_id text, assignee_id text,
          routing_rule text, sla_applies boolean, ack_due_at timestamptz, handle_due_at timestamptz, created_at timestamptz)
     ON CONFLICT (mention_id) DO NOTHING
     RETURNING id, mention_id`,
    [
      JSON.stringify(
        planned.map((item) => ({
          mention_id: item.plan.message.id,
          brand_id: item.plan.route?.brandId ?? item.plan.message.mention.matchedBrands[0] ?? null,
          priority: item.priority,
          category: item.plan.message.classification.category,
          team_id: item.teamId,
          assignee_id: item.assignment?.kind === 'assigned' ? item.assignment.responderId : null,
          routing_rule: item.plan.route?.rule.name ?? null,
          sla_applies: item.deadlines !== null,
          ack_due_at: item.deadlines?.ackDueAt.toISOString() ?? null,
          handle_due_at: item.deadlines?.handleDueAt.toISOString() ?? null,
          created_at: item.createdAt,
        })),
      ),
      now,
    ],
  );
  // Another replica may have made some of these items between our check and our insert: its work stands, ours is dropped.
  const idOf = new Map(rows.map((row) => [row.mention_id, row.id]));
  const inserted = planned.flatMap((item) => {
    const id = idOf.get(item.plan.message.id);
    return id === undefined ? [] : [{ ...item, id }];
  });

  const timeline: TimelineEntry[] = inserted.map((item) => ({
    itemId: item.id,
    type: 'routed',
    message: item.explanation,
    data: {
      mentionId: item.plan.message.id,
      rule: item.plan.route?.rule.name ?? null,
      ruleNumber: item.plan.route?.ruleNumber ?? null,
      teamId: item.teamId,
      assigneeId: item.assignment?.kind === 'assigned' ? item.assignment.responderId : null,
      queued: item.assignment?.kind === 'queued',
      viaOnCall: item.assignment?.kind === 'assigned' && item.assignment.viaOnCall,
      priority: item.priority,
      ackDueAt: item.deadlines?.ackDueAt.toISOString() ?? null,
      handleDueAt: item.deadlines?.handleDueAt.toISOString() ?? null,
    },
    at: now,
  }));
  await appendTimeline(client, timeline);

  const timers = inserted.flatMap((item) => item.steps.map((step) => ({ item_id: item.id, step_index: step.stepIndex, clock: step.clock, due_at: step.dueAt.toISOString() })));
  if (timers.length > 0) {
    await client.query(
      `INSERT INTO escalation_timers (item_id, step_index, clock, due_at)
       SELECT t.item_id, t.step_index, t.clock, t.due_at FROM jsonb_to_recordset($1::jsonb) AS t(item_id uuid, step_index integer, clock text, due_at timestamptz)
       ON CONFLICT (item_id, step_index) DO NOTHING`,
      [JSON.stringify(timers)],
    );
  }

  const alerts = inserted.flatMap((item) => {
    const assigneeId = item.assignment?.kind === 'assigned' ? item.assignment.responderId : null;
    const contacts = context.directory.contactsFor({ teamId: item.teamId, assigneeId });
    const viaOnCall = item.assignment?.kind === 'assigned' && item.assignment.viaOnCall;
    return newItemAlerts(contacts, viaOnCall).map((delivery) => itemAlert(item.id, delivery));
  });
  const { refused } = await enqueueAll(client, alerts);
  for (const [itemId, reasons] of reasonsByItem(refused)) context.logger.warn({ itemId, refused: reasons }, 'alert not queued');
  return inserted;
}
