import { checkQuery } from '@earshot/matcher';
import { parseNotifyTarget } from './escalation.js';

export interface ConfigProblem {
  path: PropertyKey[];
  message: string;
}

type Raw = Record<string, unknown>;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Raw => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Raw) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Checks what one field cannot: ids are unique, every reference points at
 * something that exists, and brand queries parse. It reads the raw document, so reference problems are
 * reported alongside shape problems instead of only after those are fixed.
 */
export function checkReferences(document: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: PropertyKey[], message: string) => problems.push({ path, message });
  const root = record(document);

  const ids = (kind: string, key: string) => {
    const seen = new Map<string, number>();
    list(root[key]).forEach((entry, index) => {
      const id = text(record(entry).id);
      if (id === undefined) return;
      const first = seen.get(id);
      if (first !== undefined) problem([key, index, 'id'], `duplicate ${kind} id "${id}" (also ${key}[${first}])`);
      else seen.set(id, index);
    });
    return seen;
  };
  const brands = ids('brand', 'brands');
  list(root.brands).forEach((entry, b) => {
    const query = text(record(entry).query);
    const syntax = query === undefined || query.trim() === '' ? null : checkQuery(query);
    if (syntax) problem(['brands', b, 'query'], `${syntax.message} in ${JSON.stringify(query)}`);
  });
  ids('source', 'sources');
  const responders = ids('responder', 'responders');
  const teams = ids('team', 'teams');

  const responderRef = (path: PropertyKey[], value: unknown) => {
    const id = text(value);
    if (id !== undefined && !responders.has(id)) problem(path, `unknown responder "${id}"`);
  };

  list(root.teams).forEach((entry, t) => {
    const team = record(entry);
    list(team.members).forEach((member, m) => responderRef(['teams', t, 'members', m], member));
    responderRef(['teams', t, 'lead'], team.lead);
    responderRef(['teams', t, 'onCall'], team.onCall);
  });

  const rules = list(root.routing);
  const ruleNames = new Map<string, number>();
  rules.forEach((entry, r) => {
    const rule = record(entry);
    const team = text(rule.team);
    if (team !== undefined && !teams.has(team)) problem(['routing', r, 'team'], `unknown team "${team}"`);
    const match = rule.match === undefined ? undefined : record(rule.match);
    list(match?.brand).forEach((brand, b) => {
      if (typeof brand === 'string' && !brands.has(brand)) problem(['routing', r, 'match', 'brand', b], `unknown brand "${brand}"`);
    });
    const { minFollowers, maxFollowers } = match ?? {};
    if (typeof minFollowers === 'number' && typeof maxFollowers === 'number' && minFollowers > maxFollowers) {
      problem(['routing', r, 'match', 'maxFollowers'], 'maxFollowers is below minFollowers, so the rule never matches');
    }
    const name = text(rule.name);
    if (match === undefined && r < rules.length - 1) {
      problem(['routing', r], `rule "${name ?? r}" has no match and catches everything, so the rules after it never run; move it last`);
    }
    if (name !== undefined) {
      const first = ruleNames.get(name);
      if (first !== undefined) problem(['routing', r, 'name'], `duplicate rule name "${name}" (also routing[${first}])`);
      else ruleNames.set(name, r);
    }
  });

  list(root.escalation).forEach((entry, s) =>
    list(record(entry).notify).forEach((raw, n) => {
      const target = typeof raw === 'string' ? parseNotifyTarget(raw) : null;
      if (target?.kind === 'responder') responderRef(['escalation', s, 'notify', n], target.responderId);
    }),
  );
  list(root.digests).forEach((entry, d) =>
    list(record(entry).brands).forEach((brand, b) => {
      if (typeof brand === 'string' && !brands.has(brand)) problem(['digests', d, 'brands', b], `unknown brand "${brand}"`);
    }),
  );
  return problems;
}
