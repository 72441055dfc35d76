/** Text helpers shared by the Slack and email renderers. */

/** `12345` → `12.3k`: reach at a glance. */
export function formatCount(value: number): string {
  if (value < 1_000) return String(value);
  if (value < 1_000_000) return `${trimZero((value / 1_000).toFixed(value < 100_000 ? 1 : 0))}k`;
  return `${trimZero((value / 1_000_000).toFixed(1))}M`;
}

function trimZero(text: string): string {
  return text.replace(/\.0$/, '');
}

/** `3_900_000` → `1h 5m`; seconds only under a minute. */
export function formatSpan(ms: number): string {
  const totalSeconds = Math.round(Math.abs(ms) / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  return [days ? `${days}d` : '', hours ? `${hours}h` : '', minutes ? `${minutes}m` : ''].filter(Boolean).join(' ') || '0m';
}

/** `2026-11-02 10:15 UTC`: unambiguous in an email read anywhere. */
export function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** 0.4567 → `46%`; null → `n/a`. */
export function formatShare(value: number | null): string {
  return value === null ? 'n/a' : `${Math.round(value * 100)}%`;
}

/** Seconds → `12m 30s`-style span, or `n/a`. */
export function formatSeconds(seconds: number | null): string {
  return seconds === null ? 'n/a' : formatSpan(seconds * 1000);
}

/** Cuts text to `max` characters on a word boundary when one is near. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.7 ? cut.slice(0, space) : cut}…`;
}

/** Slack mrkdwn treats &, < and > as control characters: escape them in any text that came from outside. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A Slack date token: each reader sees the time in their own time zone; the fallback is UTC. */
export function slackDate(date: Date): string {
  return `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${formatUtc(date)}>`;
}

/** A link Slack will render, or the plain label when the URL cannot be trusted in a link. */
export function slackLink(url: string | null | undefined, label: string): string {
  if (!url || !/^https?:\/\/[^\s<>|]+$/.test(url)) return escapeSlack(label);
  return `<${url}|${escapeSlack(label).replace(/\|/g, '¦')}>`;
}

export function itemUrl(publicUrl: string | undefined, itemId: string): string | null {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/items/${itemId}` : null;
}
