/// <reference lib="dom" />
import { storedToken } from './api.js';

export interface LiveEvents {
  /** The stream is (re)connected: anything may have changed while it was down. */
  onReady(): void;
  onItem(itemId: string): void;
  onStateChange(connected: boolean): void;
}

/** Longest wait between reconnection attempts, in ms. */
const MAX_BACKOFF_MS = 30_000;

/**
 * Follows GET /v1/events with fetch (EventSource cannot send the bearer
 * header), parsing the server-sent event frames, and reconnects with growing
 * pauses when the stream ends. Returns the function that stops it.
 */
export function followEvents(handlers: LiveEvents): () => void {
  const controller = new AbortController();
  let backoffMs = 1_000;

  const dispatch = (frame: string) => {
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
      else if (line.startsWith('retry:')) backoffMs = Number(line.slice(6).trim()) || backoffMs;
    }
    if (event === 'ready') {
      handlers.onStateChange(true);
      handlers.onReady();
    } else if (event === 'item') {
      const itemId = (JSON.parse(data) as { itemId?: unknown }).itemId;
      if (typeof itemId === 'string') handlers.onItem(itemId);
    }
  };

  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const token = storedToken();
        if (!token) return;
        const response = await fetch('/v1/events', { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
        // A 401 is left to the next ordinary request, which signs the user out.
        if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n?/g, '\n');
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      handlers.onStateChange(false);
      await new Promise((resolve) => window.setTimeout(resolve, backoffMs));
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  };
  void run();
  return () => controller.abort();
}
