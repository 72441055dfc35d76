import type { Pool } from '@earshot/db';
import { itemIdOfSlackBlock, SLACK_ACTION_IDS, SLACK_SNOOZE_MS } from '@earshot/domain';
import type { Logger } from '@earshot/logging';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callerForSlackUser } from '../callers.js';
import { ApiError, errorResponses } from '../errors.js';
import { runItemCommand, type ItemCommandDeps } from '../items/commands.js';
import type { ItemRequest } from '../items/transitions.js';
import type { EphemeralReplies } from '../slack/respond.js';
import { verifySlackSignature } from '../slack/signature.js';

export interface SlackRouteDeps {
  signingSecret: string;
  pool: Pool;
  commands: ItemCommandDeps;
  replies: EphemeralReplies;
  logger: Logger;
  nowSeconds?(): number;
}

/** Slack sends many more fields; only these are read. */
const BlockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1) }),
  response_url: z.string().url().optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        block_id: z.string().optional(),
        value: z.string().optional(),
        /** Set when the action is a users_select element. */
        selected_user: z.string().optional(),
      }),
    )
    .min(1),
});
type BlockAction = z.infer<typeof BlockActionsSchema>['actions'][number];

const SlackFormSchema = z.object({ payload: z.string().min(1, 'missing the payload form field') });

const ItemIdSchema = z.uuid();

/** Requests whose body passed the signature check; the handler refuses any other. */
const verified = new WeakSet<FastifyRequest>();

const SLACK_BODY_LIMIT = 1_048_576;

/**
 * POST /slack/actions: Slack's interactive buttons. The signature is checked
 * on the raw body before it is parsed or anything else happens; the state
 * change is one short transaction, and the alert's update goes through the
 * outbox, so Slack gets its 200 well within its 3 seconds. Why a click did
 * nothing (not linked, not allowed, already handled) goes back to the user
 * as an ephemeral message.
 */
export async function slackRoutes(app: FastifyInstance, deps: SlackRouteDeps): Promise<void> {
  const nowSeconds = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  // This scope reads form bodies only: anything else is refused before it is looked at.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: SLACK_BODY_LIMIT }, (request, rawBody, done) => {
    const check = verifySlackSignature({
      signingSecret: deps.signingSecret,
      signature: header(request, 'x-slack-signature'),
      timestamp: header(request, 'x-slack-request-timestamp'),
      rawBody: rawBody as string,
      nowSeconds: nowSeconds(),
    });
    if (!check.valid) {
      done(new ApiError('unauthorized', `Slack signature: ${check.reason}`), undefined);
      return;
    }
    verified.add(request);
    done(null, Object.fromEntries(new URLSearchParams(rawBody as string)));
  });
  // An unsigned request with no body never reaches the parser: refuse it here.
  app.addHook('preValidation', async (request) => {
    if (!verified.has(request)) throw new ApiError('unauthorized', 'Slack signature: missing signed body');
  });

  app.withTypeProvider<ZodTypeProvider>().post(
    '/slack/actions',
    {
      bodyLimit: SLACK_BODY_LIMIT,
      config: { rateLimit: false },
      schema: {
        summary: 'Slack interactivity: the buttons of an alert (signed requests only)',
        tags: ['slack'],
        // Slack signs its requests; no bearer token.
        security: [],
        consumes: ['application/x-www-form-urlencoded'],
        body: SlackFormSchema,
        description: 'Answers an empty 200 once the click is recorded; why a click changed nothing goes to the user as an ephemeral message.',
        response: { 200: z.literal('').describe('empty'), ...errorResponses(400, 401, 413, 415) },
      },
    },
    async (request, reply) => {
      let json: unknown;
      try {
        json = JSON.parse(request.body.payload);
      } catch {
        throw new ApiError('invalid_request', 'body.payload: not JSON');
      }
      const type = (json as { type?: unknown } | null)?.type;
      if (type !== 'block_actions') {
        request.log.info({ type }, 'ignored a Slack interaction that is not a button click');
        return reply.code(200).send('');
      }
      const payload = BlockActionsSchema.safeParse(json);
      if (!payload.success) throw new ApiError('invalid_request', `body.payload: not a block_actions payload (${payload.error.issues[0]?.message ?? 'invalid'})`);
      const { user, actions, response_url: responseUrl } = payload.data;
      const message = await handleAction(deps, user.id, actions[0]!, nowSeconds());
      if (message) deps.replies.send(responseUrl, message);
      return reply.code(200).send('');
    },
  );
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Applies one click; returns what to tell the user when it changed nothing, or null. */
async function handleAction(deps: SlackRouteDeps, slackUserId: string, action: BlockAction, nowSeconds: number): Promise<string | null> {
  const log = deps.logger.child({ slackUser: slackUserId, action: action.action_id });
  const itemId = ItemIdSchema.safeParse(action.value ?? itemIdOfSlackBlock(action.block_id));
  if (!itemId.success) {
    log.warn({ value: action.value, blockId: action.block_id }, 'Slack action without an item id');
    return null;
  }
  const caller = await callerForSlackUser(deps.pool, slackUserId);
  if (!caller) return 'Your Slack account is not linked to an Earshot responder (set `slackUserId` for you in the config).';

  let request: ItemRequest;
  switch (action.action_id) {
    case SLACK_ACTION_IDS.acknowledge:
      request = { kind: 'ack' };
      break;
    case SLACK_ACTION_IDS.handled:
      request = { kind: 'handled' };
      break;
    case SLACK_ACTION_IDS.snooze:
      request = { kind: 'snooze', until: new Date(nowSeconds * 1000 + SLACK_SNOOZE_MS) };
      break;
    case SLACK_ACTION_IDS.reassign: {
      if (!action.selected_user) {
        request = { kind: 'reassign', teamId: null, responderId: null };
        break;
      }
      const target = await callerForSlackUser(deps.pool, action.selected_user);
      if (!target) return `<@${action.selected_user}> is not linked to an Earshot responder.`;
      request = { kind: 'reassign', teamId: null, responderId: target.responderId };
      break;
    }
    default:
      log.info('ignored an unknown Slack action');
      return null;
  }
  try {
    await runItemCommand(deps.commands, caller, itemId.data, request);
    return null;
  } catch (error) {
    if (error instanceof ApiError) return `Nothing changed: ${error.message}`;
    log.error({ err: error, itemId: itemId.data }, 'a Slack action failed');
    return 'Earshot could not record that just now; please try again.';
  }
}
