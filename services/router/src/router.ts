import type { ClassifiedMention, SpikeAlert } from '@earshot/domain';
import { isTransientError } from '@earshot/bus';
import { routeClassified } from './classified.js';
import { createRouterContext, type RouterContext, type RouterContextOptions } from './context.js';
import { endSnoozes, fireAllDueSteps, recordBreaches } from './escalation.js';
import { drainQueues } from './queue.js';
import { alertSpikes } from './spikes.js';

export interface Router {
  readonly context: RouterContext;
  /** Handles a batch from `mentions.classified`; durable when it resolves. */
  routeClassified(messages: readonly ClassifiedMention[]): Promise<void>;
  /** Handles a batch from `alerts.spikes`; durable when it resolves. */
  alertSpikes(spikes: readonly SpikeAlert[]): Promise<void>;
  /** One turn of the clockwork: end snoozes, fire due steps, record breaches, serve the queues. */
  tick(): Promise<void>;
  /** Turns the clockwork every `intervalMs` until stopped; a failing turn is logged and the next one tries again. */
  startClock(intervalMs: number): { stop(): Promise<void> };
}

export function buildRouter(options: RouterContextOptions): Router {
  const context = createRouterContext(options);
  const { logger } = context;

  async function tick(): Promise<void> {
    // Snoozes end first, so steps that waited for them fire in this same turn.
    await endSnoozes(context);
    await fireAllDueSteps(context);
    await recordBreaches(context);
    await drainQueues(context);
  }

  return {
    context,
    routeClassified: (messages) => routeClassified(context, messages),
    alertSpikes: (spikes) => alertSpikes(context, spikes),
    tick,
    startClock(intervalMs) {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let turn: Promise<void> = Promise.resolve();
      const schedule = () => {
        timer = setTimeout(() => {
          turn = tick()
            .catch((error: unknown) => {
              const transient = isTransientError(error);
              logger[transient ? 'warn' : 'error']({ err: error, transient }, 'router clock turn failed; trying again next turn');
            })
            .finally(() => {
              if (!stopped) schedule();
            });
        }, intervalMs);
      };
      schedule();
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await turn;
        },
      };
    },
  };
}
