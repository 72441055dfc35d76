/// <reference lib="dom" />
import type { TimelineEvent } from '@earshot/domain';
import { api, ApiFailure } from './api.js';
import { formatCount, formatTime, h, mount } from './dom.js';
import { priorityBadge, slaBadge } from './queue.js';
import type { ItemDetail } from './types.js';
import type { AppContext, View } from './view.js';

const SNOOZE_CHOICES: Array<[number, string]> = [
  [30, '30 minutes'],
  [60, '1 hour'],
  [4 * 60, '4 hours'],
  [24 * 60, '1 day'],
];

function facts(...rows: Array<[string, Node | string | null]>): HTMLElement {
  return h('dl', { class: 'facts' }, ...rows.filter(([, value]) => value !== null && value !== '').flatMap(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function actorText(event: TimelineEvent, context: AppContext): string {
  if (event.actor.kind === 'system') return 'Earshot';
  const who = event.actor.kind === 'admin' && event.actor.id !== null && !context.directory.responders.some((r) => r.id === event.actor.id) ? 'an admin' : context.responderName(event.actor.id);
  return `${who} via ${event.actor.via}`;
}

export function renderItem(main: HTMLElement, context: AppContext, itemId: string): View {
  const status = h('p', { class: 'action-status', role: 'status', 'aria-live': 'polite', tabindex: -1 });
  const failure = h('p', { class: 'error', role: 'alert' });
  const body = h('div', { class: 'item-page', 'aria-busy': 'true' }, 'Loading…');
  mount(main, h('p', {}, h('a', { href: '#/queue', class: 'back' }, '← Back to the queue')), failure, status, body);
  let detail: ItemDetail | null = null;

  /**
   * Runs an action, then shows the item as it now is. The text field it sent
   * is emptied once it succeeded, looked up by id: a live redraw may have
   * replaced the element meanwhile.
   */
  const act = async (label: string, path: string, payload?: unknown, sentFieldId?: string) => {
    failure.textContent = '';
    try {
      await api(`/v1/items/${itemId}/${path}`, { method: 'POST', body: payload ?? {} });
      if (sentFieldId) {
        const sent = body.querySelector<HTMLTextAreaElement>(`#${sentFieldId}`);
        if (sent) sent.value = '';
      }
      status.textContent = label;
      await load();
      // The buttons were redrawn: keep keyboard users on the page, at the confirmation.
      status.focus();
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return;
      failure.textContent = `${error instanceof Error ? error.message : String(error)}`;
    }
  };

  const actions = (d: ItemDetail): HTMLElement => {
    const { item } = d;
    if (item.state === 'handled') return h('section', { class: 'actions', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, 'Actions'), h('p', {}, `Handled ${item.handledAt ? formatTime(item.handledAt) : ''}.`), noteForm());
    const mine = item.state === 'acknowledged' && item.acknowledgedBy === context.me.responderId;
    const ackLabel = mine ? 'Acknowledged by you' : item.state === 'acknowledged' ? `Take it over from ${context.responderName(item.acknowledgedBy)}` : 'Acknowledge';
    const ack = h('button', { type: 'button', class: 'primary', id: 'ack', 'aria-keyshortcuts': 'a', disabled: mine }, ackLabel);
    ack.addEventListener('click', () => void act('Acknowledged', 'ack'));

    const note = h('textarea', { id: 'handled-note', name: 'note', rows: 2, maxlength: 4000 });
    const handled = h('form', { class: 'inline-form' }, h('label', { for: 'handled-note' }, 'Note (optional): what was done'), note, h('button', { type: 'submit', id: 'handled' }, 'Mark handled'));
    handled.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = note.value.trim();
      void act('Marked handled', 'handled', text ? { note: text } : {}, 'handled-note');
    });

    const snoozeFor = h('select', { id: 'snooze-for', name: 'for' }, ...SNOOZE_CHOICES.map(([minutes, text]) => h('option', { value: minutes }, text)));
    const snooze = h('form', { class: 'inline-form' }, h('label', { for: 'snooze-for' }, 'Snooze for'), snoozeFor, h('button', { type: 'submit' }, 'Snooze'));
    snooze.addEventListener('submit', (event) => {
      event.preventDefault();
      const until = new Date(Date.now() + Number(snoozeFor.value) * 60_000).toISOString();
      void act(`Snoozed until ${formatTime(until)}`, 'snooze', { until });
    });

    return h('section', { class: 'actions', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, 'Actions'), h('div', { class: 'buttons' }, ack), handled, snooze, reassignForm(d), noteForm());
  };

  const reassignForm = (d: ItemDetail): HTMLElement | null => {
    if (context.me.role === 'responder') return null;
    const teams = context.directory.teams.filter((team) => context.me.role === 'admin' || context.me.teamIds.includes(team.id));
    const team = h('select', { id: 'reassign-team', name: 'team' }, ...teams.map((t) => h('option', { value: t.id, selected: t.id === d.item.teamId }, t.name)));
    const responder = h('select', { id: 'reassign-responder', name: 'responder' });
    const fillResponders = () => {
      const members = context.directory.teams.find((t) => t.id === team.value)?.memberIds ?? [];
      mount(responder, h('option', { value: '' }, 'Team queue (router picks)'), ...members.map((id) => h('option', { value: id, selected: id === d.item.assigneeId }, context.responderName(id))));
    };
    fillResponders();
    team.addEventListener('change', fillResponders);
    const form = h(
      'form',
      { class: 'inline-form' },
      h('fieldset', {}, h('legend', {}, 'Reassign'), h('label', { for: 'reassign-team' }, 'Team'), team, h('label', { for: 'reassign-responder' }, 'Responder'), responder, h('button', { type: 'submit' }, 'Reassign')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const target = responder.value ? `${context.responderName(responder.value)} (${context.teamName(team.value)})` : `the ${context.teamName(team.value)} queue`;
      void act(`Reassigned to ${target}`, 'reassign', { team: team.value, ...(responder.value ? { responder: responder.value } : {}) });
    });
    return form;
  };

  const noteForm = (): HTMLElement => {
    const text = h('textarea', { id: 'note-text', name: 'text', rows: 2, maxlength: 4000, required: true });
    const form = h('form', { class: 'inline-form' }, h('label', { for: 'note-text' }, 'Add a note to the timeline'), text, h('button', { type: 'submit' }, 'Add note'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = text.value.trim();
      if (value) void act('Note added', 'notes', { text: value }, 'note-text');
    });
    return form;
  };

  const draw = (d: ItemDetail) => {
    // A live change redraws the page while someone may be typing a note: keep what they typed and where they were.
    const typed = new Map([...body.querySelectorAll('textarea')].map((field) => [field.id, field.value]));
    const focusedId = body.contains(document.activeElement) ? document.activeElement?.id : undefined;
    const { item, mention, classification } = d;
    document.title = `${item.priority} @${mention.author.handle} · Earshot`;
    const engagement = Object.entries(mention.engagement).filter(([, value]) => typeof value === 'number').map(([key, value]) => `${formatCount(value as number)} ${key}`).join(' · ');
    mount(
      body,
      h('h1', { id: 'item-title' }, priorityBadge(item.priority), ` ${item.category} from @${mention.author.handle}`),
      h('p', { class: 'line' }, h('span', { class: `state ${item.state}`, id: 'item-state' }, item.state), slaBadge(item), item.mentionCount > 1 ? `${item.mentionCount} mentions grouped` : null),
      h(
        'div',
        { class: 'columns' },
        h(
          'div',
          {},
          h(
            'section',
            { 'aria-labelledby': 'mention-title', class: 'card mention' },
            h('h2', { id: 'mention-title' }, 'Mention'),
            mention.title ? h('p', { class: 'title' }, mention.title) : null,
            h('blockquote', { class: 'mention-text', lang: mention.lang ?? null }, mention.text || '(no text)'),
            facts(
              ['Author', `${mention.author.name ? `${mention.author.name} ` : ''}@${mention.author.handle}${mention.author.verified ? ' ✓ verified' : ''}`],
              ['Reach', mention.author.followers === undefined ? 'unknown' : `${formatCount(mention.author.followers)} followers`],
              ['Engagement', engagement || null],
              ['Platform', mention.platform],
              ['Brand', context.brandName(item.brandId)],
              ['Posted', formatTime(mention.createdAt)],
              ['Post', mention.url ? h('a', { href: mention.url, target: '_blank', rel: 'noopener noreferrer' }, 'Open the post ↗') : 'no link'],
            ),
          ),
          h(
            'section',
            { 'aria-labelledby': 'classification-title', class: 'card classification' },
            h('h2', { id: 'classification-title' }, 'Classification'),
            classification
              ? h(
                  'div',
                  {},
                  facts(
                    ['Sentiment', `${classification.sentiment.label} (score ${classification.sentiment.score.toFixed(2)}, ${Math.round(classification.sentiment.confidence * 100)}% confident)`],
                    ['Urgency', `${classification.urgency.score} / 100`],
                    ['Category', classification.category],
                    ['Priority', classification.priority],
                    ['Model', classification.modelVersion],
                  ),
                  h('h3', {}, 'Why'),
                  classification.urgency.reasons.length ? h('ul', { class: 'reasons' }, ...classification.urgency.reasons.map((reason) => h('li', {}, reason))) : h('p', {}, 'No reasons recorded.'),
                )
              : h('p', {}, 'Not classified.'),
          ),
          h(
            'section',
            { 'aria-labelledby': 'assignment-title', class: 'card assignment' },
            h('h2', { id: 'assignment-title' }, 'Assignment'),
            facts(
              ['Team', context.teamName(d.assignment.teamId)],
              ['Assignee', d.assignment.assigneeId ? context.responderName(d.assignment.assigneeId) : 'unassigned (in the team queue)'],
              ['Routing rule', d.assignment.routingRule ?? 'none'],
              ['Acknowledge by', d.assignment.ackDueAt ? formatTime(d.assignment.ackDueAt) : null],
              ['Handle by', d.assignment.handleDueAt ? formatTime(d.assignment.handleDueAt) : null],
              ['Acknowledged', item.acknowledgedAt ? `${formatTime(item.acknowledgedAt)} by ${context.responderName(item.acknowledgedBy)}` : null],
              ['Snoozed until', item.state === 'snoozed' && item.snoozedUntil ? formatTime(item.snoozedUntil) : null],
            ),
          ),
        ),
        h(
          'div',
          {},
          actions(d),
          h(
            'section',
            { 'aria-labelledby': 'timeline-title', class: 'card timeline-card' },
            h('h2', { id: 'timeline-title' }, 'Timeline'),
            h(
              'ol',
              { class: 'timeline', id: 'timeline' },
              ...d.timeline.map((event) =>
                h('li', { class: `event ${event.type}` }, h('time', { datetime: event.at }, formatTime(event.at)), ' ', h('strong', {}, event.type.replace(/_/g, ' ')), ` · ${actorText(event, context)}`, h('p', {}, event.message)),
              ),
            ),
          ),
        ),
      ),
    );
    body.setAttribute('aria-busy', 'false');
    for (const [id, value] of typed) {
      const field = body.querySelector<HTMLTextAreaElement>(`textarea#${id}`);
      if (field) field.value = value;
    }
    if (focusedId) body.querySelector<HTMLElement>(`#${focusedId}`)?.focus();
  };

  const load = async () => {
    try {
      detail = await api<ItemDetail>(`/v1/items/${itemId}`);
      draw(detail);
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return;
      mount(body, h('p', { class: 'error' }, error instanceof ApiFailure && error.status === 404 ? 'No such item.' : `Could not load the item: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  void load();

  return {
    onItem: (changed) => {
      if (changed === itemId) void load();
    },
    onReconnect: () => void load(),
    onKey(event) {
      if (event.key === 'a' && detail && detail.item.state !== 'handled') void act('Acknowledged', 'ack');
      else if (event.key === 'u' || event.key === 'Escape') location.hash = '#/queue';
      else return false;
      return true;
    },
  };
}
