import type { EarshotConfig } from '@earshot/config';
import type { Priority } from '@earshot/domain';

/** Lowest urgency for P1, P2 and P3 (`priorities` in the config); anything below P3's is P4. */
export type PriorityThresholds = EarshotConfig['priorities'];

export function priorityFor(urgency: number, thresholds: PriorityThresholds): Priority {
  if (urgency >= thresholds.P1) return 'P1';
  if (urgency >= thresholds.P2) return 'P2';
  if (urgency >= thresholds.P3) return 'P3';
  return 'P4';
}
