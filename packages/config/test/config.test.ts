import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_CONFIG_YAML, parseConfigText, parseDuration, parseEscalationWhen, parseWeekdays, type ConfigIssue } from '@earshot/config';

const example = readFileSync(new URL('./fixtures/example.earshot.yaml', import.meta.url), 'utf8');

function issuesOf(yaml: string): ConfigIssue[] {
  const result = parseConfigText(yaml, 'test.yaml');
  if (result.ok) throw new Error('expected the config to be rejected');
  return result.issues;
}

const minimal = (extra = '') => `
brands:
  - { id: acme, name: Acme, query: acme }
${extra}`;

describe('config', () => {
  it('accepts the documented example config and parses its durations, hours and steps', () => {
    const result = parseConfigText(example, 'example.earshot.yaml');
    if (!result.ok) throw new Error(result.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    const { config } = result;
    expect(config.brands.map((b) => [b.id, b.competitor])).toEqual([['acme', false], ['globex', true]]);
    expect(config.sla.P1).toEqual({ ack: 15 * 60_000, handle: 2 * 3_600_000, businessHours: false });
    expect(config.sla.P3?.businessHours).toBe(true);
    expect(config.teams[0]!.hours).toEqual({ timezone: 'America/New_York', days: [1, 2, 3, 4, 5], from: 480, to: 1200 });
    expect(config.escalation[2]!.at).toEqual({ percent: 100, clock: 'ack', offsetMs: 30 * 60_000 });
    expect(config.escalation[2]!.notify).toEqual([{ kind: 'lead' }, { kind: 'manager' }]);
    expect(config.sources.find((s) => s.id === 'x-search')).toMatchObject({ platform: 'x', every: 60_000, credentials: { bearerToken: 'X_BEARER_TOKEN' } });
    expect(config.routing.at(-1)).toMatchObject({ name: 'default', team: 'community', sla: 'default' });
    expect(Object.isFrozen(config.teams[0])).toBe(true);
  });

  it('accepts the built-in demo config', () => {
    expect(parseConfigText(DEMO_CONFIG_YAML, 'demo').ok).toBe(true);
  });

  it('reports every problem at once, each with its path and line', () => {
    const issues = issuesOf(`
brands:
  - { id: acme, name: Acme, query: acme, colour: red }
sources:
  - { id: s1, platform: twitter }
  - { id: s2, platform: x, every: 5 minutes, credentials: { bearerToken: "sk-live-123" } }
responders:
  - { id: alice, name: Alice }
teams:
  - { id: support, members: [alice], lead: alice }
  - { id: pr, members: [alice, zed], lead: zoe, hours: { timezone: Mars/Olympus, from: "08:00", to: "20:00" } }
routing:
  - { name: all, team: support }
  - { name: pr, team: nobody, match: { category: [rant] } }
sla:
  P1: { ack: soon, handle: 2h }
escalation:
  - { at: "half ack", notify: [boss], via: pigeon }
digests:
  - { cron: "every morning", to: [slack:C0SUPPORT] }
`);
    const byPath = Object.fromEntries(issues.map((issue) => [issue.path, issue]));
    expect(byPath['brands[0]']?.message).toBe('unknown key "colour"');
    expect(byPath['sources[0].platform']?.message).toMatch(/one of x, reddit/);
    expect(byPath['sources[1].every']?.message).toMatch(/"5 minutes" is not a duration/);
    expect(byPath['sources[1].credentials.bearerToken']?.message).toMatch(/NAME of an environment variable/);
    expect(byPath['teams[1].lead']?.message).toBe('unknown responder "zoe"');
    expect(byPath['teams[1].members[1]']?.message).toBe('unknown responder "zed"');
    expect(byPath['teams[1].hours.timezone']?.message).toMatch(/"Mars\/Olympus" is not an IANA time zone/);
    expect(byPath['routing[0]']?.message).toMatch(/catches everything/);
    expect(byPath['routing[1].team']?.message).toBe('unknown team "nobody"');
    expect(byPath['routing[1].match.category[0]']).toBeDefined();
    expect(byPath['sla.P1.ack']?.message).toMatch(/"soon" is not a duration/);
    expect(byPath['escalation[0].at']).toBeDefined();
    expect(byPath['escalation[0].notify[0]']?.message).toMatch(/"boss" is not a recipient/);
    expect(byPath['escalation[0].via']).toBeDefined();
    expect(byPath['digests[0].cron']?.message).toMatch(/not a cron expression/);
    expect(byPath['teams[1].lead']).toMatchObject({ line: 11 });
    expect(byPath['sla.P1.ack']).toMatchObject({ line: 16 });
  });

  it('rejects duplicate ids and contradictory thresholds', () => {
    const issues = issuesOf(`
brands:
  - { id: acme, name: Acme, query: acme }
  - { id: acme, name: Acme again, query: acme2 }
priorities: { P1: 50, P2: 60, P3: 30 }
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual(
      expect.arrayContaining(['brands[1].id: duplicate brand id "acme" (also brands[0])', 'priorities: urgency thresholds must decrease: P1 > P2 > P3']),
    );
  });

  it('reports a brand query syntax error with the brand path and the column in the query', () => {
    const issues = issuesOf(`
brands:
  - { id: acme, name: Acme, query: 'acme OR "acme corp' }
  - { id: globex, name: Globex, query: '(globex AND broken' }
`);
    expect(issues.map((i) => i.path)).toEqual(['brands[0].query', 'brands[1].query']);
    expect(issues[0]!.message).toMatch(/column 9/);
    expect(issues[1]!.message).toMatch(/expected "\)".*column 1/);
    expect(issues[1]).toMatchObject({ line: 4 });
  });

  it('says so when the file is not YAML, with the line', () => {
    const issues = issuesOf('brands: [\n  - acme\n  query: "unterminated\n');
    expect(issues[0]!.message).toMatch(/^not valid YAML/);
    expect(issues[0]!.line).toBeGreaterThanOrEqual(1);
  });

  it('refuses a config that is a list or a scalar, and one with no brands', () => {
    expect(issuesOf('- a\n- b\n')[0]!.message).toMatch(/must be a YAML mapping/);
    expect(issuesOf('teams: []\n')[0]).toMatchObject({ path: 'brands' });
  });

  it('fills in defaults a user can rely on', () => {
    const result = parseConfigText(minimal(), 't');
    if (!result.ok) throw new Error('minimal config rejected');
    expect(result.config.priorities).toEqual({ P1: 80, P2: 60, P3: 30 });
    expect(result.config.sources).toEqual([]);
    expect(result.config.noise).toEqual({ mutedAuthors: [], mutedDomains: [], mutedWords: [] });
  });
});

describe('config value parsers', () => {
  it.each([
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['1d', 86_400_000],
    ['250ms', 250],
  ])('parses the duration %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '15', 'm', '15 minutes', '1h 30x', '-5m'])('rejects the duration "%s"', (text) => expect(parseDuration(text)).toBeNull());

  it('parses weekday ranges, lists and wrap-arounds', () => {
    expect(parseWeekdays('mon-fri')).toEqual([1, 2, 3, 4, 5]);
    expect(parseWeekdays(['sat', 'sun'])).toEqual([0, 6]);
    expect(parseWeekdays('fri-mon')).toEqual([0, 1, 5, 6]);
    expect(parseWeekdays('mon,someday')).toBeNull();
  });

  it('parses escalation times relative to the SLA', () => {
    expect(parseEscalationWhen('50% ack')).toEqual({ percent: 50, clock: 'ack', offsetMs: 0 });
    expect(parseEscalationWhen('100% handle - 10m')).toEqual({ percent: 100, clock: 'handle', offsetMs: -600_000 });
    expect(parseEscalationWhen('100% lunch')).toBeNull();
  });
});
