export { chooseAssignee, type AssignmentDecision, type AssignmentRequest, type Candidate } from './assignment.js';
export { buildDirectory, type Directory } from './directory.js';
export { cancelPendingEscalations, type EscalationStop } from './escalations.js';
export { addWorkingTime, isWorkingAt, nextWorkingMoment, scheduleOf, type Schedule } from './hours.js';
export {
  newItemAlerts,
  queueAssignmentAlerts,
  resolveStep,
  spikeAlerts,
  type Contact,
  type Delivery,
  type DeliveryChannel,
  type ItemContacts,
  type ResolvedDeliveries,
} from './recipients.js';
export { compileRules, crisisTeam, primaryLanguage, RoutingConfigError, type RoutableMention, type RouteDecision, type RuleSet } from './rules.js';
export { memberSchedule, teamSchedule } from './shifts.js';
export { scheduleEscalation, slaDeadlines, type ScheduledStep, type SlaClock, type SlaDeadlines, type SlaTimer } from './sla.js';
