import { Counter, Gauge, type Registry } from 'prom-client';

export interface RouterMetrics {
  itemsRouted: Counter<'team' | 'priority'>;
  queueDepth: Gauge<'team'>;
  slaBreaches: Counter<'team' | 'priority' | 'clock'>;
  escalationStepsFired: Counter<'team' | 'step'>;
  spikeAlerts: Counter<'brand'>;
}

/** Team label for items no rule routed (a config without a catch-all rule). */
export const NO_TEAM = 'none';

export function createRouterMetrics(registry: Registry): RouterMetrics {
  const registers = [registry];
  return {
    itemsRouted: new Counter({
      name: 'earshot_router_items_routed_total',
      help: 'Items created from classified mentions, by team and priority',
      labelNames: ['team', 'priority'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'earshot_router_queue_depth',
      help: 'Unhandled items waiting for an assignee, by team',
      labelNames: ['team'],
      registers,
    }),
    slaBreaches: new Counter({
      name: 'earshot_router_sla_breaches_total',
      help: 'Items whose acknowledge or handle deadline passed first, by team, priority and clock',
      labelNames: ['team', 'priority', 'clock'],
      registers,
    }),
    escalationStepsFired: new Counter({
      name: 'earshot_router_escalation_steps_fired_total',
      help: 'Escalation steps fired, by team and step index in config.escalation',
      labelNames: ['team', 'step'],
      registers,
    }),
    spikeAlerts: new Counter({
      name: 'earshot_router_spike_alerts_total',
      help: 'Spike alerts sent to a crisis team, by brand',
      labelNames: ['brand'],
      registers,
    }),
  };
}
