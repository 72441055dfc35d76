import type { BrandConfig, RoutingRule } from '@earshot/config';
import type { Category, Priority } from '@earshot/domain';
import { compileBrandQueries, type BrandMatcher } from '@earshot/matcher';

/** What routing looks at in a classified mention. */
export interface RoutableMention {
  platform: string;
  /** Brand ids the ingestor matched, in config order. */
  brands: readonly string[];
  category: Category;
  priority: Priority;
  /** BCP 47 tag; rules compare its primary language (`pt` for `pt-BR`). */
  lang?: string | undefined;
  text: string;
  title?: string | undefined;
  authorHandle: string;
  followers?: number | undefined;
  verified?: boolean | undefined;
}

export interface RouteDecision {
  rule: RoutingRule;
  /** 1-based position of the rule in the config, as people count them. */
  ruleNumber: number;
  teamId: string;
  /** False for `sla: none` rules: no deadlines, no escalation. */
  slaApplies: boolean;
  /** The classifier's priority, or the rule's override. */
  priority: Priority;
  /** The brand the item is about: the rule's brand if it names some, else the first own brand, else the first. */
  brandId: string | null;
  /** `rule 3 \`complaints\` matched: category=complaint, lang=en → team support` */
  explanation: string;
}

export interface RuleSet {
  /** The first rule that matches, or null when none does (a config without a catch-all rule). */
  route(mention: RoutableMention): RouteDecision | null;
}

export class RoutingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoutingConfigError';
  }
}

/** `pt-BR` → `pt`. */
export function primaryLanguage(tag: string | undefined): string | undefined {
  return tag?.split('-')[0]?.toLowerCase();
}

const foldHandle = (handle: string) => handle.replace(/^@/, '').toLowerCase();

/** Keyword matching goes through the brand query language, so "whole word" means exactly what it means in brand queries (case, accents, hashtags). */
function keywordQuery(keyword: string): string {
  return `"${keyword.replaceAll('"', ' ')}"`;
}

/**
 * Compiles the config's routing rules once. Keyword lists are compiled into
 * one matcher for all rules; a keyword with no letters or digits is a config
 * mistake reported with its path.
 */
export function compileRules(rules: readonly RoutingRule[], brands: readonly BrandConfig[]): RuleSet {
  const competitor = new Map(brands.map((brand) => [brand.id, brand.competitor]));
  let keywordMatcher: BrandMatcher;
  try {
    keywordMatcher = compileBrandQueries(
      rules.flatMap((rule, r) => (rule.match?.keywords ?? []).map((keyword, k) => ({ id: `${r}:${k}`, query: keywordQuery(keyword) }))),
    );
  } catch (error) {
    const [r, k] = ((error as { brandId?: string }).brandId ?? '').split(':');
    throw new RoutingConfigError(`routing[${r}].match.keywords[${k}]: ${rules[Number(r)]?.match?.keywords?.[Number(k)] ?? ''} has no letters or digits to match`);
  }

  return {
    route(mention) {
      const isCompetitorMention = mention.brands.length > 0 && mention.brands.every((brand) => competitor.get(brand) === true);
      const lang = primaryLanguage(mention.lang);
      const handle = foldHandle(mention.authorHandle);
      let matchedKeywords: Set<string> | null = null;
      const keywordHits = () =>
        (matchedKeywords ??= new Set(keywordMatcher.match({ text: mention.text, ...(mention.title === undefined ? {} : { title: mention.title }) })));

      for (const [index, rule] of rules.entries()) {
        const reasons = explainMatch(rule, index);
        if (reasons === null) continue;
        const priority = rule.priority ?? mention.priority;
        const parts = [`rule ${index + 1} \`${rule.name}\` matched: ${reasons.length > 0 ? reasons.join(', ') : 'catch-all'} → team ${rule.team}`];
        if (priority !== mention.priority) parts.push(`priority ${mention.priority} → ${priority}`);
        if (rule.sla === 'none') parts.push('no SLA');
        return {
          rule,
          ruleNumber: index + 1,
          teamId: rule.team,
          slaApplies: rule.sla !== 'none',
          priority,
          brandId: pickBrand(rule),
          explanation: parts.join('; '),
        };
      }
      return null;

      /** The conditions that held, as `field=value`; null when one did not. */
      function explainMatch(rule: RoutingRule, index: number): string[] | null {
        const match = rule.match;
        if (match === undefined) return [];
        const reasons: string[] = [];
        if (match.brand) {
          const hit = mention.brands.find((brand) => match.brand!.includes(brand));
          if (hit === undefined) return null;
          reasons.push(`brand=${hit}`);
        }
        if (match.competitor !== undefined) {
          if (match.competitor !== isCompetitorMention) return null;
          reasons.push(isCompetitorMention ? 'competitor' : 'own brand');
        }
        if (match.platform) {
          if (!match.platform.includes(mention.platform)) return null;
          reasons.push(`platform=${mention.platform}`);
        }
        if (match.category) {
          if (!match.category.includes(mention.category)) return null;
          reasons.push(`category=${mention.category}`);
        }
        if (match.priority) {
          if (!match.priority.includes(mention.priority)) return null;
          reasons.push(`priority=${mention.priority}`);
        }
        if (match.language) {
          if (lang === undefined || !match.language.includes(lang)) return null;
          reasons.push(`lang=${lang}`);
        }
        if (match.keywords) {
          const hit = match.keywords.find((_, k) => keywordHits().has(`${index}:${k}`));
          if (hit === undefined) return null;
          reasons.push(`keyword "${hit}"`);
        }
        // An unknown follower count satisfies neither bound: the rule asked about reach and we cannot tell.
        if (match.minFollowers !== undefined || match.maxFollowers !== undefined) {
          const followers = mention.followers;
          if (followers === undefined) return null;
          if (match.minFollowers !== undefined && followers < match.minFollowers) return null;
          if (match.maxFollowers !== undefined && followers > match.maxFollowers) return null;
          reasons.push(`followers=${followers}`);
        }
        if (match.authors) {
          if (!match.authors.some((author) => foldHandle(author) === handle)) return null;
          reasons.push(`VIP author @${handle}`);
        }
        if (match.verified !== undefined) {
          if ((mention.verified === true) !== match.verified) return null;
          reasons.push(match.verified ? 'verified' : 'not verified');
        }
        return reasons;
      }

      function pickBrand(rule: RoutingRule): string | null {
        const named = rule.match?.brand;
        return (
          (named ? mention.brands.find((brand) => named.includes(brand)) : undefined) ??
          mention.brands.find((brand) => competitor.get(brand) !== true) ??
          mention.brands[0] ??
          null
        );
      }
    },
  };
}

/**
 * The team alerted about a spike: the first rule that routes crisis mentions
 * (and accepts the spike's brand), else the catch-all rule. Null when the
 * config routes neither.
 */
export function crisisTeam(rules: readonly RoutingRule[], brands: readonly BrandConfig[], brandId: string): { teamId: string; ruleNumber: number } | null {
  const isCompetitor = brands.find((brand) => brand.id === brandId)?.competitor === true;
  const accepts = (rule: RoutingRule) =>
    (rule.match?.brand === undefined || rule.match.brand.includes(brandId)) &&
    (rule.match?.competitor === undefined || rule.match.competitor === isCompetitor);
  const index = rules.findIndex((rule) => rule.match?.category?.includes('crisis') && accepts(rule));
  const chosen = index >= 0 ? index : rules.findIndex((rule) => rule.match === undefined);
  const rule = rules[chosen];
  return rule === undefined ? null : { teamId: rule.team, ruleNumber: chosen + 1 };
}
