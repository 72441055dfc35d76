/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { api, ApiFailure, query } from './api.js';
import { announce, h, mount } from './dom.js';
import { slaStatus } from './sla.js';
import type { ItemList, ItemListEntry, ItemView } from './types.js';
import type { AppContext, View } from './view.js';

/** The statuses a responder works on; handled items are one filter away. */
const ACTIVE = 'open,acknowledged,snoozed';
const STATUS_CHOICES: Array<[string, string]> = [
  [ACTIVE, 'Not handled'],
  ['open', 'Open'],
  ['acknowledged', 'Acknowledged'],
  ['snoozed', 'Snoozed'],
  ['handled', 'Handled'],
];
const PAGE_SIZE = 50;
/** Many changes in a burst cost one reload. */
const RELOAD_DELAY_MS = 250;
/** The "breaches in …" texts are recomputed this often. */
const CLOCK_TICK_MS = 30_000;

interface Filters {
  scope: 'mine' | 'team' | 'all';
  status: string;
  priority: string;
  brand: string;
  platform: string;
  team: string;
}

function filtersFrom(params: URLSearchParams, context: AppContext): Filters {
  const defaultScope = context.me.responderId === null ? 'all' : 'team';
  const scope = params.get('scope');
  return {
    scope: scope === 'mine' || scope === 'team' || scope === 'all' ? scope : defaultScope,
    status: params.get('status') ?? ACTIVE,
    priority: params.get('priority') ?? '',
    brand: params.get('brand') ?? '',
    platform: params.get('platform') ?? '',
    team: params.get('team') ?? '',
  };
}

function listQuery(filters: Filters, cursor: string | undefined, limit = PAGE_SIZE): string {
  return query({
    status: filters.status,
    priority: filters.priority || undefined,
    brand: filters.brand || undefined,
    platform: filters.platform || undefined,
    team: filters.team || undefined,
    assignee: filters.scope === 'mine' ? 'me' : undefined,
    limit: String(limit),
    cursor,
  });
}

function select(id: string, label: string, value: string, choices: Array<[string, string]>): HTMLElement {
  const field = h('select', { id, name: id }, ...choices.map(([choice, text]) => h('option', { value: choice, selected: choice === value }, text)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), field);
}

export function slaBadge(item: Pick<ItemView, 'state' | 'slaApplies' | 'ackDueAt' | 'handleDueAt' | 'acknowledgedAt' | 'snoozedUntil'>): HTMLElement {
  const status = slaStatus(item, new Date());
  return h('span', { class: `sla ${status.tone}`, 'data-due': status.dueAt ?? '' }, status.tone === 'breached' ? '⚠ ' : '', status.text);
}

export function priorityBadge(priority: string): HTMLElement {
  return h('span', { class: `priority ${priority.toLowerCase()}`, title: `Priority ${priority}` }, priority);
}

export function renderQueue(main: HTMLElement, context: AppContext, params: URLSearchParams): View {
  const filters = filtersFrom(params, context);
  document.title = 'Queue · Earshot';
  let items: ItemListEntry[] = [];
  let nextCursor: string | null = null;
  let selected = 0;
  let reloadTimer: number | undefined;
  let loading = Promise.resolve();

  const list = h('ol', { class: 'queue', id: 'queue', 'aria-label': 'Items, most urgent first', 'aria-busy': 'true' });
  const summary = h('p', { class: 'summary', id: 'queue-summary', 'aria-live': 'polite' }, 'Loading…');
  const more = h('button', { type: 'button', class: 'more', hidden: true }, 'Load more');
  const failure = h('p', { class: 'error', role: 'alert' });

  const scopes: Array<[string, string]> = [
    ...(context.me.responderId !== null ? ([['mine', 'Assigned to me'], ['team', 'My teams']] as Array<[string, string]>) : []),
    ...(context.me.role === 'admin' ? ([['all', 'Everything']] as Array<[string, string]>) : []),
  ];
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Filter the queue' },
    scopes.length > 1 ? select('scope', 'Show', filters.scope, scopes) : null,
    select('status', 'Status', filters.status, STATUS_CHOICES),
    select('priority', 'Priority', filters.priority, [['', 'Any'], ['P1', 'P1'], ['P2', 'P2'], ['P3', 'P3'], ['P4', 'P4'], ['P1,P2', 'P1 and P2']]),
    select('brand', 'Brand', filters.brand, [['', 'Any'], ...context.directory.brands.map((brand): [string, string] => [brand.id, brand.competitor ? `${brand.name} (competitor)` : brand.name])]),
    h('div', { class: 'field' }, h('label', { for: 'platform' }, 'Platform'), h('input', { id: 'platform', name: 'platform', value: filters.platform, placeholder: 'any', list: 'platforms', autocomplete: 'off', pattern: '[a-z][a-z0-9-]{0,31}' }), h('datalist', { id: 'platforms' })),
    select('team', 'Team', filters.team, [['', 'Any'], ...context.directory.teams.filter((team) => context.me.role === 'admin' || context.me.teamIds.includes(team.id)).map((team): [string, string] => [team.id, team.name])]),
  );
  // Filters live in the address, so a filtered queue can be bookmarked and shared.
  form.addEventListener('change', () => {
    const data = new FormData(form);
    const next = new URLSearchParams();
    for (const [key, value] of data) if (typeof value === 'string' && value !== '' && !(key === 'status' && value === ACTIVE)) next.set(key, value);
    location.hash = `#/queue${next.size ? `?${next}` : ''}`;
  });
  form.addEventListener('submit', (event) => event.preventDefault());

  const row = (item: ItemListEntry, index: number) =>
    h(
      'li',
      { class: `item state-${item.state}${index === selected ? ' selected' : ''}`, 'data-item-id': item.id },
      h(
        'a',
        { href: `#/items/${item.id}`, class: 'item-link', 'aria-current': index === selected ? 'true' : null },
        h('span', { class: 'line' }, priorityBadge(item.priority), slaBadge(item), h('span', { class: `state ${item.state}` }, item.state)),
        h('span', { class: 'excerpt' }, item.mention.excerpt || '(no text)'),
        h(
          'span',
          { class: 'meta' },
          `@${item.mention.authorHandle} · ${item.mention.platform} · ${context.brandName(item.brandId)} · ${item.category} · ${context.teamName(item.teamId)} · ${item.assigneeId ? context.responderName(item.assigneeId) : 'unassigned'}`,
          item.mentionCount > 1 ? ` · ${item.mentionCount} mentions` : '',
        ),
      ),
    );

  const draw = () => {
    mount(list, ...items.map(row));
    list.setAttribute('aria-busy', 'false');
    const breached = items.filter((item) => slaStatus(item, new Date()).tone === 'breached').length;
    summary.textContent =
      items.length === 0 ? 'Nothing here: the queue is clear.' : `${items.length}${nextCursor ? '+' : ''} item${items.length === 1 ? '' : 's'}${breached ? `, ${breached} past their SLA` : ''}`;
    more.hidden = nextCursor === null;
    const platforms = new Set(items.map((item) => item.mention.platform));
    mount(form.querySelector('#platforms')!, ...[...platforms].sort().map((platform) => h('option', { value: platform })));
  };

  /** Reloads the first page (or as many pages as are shown) and reports what is new. */
  const load = async (announceNew: boolean) => {
    try {
      const before = new Set(items.map((item) => item.id));
      // As many as are on screen (the API's most is 200), so a reload does not shorten a list the user paged through.
      const page = await api<ItemList>(`/v1/items${listQuery(filters, undefined, Math.min(Math.max(PAGE_SIZE, items.length), 200))}`);
      const selectedId = items[selected]?.id;
      items = page.items;
      nextCursor = page.nextCursor;
      selected = Math.max(0, items.findIndex((item) => item.id === selectedId));
      failure.textContent = '';
      draw();
      const added = items.filter((item) => !before.has(item.id));
      if (announceNew && added.length > 0) {
        announce(added.length === 1 ? `New in the queue: ${added[0]!.priority} from @${added[0]!.mention.authorHandle}` : `${added.length} new items in the queue`);
        for (const item of added) list.querySelector(`[data-item-id="${item.id}"]`)?.classList.add('fresh');
      }
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return;
      failure.textContent = `Could not load the queue: ${error instanceof Error ? error.message : String(error)}`;
    }
  };

  more.addEventListener('click', () => {
    if (!nextCursor) return;
    more.disabled = true;
    api<ItemList>(`/v1/items${listQuery(filters, nextCursor)}`)
      .then((page) => {
        items = [...items, ...page.items];
        nextCursor = page.nextCursor;
        draw();
      })
      .catch((error: unknown) => (failure.textContent = `Could not load more: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => (more.disabled = false));
  });

  const scheduleReload = () => {
    window.clearTimeout(reloadTimer);
    reloadTimer = window.setTimeout(() => (loading = loading.then(() => load(true))), RELOAD_DELAY_MS);
  };
  const tick = window.setInterval(draw, CLOCK_TICK_MS);

  const moveSelection = (step: number) => {
    if (items.length === 0) return;
    selected = Math.min(items.length - 1, Math.max(0, selected + step));
    draw();
    list.querySelector<HTMLAnchorElement>('li.selected a')?.focus();
  };

  mount(
    main,
    h('div', { class: 'page-head' }, h('h1', {}, 'Queue'), summary),
    form,
    failure,
    list,
    more,
    h('p', { class: 'hint keys' }, 'Keys: ', h('kbd', {}, 'j'), '/', h('kbd', {}, 'k'), ' move, ', h('kbd', {}, 'Enter'), ' open, ', h('kbd', {}, 'a'), ' acknowledge, ', h('kbd', {}, '?'), ' all shortcuts'),
  );
  loading = load(false);

  return {
    onItem: scheduleReload,
    onReconnect: scheduleReload,
    onKey(event) {
      if (event.key === 'j') moveSelection(1);
      else if (event.key === 'k') moveSelection(-1);
      else if (event.key === 'a' && items[selected]) {
        const item = items[selected]!;
        api(`/v1/items/${item.id}/ack`, { method: 'POST' })
          .then(() => {
            announce(`Acknowledged ${item.priority} from @${item.mention.authorHandle}`);
            scheduleReload();
          })
          .catch((error: unknown) => (failure.textContent = `Could not acknowledge: ${error instanceof Error ? error.message : String(error)}`));
      } else return false;
      return true;
    },
    dispose() {
      window.clearTimeout(reloadTimer);
      window.clearInterval(tick);
    },
  };
}
