import type { Pool } from '@earshot/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { canActOn } from '../access.js';
import { requireCaller } from '../callers.js';
import { ApiError, errorResponses } from '../errors.js';
import { addNote, runItemCommand, type ItemCommandDeps } from '../items/commands.js';
import { findItem, listItems, readItemDetail, toSnapshot } from '../items/repository.js';
import type { ItemRequest } from '../items/transitions.js';
import {
  EmptyBodySchema,
  HandledBodySchema,
  IdempotencyHeadersSchema,
  ItemDetailSchema,
  ItemIdParamsSchema,
  ItemListSchema,
  ItemViewSchema,
  ListItemsQuerySchema,
  NoteBodySchema,
  NoteResponseSchema,
  ReassignBodySchema,
  SnoozeBodySchema,
} from '../schemas.js';

/** Longest snooze: beyond this an item is better reassigned or handled than forgotten. */
const MAX_SNOOZE_MS = 30 * 24 * 60 * 60 * 1000;
/** Action bodies are a note at most. */
const ACTION_BODY_LIMIT = 64 * 1024;

const ITEM_ACTION_ERRORS = errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503);

export async function itemRoutes(app: FastifyInstance, deps: { pool: Pool; commands: ItemCommandDeps }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.commands.now ?? (() => new Date());

  api.get(
    '/items',
    {
      schema: {
        summary: 'List items you may see (your teams\' items and yours; an admin sees all), by priority, then next SLA deadline, then id',
        tags: ['items'],
        querystring: ListItemsQuerySchema,
        response: { 200: ItemListSchema, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => listItems(deps.pool, requireCaller(request), request.query),
  );

  api.get(
    '/items/:id',
    {
      schema: {
        summary: 'One item with its mention, classification, assignment and full timeline',
        tags: ['items'],
        params: ItemIdParamsSchema,
        response: { 200: ItemDetailSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const caller = requireCaller(request);
      const row = await findItem(deps.pool, request.params.id);
      if (!row) throw new ApiError('not_found', `no item ${request.params.id}`);
      if (!canActOn(caller, toSnapshot(row))) throw new ApiError('forbidden', `item ${row.id} belongs to team ${row.team_id ?? '(none)'}, which is not one of yours`);
      return readItemDetail(deps.pool, row);
    },
  );

  /** The four state changes share a shape: a body becomes a command, the answer is the item as it now is. */
  const action = <B>(path: string, summary: string, body: z.ZodType<B>, toRequest: (body: B) => ItemRequest) =>
    api.post(
      `/items/:id/${path}`,
      {
        bodyLimit: ACTION_BODY_LIMIT,
        schema: { summary, tags: ['items'], params: ItemIdParamsSchema, body, response: { 200: ItemViewSchema, ...ITEM_ACTION_ERRORS } },
      },
      async (request) => (await runItemCommand(deps.commands, requireCaller(request), request.params.id, toRequest(request.body as B))).item,
    );

  action('ack', 'Acknowledge: you are on it (takes the item if someone else had it). Repeating it is harmless.', EmptyBodySchema, () => ({ kind: 'ack' }));
  action('handled', 'Mark handled, with an optional note; stops escalation and updates the Slack alert.', HandledBodySchema, (body) => ({
    kind: 'handled',
    note: body?.note,
  }));
  action('snooze', 'Snooze until a time: escalation pauses until then.', SnoozeBodySchema, (body) => {
    const until = new Date(body.until);
    const ahead = until.getTime() - now().getTime();
    if (ahead <= 0) throw new ApiError('invalid_request', 'body.until: must be in the future');
    if (ahead > MAX_SNOOZE_MS) throw new ApiError('invalid_request', 'body.until: must be at most 30 days ahead');
    return { kind: 'snooze', until };
  });
  action('reassign', 'Reassign to a responder and/or a team (leads within their teams; admins anywhere). A team alone puts the item in its queue for the router.', ReassignBodySchema, (body) => ({
    kind: 'reassign',
    teamId: body.team ?? null,
    responderId: body.responder ?? null,
  }));

  api.post(
    '/items/:id/notes',
    {
      bodyLimit: ACTION_BODY_LIMIT,
      schema: {
        summary: 'Add a note to the timeline (any state). With an Idempotency-Key header a retried request adds it once.',
        tags: ['items'],
        params: ItemIdParamsSchema,
        headers: IdempotencyHeadersSchema,
        body: NoteBodySchema,
        response: { 201: NoteResponseSchema, ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const result = await addNote(deps.commands, requireCaller(request), request.params.id, { text: request.body.text, idempotencyKey: request.headers['idempotency-key'] });
      return reply.code(201).send(result);
    },
  );
}
