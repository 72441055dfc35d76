import type { EscalationStep, SlaTarget } from '@earshot/config';
import type { Priority } from '@earshot/domain';
import { addWorkingTime, type Schedule } from './hours.js';

export type SlaClock = 'ack' | 'handle';

export interface SlaDeadlines {
  ackDueAt: Date;
  handleDueAt: Date;
}

/**
 * Measures SLA time from a start: wall-clock time, or only the team's
 * working time when the priority's target says `businessHours`.
 */
export interface SlaTimer {
  target: SlaTarget;
  /** Working time counted for business-hours targets; null means around the clock. */
  schedule: Schedule | null;
}

/** `start + n` in the time the target counts. */
function after(timer: SlaTimer, start: Date, durationMs: number): Date {
  return timer.target.businessHours ? addWorkingTime(timer.schedule, start, durationMs) : new Date(start.getTime() + Math.max(0, durationMs));
}

/** When an item started at `start` must be acknowledged and handled. */
export function slaDeadlines(timer: SlaTimer, start: Date): SlaDeadlines {
  return { ackDueAt: after(timer, start, timer.target.ack), handleDueAt: after(timer, start, timer.target.handle) };
}

export interface ScheduledStep {
  /** Index of the step in `config.escalation`: the timer's identity. */
  stepIndex: number;
  clock: SlaClock;
  dueAt: Date;
}

/**
 * One timer per escalation step that applies to the priority: due at
 * `percent` of the clock's target plus the offset, both counted the way the
 * target counts time (so "100% ack + 30m" on a business-hours SLA is 30
 * working minutes after the breach). A step that would fall before the start
 * is due at the start.
 */
export function scheduleEscalation(steps: readonly EscalationStep[], priority: Priority, timer: SlaTimer, start: Date): ScheduledStep[] {
  return steps.flatMap((step, stepIndex) => {
    if (step.priorities !== undefined && !step.priorities.includes(priority)) return [];
    const { percent, clock, offsetMs } = step.at;
    const elapsed = Math.round((timer.target[clock] * percent) / 100) + offsetMs;
    return [{ stepIndex, clock, dueAt: after(timer, start, elapsed) }];
  });
}
