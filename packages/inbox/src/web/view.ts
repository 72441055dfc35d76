import type { Directory, Me } from './types.js';

/** What every page gets: who is signed in and the names behind ids. */
export interface AppContext {
  me: Me;
  directory: Directory;
  /** Display name for a responder id. */
  responderName(id: string | null): string;
  teamName(id: string | null): string;
  brandName(id: string | null): string;
}

/** A page on screen; the shell forwards live events and shortcut keys to it. */
export interface View {
  /** An item the user may see changed (or appeared). */
  onItem?(itemId: string): void;
  /** The live stream (re)connected: reload, since changes may have been missed. */
  onReconnect?(): void;
  /** A key pressed outside form fields; true when the page used it. */
  onKey?(event: KeyboardEvent): boolean;
  dispose?(): void;
}
