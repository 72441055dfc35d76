/** What the queue and the item page say about an item's SLA clock. */
export interface SlaStatus {
  /** Plain words: "ack breaches in 12 min", "handle breached 3 min ago", "no SLA". */
  text: string;
  /** Colour class; the text carries the same meaning for readers who cannot see colour. */
  tone: 'breached' | 'soon' | 'ok' | 'none';
  /** The deadline the text is about, when there is one. */
  dueAt: string | null;
}

interface SlaFacts {
  state: 'open' | 'acknowledged' | 'snoozed' | 'handled';
  slaApplies: boolean;
  ackDueAt: string | null;
  handleDueAt: string | null;
  acknowledgedAt: string | null;
  snoozedUntil: string | null;
}

/** Under this much time left, a deadline is shown as close. */
const SOON_MS = 15 * 60_000;

/** "45 s", "12 min", "3 h 5 min", "2 d 4 h": coarse enough to read at a glance. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * The next deadline of an unhandled item (acknowledge until acknowledged,
 * then handle) and the time left before it, or since it passed.
 */
export function slaStatus(item: SlaFacts, now: Date): SlaStatus {
  if (item.state === 'handled') return { text: 'handled', tone: 'none', dueAt: null };
  if (!item.slaApplies) return { text: 'no SLA', tone: 'none', dueAt: null };
  const clock = item.acknowledgedAt === null ? 'ack' : 'handle';
  const dueAt = clock === 'ack' ? item.ackDueAt : item.handleDueAt;
  if (dueAt === null) return { text: 'no SLA', tone: 'none', dueAt: null };
  const left = new Date(dueAt).getTime() - now.getTime();
  if (left <= 0) return { text: `${clock} breached ${formatDuration(left)} ago`, tone: 'breached', dueAt };
  const snoozed = item.state === 'snoozed' && item.snoozedUntil !== null ? `, snoozed until ${new Date(item.snoozedUntil).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '';
  return { text: `${clock} breaches in ${formatDuration(left)}${snoozed}`, tone: left < SOON_MS ? 'soon' : 'ok', dueAt };
}
