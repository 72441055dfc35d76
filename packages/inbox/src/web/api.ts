/// <reference lib="dom" />

const TOKEN_KEY = 'earshot.token';

/** The token lives for the tab's session, or on this device when the user asked to be remembered. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string, remember: boolean): void {
  forgetToken();
  (remember ? localStorage : sessionStorage).setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

/** An error answer of the API: `{ error: { code, message } }`, with its HTTP status. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Called on any 401: the token is gone or revoked, so the app returns to sign-in. */
let onUnauthorized: () => void = () => undefined;
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

/** A JSON request to the API with the stored bearer token. */
export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<T> {
  const token = init.token ?? storedToken();
  // The timeline records the web inbox as the door ("via web").
  const headers: Record<string, string> = { accept: 'application/json', 'x-earshot-client': 'web' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const payload = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!response.ok) {
    const failure = new ApiFailure(response.status, payload?.error?.code ?? 'unknown', payload?.error?.message ?? `the server answered ${response.status}`);
    if (response.status === 401 && init.token === undefined) onUnauthorized();
    throw failure;
  }
  return payload as T;
}

/** `{ a: 1, b: undefined }` → `?a=1`. */
export function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
