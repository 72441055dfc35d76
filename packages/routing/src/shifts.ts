import type { ResponderConfig, TeamConfig } from '@earshot/config';
import { scheduleOf, type Schedule } from './hours.js';

/** The team's hours and holidays: what business-hours SLAs count, and the shift of members without hours of their own. */
export function teamSchedule(team: Pick<TeamConfig, 'hours' | 'holidays'>): Schedule | null {
  return scheduleOf(team.hours, team.holidays);
}

/**
 * When a member of `team` takes work: their own hours if they have some,
 * else the team's; the team's holidays apply either way, read as dates in
 * whichever zone the hours are in.
 */
export function memberSchedule(responder: Pick<ResponderConfig, 'hours'>, team: Pick<TeamConfig, 'hours' | 'holidays'>): Schedule | null {
  return scheduleOf(responder.hours ?? team.hours, team.holidays);
}
