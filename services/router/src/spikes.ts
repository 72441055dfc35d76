import { withTransaction } from '@earshot/db';
import type { SpikeAlert } from '@earshot/domain';
import { crisisTeam, spikeAlerts } from '@earshot/routing';
import type { RouterContext } from './context.js';
import { enqueueAll, spikeNotice } from './notifications.js';

/**
 * Alerts the crisis team (the team routing crisis mentions, else the
 * catch-all team) about each spike at once: its channel and its lead. The
 * dedupe keys make a redelivered spike alert nobody a second time.
 */
export async function alertSpikes(context: RouterContext, spikes: readonly SpikeAlert[]): Promise<void> {
  const alerted = await withTransaction(context.pool, async (client) => {
    const fresh: SpikeAlert[] = [];
    for (const spike of spikes) {
      const log = context.logger.child({ spikeId: spike.id, brandId: spike.brandId });
      const crisis = crisisTeam(context.config.routing, context.config.brands, spike.brandId);
      if (crisis === null) {
        log.warn('spike not alerted: no routing rule for crisis mentions and no catch-all rule');
        continue;
      }
      const deliveries = spikeAlerts(context.directory.contactsFor({ teamId: crisis.teamId, assigneeId: null }));
      if (deliveries.length === 0) log.warn({ teamId: crisis.teamId }, 'spike not alerted: the crisis team has neither a Slack channel nor a reachable lead');
      const { queued, refused } = await enqueueAll(client, deliveries.map((delivery) => spikeNotice(spike, delivery)));
      if (refused.length > 0) log.warn({ refused: refused.map((r) => r.reason) }, 'spike alert not queued');
      if (queued > 0) {
        log.info({ teamId: crisis.teamId, recipients: deliveries.map((d) => d.recipient) }, 'spike alert queued');
        fresh.push(spike);
      }
    }
    return fresh;
  });
  for (const spike of alerted) context.metrics.spikeAlerts.inc({ brand: spike.brandId });
}
