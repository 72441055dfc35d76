import { describe, expect, it } from 'vitest';
import { compileRules, crisisTeam, RoutingConfigError, type RoutableMention } from '../src/index.js';
import { configFrom, SUPPORT_DESK_YAML } from './fixtures/config.js';

const config = configFrom(SUPPORT_DESK_YAML);
const rules = compileRules(config.routing, config.brands);

function mention(overrides: Partial<RoutableMention> = {}): RoutableMention {
  return {
    platform: 'x',
    brands: ['acme'],
    category: 'other',
    priority: 'P3',
    lang: 'en',
    text: 'thinking about acme today',
    authorHandle: 'someone',
    followers: 120,
    verified: false,
    ...overrides,
  };
}

describe('routing rules', () => {
  it('takes the first rule that matches and explains why, by number and name', () => {
    const decision = rules.route(mention({ category: 'complaint', lang: 'en-US' }));
    expect(decision).toMatchObject({ teamId: 'support', ruleNumber: 3, priority: 'P3', slaApplies: true, brandId: 'acme' });
    expect(decision?.explanation).toBe('rule 3 `complaints` matched: category=complaint, lang=en → team support');
  });

  it('a crisis wins over every later rule and raises the priority as the rule says', () => {
    const decision = rules.route(mention({ category: 'crisis', priority: 'P3', followers: 50_000 }));
    expect(decision).toMatchObject({ teamId: 'pr', priority: 'P1', ruleNumber: 1 });
    expect(decision?.explanation).toBe('rule 1 `crisis` matched: category=crisis → team pr; priority P3 → P1');
  });

  it('competitor-only mentions go to a team without SLA; a mention of both brands is about us', () => {
    const competitor = rules.route(mention({ brands: ['globex'], category: 'complaint' }));
    expect(competitor).toMatchObject({ teamId: 'community', slaApplies: false, brandId: 'globex' });
    expect(competitor?.explanation).toContain('competitor → team community; no SLA');
    const both = rules.route(mention({ brands: ['globex', 'acme'], category: 'complaint' }));
    expect(both).toMatchObject({ teamId: 'support', brandId: 'acme' });
  });

  it('a complaint in a language the rule does not list, or with no language, falls through', () => {
    expect(rules.route(mention({ category: 'complaint', lang: 'fr' }))?.ruleNumber).toBe(8);
    expect(rules.route(mention({ category: 'complaint', lang: undefined }))?.ruleNumber).toBe(8);
  });

  it('matches author reach, and an unknown follower count satisfies no bound', () => {
    expect(rules.route(mention({ followers: 10_000 }))).toMatchObject({ ruleNumber: 4, priority: 'P2' });
    expect(rules.route(mention({ followers: 9_999 }))?.ruleNumber).toBe(8);
    expect(rules.route(mention({ followers: undefined }))?.ruleNumber).toBe(8);
    expect(rules.route(mention({ followers: 12_345 }))?.explanation).toContain('followers=12345');
  });

  it('matches keywords as whole words and phrases, in any case and accent', () => {
    expect(rules.route(mention({ text: 'I want a REFUND from acme' }))?.explanation).toBe(
      'rule 5 `refunds` matched: keyword "refund" → team support',
    );
    expect(rules.route(mention({ text: 'acme: late   delivery again' }))?.ruleNumber).toBe(5);
    expect(rules.route(mention({ text: 'acme refunds are slow' }))?.ruleNumber).toBe(8);
    expect(rules.route(mention({ text: 'acme nonrefundable' }))?.ruleNumber).toBe(8);
    expect(rules.route(mention({ text: 'acme', title: 'Refund policy' }))?.ruleNumber).toBe(5);
  });

  it('matches VIP authors with or without @ in any case, combined with verified', () => {
    expect(rules.route(mention({ authorHandle: 'techcrunch', verified: true }))?.explanation).toBe(
      'rule 6 `press` matched: VIP author @techcrunch, verified → team pr',
    );
    expect(rules.route(mention({ authorHandle: '@TechCrunch', verified: false }))?.ruleNumber).toBe(8);
  });

  it('matches platform and category together', () => {
    expect(rules.route(mention({ platform: 'reddit', category: 'praise' }))?.ruleNumber).toBe(7);
    expect(rules.route(mention({ platform: 'x', category: 'praise' }))?.ruleNumber).toBe(8);
  });

  it('the catch-all rule says so; without one nothing matches', () => {
    expect(rules.route(mention())?.explanation).toBe('rule 8 `default` matched: catch-all → team community');
    const noDefault = compileRules(config.routing.slice(0, 3), config.brands);
    expect(noDefault.route(mention())).toBeNull();
  });

  it('matches brand and priority conditions', () => {
    const scoped = configFrom(`${SUPPORT_DESK_YAML.replace('routing:', `routing:
  - { name: globex-p1, match: { brand: [globex], priority: [P1] }, team: pr }`)}`);
    const scopedRules = compileRules(scoped.routing, scoped.brands);
    expect(scopedRules.route(mention({ brands: ['acme', 'globex'], priority: 'P1' }))).toMatchObject({
      ruleNumber: 1,
      brandId: 'globex',
      explanation: 'rule 1 `globex-p1` matched: brand=globex, priority=P1 → team pr',
    });
    expect(scopedRules.route(mention({ brands: ['acme', 'globex'], priority: 'P2' }))?.ruleNumber).not.toBe(1);
  });

  it('refuses a keyword without letters or digits, naming it', () => {
    const bad = configFrom(SUPPORT_DESK_YAML.replace('keywords: [refund, "late delivery"]', 'keywords: [refund, "!!!"]'));
    expect(() => compileRules(bad.routing, bad.brands)).toThrow(RoutingConfigError);
    expect(() => compileRules(bad.routing, bad.brands)).toThrow('routing[4].match.keywords[1]');
  });
});

describe('crisis team for spikes', () => {
  it('is the team of the first rule routing crises, else the catch-all', () => {
    expect(crisisTeam(config.routing, config.brands, 'acme')).toEqual({ teamId: 'pr', ruleNumber: 1 });
    const withoutCrisisRule = config.routing.filter((rule) => rule.name !== 'crisis');
    expect(crisisTeam(withoutCrisisRule, config.brands, 'acme')).toEqual({ teamId: 'community', ruleNumber: 7 });
    expect(crisisTeam([], config.brands, 'acme')).toBeNull();
  });
});
