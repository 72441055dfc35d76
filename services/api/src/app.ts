import type { Bus } from '@earshot/bus';
import type { EarshotConfig } from '@earshot/config';
import type { Pool } from '@earshot/db';
import type { InboxAssets } from '@earshot/inbox';
import type { Logger } from '@earshot/logging';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { bearerTokenHook } from './callers.js';
import type { ApiEnv } from './env.js';
import { ApiError, handleApiError, notFound } from './errors.js';
import { alertNewAssignees } from './items/assignee-alert.js';
import type { AlertUpdateRequester, ItemCommandDeps } from './items/commands.js';
import { registerApiMetrics } from './metrics.js';
import { directoryRoutes } from './routes/directory.js';
import { eventRoutes } from './routes/events.js';
import { itemRoutes } from './routes/items.js';
import { mentionRoutes } from './routes/mentions.js';
import { slackRoutes } from './routes/slack.js';
import { statsRoutes } from './routes/stats.js';
import { createEphemeralReplies } from './slack/respond.js';
import { inboxRoutes } from './web/inbox-routes.js';
import { createItemChangeFeed } from './web/item-changes.js';
import { zodValidatorCompiler } from './validation.js';

export interface ApiDeps {
  config: EarshotConfig;
  env: ApiEnv;
  pool: Pool;
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  /** Queues the chat.update of an item's Slack alert inside the state change's transaction. */
  requestAlertUpdate: AlertUpdateRequester;
  /** The web inbox's files (possibly still building); without them `/` is not served. */
  inbox?: Promise<InboxAssets>;
  /** Tests pin the clock; production uses the system time. */
  now?(): Date;
}

export interface RegisteredApi {
  /** Waits for Slack replies still in flight; call after the HTTP server has closed. */
  stop(): Promise<void>;
}

type OpenApiDocument = ReturnType<typeof jsonSchemaTransformObject>;

/**
 * @fastify/swagger marks every request body required; the actions that take
 * no body (ack) or only optional fields (handled) accept none, and their
 * schema says so by allowing null.
 */
function markOptionalBodies(document: OpenApiDocument): OpenApiDocument {
  for (const operations of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(operations ?? {})) {
      const body = (operation as { requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: Array<{ type?: unknown }> } }> } }).requestBody;
      const schema = body?.content?.['application/json']?.schema;
      if (body && schema?.anyOf?.some((branch) => branch.type === 'null')) body.required = false;
    }
  }
  return document;
}

/**
 * Adds the REST API (/v1), its OpenAPI document (/docs) and the Slack
 * actions endpoint to the process's HTTP server, in a scope of their own so
 * their validation, error format and rate limits do not touch the health,
 * readiness and metrics endpoints. Call before the server listens.
 */
export async function registerApi(http: FastifyInstance, deps: ApiDeps): Promise<RegisteredApi> {
  const { env, pool, logger } = deps;
  const metrics = registerApiMetrics(deps.metrics, pool, deps.bus, logger);
  const replies = createEphemeralReplies(logger.child({ component: 'slack-replies' }));
  const itemChanges = createItemChangeFeed(pool, logger.child({ component: 'item-changes' }));
  const commands: ItemCommandDeps = {
    pool,
    requestAlertUpdate: deps.requestAlertUpdate,
    alertNewAssignee: alertNewAssignees(deps.config),
    onApplied: ({ command, via }) => metrics.countStateChange({ action: command, via }),
    ...(deps.now ? { now: deps.now } : {}),
  };

  await http.register(async (scope) => {
    scope.setValidatorCompiler(zodValidatorCompiler);
    scope.setSerializerCompiler(serializerCompiler);
    scope.setErrorHandler(handleApiError);
    scope.decorateRequest('caller', null);
    scope.addHook('onResponse', async (request, reply) => {
      metrics.observeRequest({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode }, reply.elapsedTime / 1000);
    });

    await scope.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Earshot API',
          version: '1',
          description: 'Responders list, acknowledge and handle brand mentions; other systems push mentions in. Errors are `{ "error": { "code", "message", "details"? } }`.',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from `earshot token create`' } } },
        security: [{ bearer: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: (document) => markOptionalBodies(jsonSchemaTransformObject(document)),
    });
    await scope.register(fastifySwaggerUi, { routePrefix: '/docs' });

    await scope.register(fastifyRateLimit, {
      global: true,
      max: env.EARSHOT_API_RATE_LIMIT_PER_MINUTE,
      timeWindow: 60_000,
      // Per token once the bearer hook has run (it runs first); per client address for the unauthenticated docs.
      keyGenerator: (request) => request.caller?.tokenId ?? request.ip,
      errorResponseBuilder: (_request, context) =>
        new ApiError('rate_limited', `more than ${context.max} requests a minute with this token; retry in ${context.after}`),
    });

    await scope.register(
      async (v1) => {
        // JSON only: fastify would also take text/plain as a string body.
        v1.removeContentTypeParser('text/plain');
        v1.addHook('onRequest', bearerTokenHook(pool));
        v1.setNotFoundHandler(notFound);
        await v1.register(itemRoutes, { pool, commands });
        await v1.register(mentionRoutes, { pool, bus: deps.bus, maxPerRequest: env.EARSHOT_API_MAX_MENTIONS_PER_REQUEST });
        await v1.register(statsRoutes, { pool, brands: deps.config.brands, ...(deps.now ? { now: deps.now } : {}) });
        await v1.register(directoryRoutes, { pool, brands: deps.config.brands });
        await v1.register(eventRoutes, { feed: itemChanges, heartbeatMs: env.EARSHOT_API_EVENTS_HEARTBEAT_MS });
      },
      { prefix: '/v1' },
    );

    if (deps.inbox) await scope.register(inboxRoutes, { assets: deps.inbox, logger: logger.child({ component: 'inbox' }) });

    if (env.SLACK_SIGNING_SECRET) {
      await scope.register(slackRoutes, { signingSecret: env.SLACK_SIGNING_SECRET, pool, commands, replies, logger: logger.child({ component: 'slack-actions' }) });
    } else {
      logger.info('SLACK_SIGNING_SECRET is not set: Slack buttons are off (POST /slack/actions is not served)');
    }
  });

  return {
    stop: async () => {
      await itemChanges.close();
      await replies.drain();
    },
  };
}
