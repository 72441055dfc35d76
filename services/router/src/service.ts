import { startDigests, startNotificationWorker } from '@earshot/notify';
import type { ServiceDefinition } from '@earshot/runtime';
import { loadRouterEnv } from './env.js';
import { createRouterMetrics } from './metrics.js';
import { buildRouter } from './router.js';

/** Largest batch of classified mentions routed in one transaction. */
const CLASSIFIED_BATCH = 200;

/**
 * Routes classified mentions into assigned items with SLA clocks, fires
 * escalation steps from Postgres timers, alerts the crisis team about
 * spikes, schedules the digests, and sends the notification outbox by Slack
 * and email.
 */
export const routerService: ServiceDefinition = {
  name: 'router',
  async start({ config, rawEnv, logger, pool, bus, metrics }) {
    const env = loadRouterEnv(rawEnv);
    const router = buildRouter({ pool, config, logger, metrics: createRouterMetrics(metrics) });
    const subscriptions = [
      await bus.subscribe({
        topic: 'mentions.classified',
        group: 'router',
        maxBatchSize: CLASSIFIED_BATCH,
        handler: (deliveries) => router.routeClassified(deliveries.map((delivery) => delivery.value)),
      }),
      await bus.subscribe({
        topic: 'alerts.spikes',
        group: 'router-spikes',
        handler: (deliveries) => router.alertSpikes(deliveries.map((delivery) => delivery.value)),
      }),
    ];
    // Started once intake is in place: a failed subscription above leaves nothing of ours running.
    const worker = startNotificationWorker({
      pool,
      logger,
      metrics,
      brands: config.brands,
      ...(env.SLACK_BOT_TOKEN ? { slack: { token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL } } : {}),
      ...(env.SMTP_URL && env.MAIL_FROM ? { email: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM } } : {}),
      ...(env.EARSHOT_PUBLIC_URL ? { publicUrl: env.EARSHOT_PUBLIC_URL } : {}),
    });
    const digests = startDigests({ config, pool, logger });
    const clock = router.startClock(env.ROUTER_TICK_MS);
    logger.info({ rules: config.routing.length, teams: config.teams.length, tickMs: env.ROUTER_TICK_MS }, 'router started');
    return {
      async stop() {
        // Intake first (each subscription finishes its batch in hand), then the
        // clockwork's turn and any digest being computed, then the sends in flight.
        await Promise.all(subscriptions.map((subscription) => subscription.stop()));
        await clock.stop();
        await digests.stop();
        await worker.stop();
      },
    };
  },
};
