/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiFailure, forgetToken, storedToken, storeToken, whenUnauthorized } from './api.js';
import { h, mount } from './dom.js';
import { followEvents } from './events.js';
import { renderDashboard } from './dashboard.js';
import { renderItem } from './item.js';
import { renderQueue } from './queue.js';
import type { Directory, Me } from './types.js';
import type { AppContext, View } from './view.js';

const main = document.getElementById('main')!;
const header = document.getElementById('top')!;
const shortcuts = document.getElementById('shortcuts')!;
let view: View = {};
let context: AppContext | null = null;
let stopEvents: (() => void) | null = null;

function signOut(message?: string): void {
  forgetToken();
  stopEvents?.();
  stopEvents = null;
  context = null;
  view.dispose?.();
  view = {};
  showSignIn(message);
}

whenUnauthorized(() => signOut('Your token is no longer valid. Sign in again.'));

function showSignIn(message?: string): void {
  header.hidden = true;
  shortcuts.hidden = true;
  document.title = 'Sign in · Earshot';
  const error = h('p', { class: 'error', role: 'alert', id: 'sign-in-error' }, message ?? '');
  const tokenField = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'current-password', required: true, spellcheck: 'false', 'aria-describedby': 'token-help sign-in-error' });
  const remember = h('input', { id: 'remember', name: 'remember', type: 'checkbox' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Earshot inbox'),
    h('label', { for: 'token' }, 'API token'),
    tokenField,
    h('p', { id: 'token-help', class: 'hint' }, 'Ask an admin for one, or run ', h('code', {}, 'earshot token create --responder <your id>'), '.'),
    h('p', { class: 'check' }, remember, h('label', { for: 'remember' }, 'Remember me on this device')),
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenField.value.trim();
    submit.disabled = true;
    error.textContent = '';
    api<Me>('/v1/me', { token })
      .then(() => {
        storeToken(token, remember.checked);
        return start();
      })
      .catch((failure: unknown) => {
        error.textContent = failure instanceof ApiFailure && failure.status === 401 ? 'That token is unknown or revoked.' : `Could not sign in: ${failure instanceof Error ? failure.message : String(failure)}`;
        tokenField.focus();
      })
      .finally(() => (submit.disabled = false));
  });
  mount(main, form);
  tokenField.focus();
}

function contextOf(me: Me, directory: Directory): AppContext {
  const responders = new Map(directory.responders.map((responder) => [responder.id, responder.name]));
  const teams = new Map(directory.teams.map((team) => [team.id, team.name]));
  const brands = new Map(directory.brands.map((brand) => [brand.id, brand.name]));
  return {
    me,
    directory,
    responderName: (id) => (id === null ? 'nobody' : (responders.get(id) ?? id)),
    teamName: (id) => (id === null ? 'no team' : (teams.get(id) ?? id)),
    brandName: (id) => (id === null ? 'no brand' : (brands.get(id) ?? id)),
  };
}

async function start(): Promise<void> {
  const [me, directory] = await Promise.all([api<Me>('/v1/me'), api<Directory>('/v1/directory')]);
  context = contextOf(me, directory);
  header.hidden = false;
  shortcuts.hidden = false;
  document.getElementById('who')!.textContent = me.name ? `${me.name} (${me.role})` : me.role;
  stopEvents?.();
  stopEvents = followEvents({
    onReady: () => view.onReconnect?.(),
    onItem: (itemId) => view.onItem?.(itemId),
    onStateChange: (connected) => {
      const status = document.getElementById('live-status')!;
      status.textContent = connected ? 'Live' : 'Reconnecting…';
      status.className = connected ? 'live on' : 'live off';
    },
  });
  route();
}

/** #/queue?…, #/items/<id>, #/dashboard. */
function route(): void {
  if (!context) return;
  view.dispose?.();
  const [path = '', search = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const item = /^\/items\/([0-9a-f-]{36})$/i.exec(path);
  for (const link of header.querySelectorAll('nav a')) {
    const current = (link.getAttribute('href') === '#/dashboard') === (path === '/dashboard') && !item;
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (item) view = renderItem(main, context, item[1]!);
  else if (path === '/dashboard') view = renderDashboard(main, context);
  else view = renderQueue(main, context, params);
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
  if (event.key === 'g') {
    location.hash = '#/queue';
  } else if (event.key === 'd') {
    location.hash = '#/dashboard';
  } else if (event.key === '?') {
    shortcuts.toggleAttribute('open');
  } else if (!view.onKey?.(event)) {
    return;
  }
  event.preventDefault();
});
document.getElementById('sign-out')!.addEventListener('click', () => signOut('Signed out.'));

if (storedToken()) {
  start().catch((failure: unknown) => {
    // A 401 has already signed out, with its own message.
    if (!(failure instanceof ApiFailure && failure.status === 401)) signOut(`Could not load the inbox: ${failure instanceof Error ? failure.message : String(failure)}`);
  });
} else {
  showSignIn();
}
