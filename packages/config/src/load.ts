import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatPath } from '@earshot/domain';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { ConfigSchema, type EarshotConfig } from './schema.js';
import { checkReferences, type ConfigProblem } from './references.js';
import { DEMO_CONFIG_YAML } from './demo.js';

export interface ConfigIssue {
  /** `teams[1].lead`; empty for problems with the whole file. */
  path: string;
  message: string;
  /** 1-based position in the file, when the problem can be pinned to one. */
  line?: number;
  column?: number;
}

export type ConfigResult =
  | { ok: true; config: EarshotConfig; source: string }
  | { ok: false; issues: ConfigIssue[]; source: string };

/** Thrown by `loadConfig` so a service refuses to start on a bad config, naming every problem. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    super(`invalid config ${source}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? '' : ` (line ${issue.line}, column ${issue.column})`;
  return `${issue.path ? `${issue.path}: ` : ''}${issue.message}${where}`;
}

export function parseConfigText(text: string, source: string): ConfigResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      source,
      issues: document.errors.map((error) => ({
        path: '',
        message: `not valid YAML: ${error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
        ...(error.linePos ? { line: error.linePos[0].line, column: error.linePos[0].col } : {}),
      })),
    };
  }
  const raw: unknown = document.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, source, issues: [{ path: '', message: 'the config must be a YAML mapping with keys like brands, teams, routing' }] };
  }

  const problems: ConfigProblem[] = [];
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => ({ path: issue.path, message: describe(issue) })));
  problems.push(...checkReferences(raw));

  if (problems.length > 0 || !parsed.success) {
    return { ok: false, source, issues: dedupe(problems.map((problem) => locate(problem, document, lineCounter))) };
  }
  return { ok: true, source, config: deepFreeze(parsed.data) };
}

/** zod says "Unrecognized key" without the key for strict objects; name it, people fix typos faster. */
function describe(issue: { code: string; message: string; keys?: readonly string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  return issue.message;
}

function locate(problem: ConfigProblem, document: Document, lineCounter: LineCounter): ConfigIssue {
  const issue: ConfigIssue = { path: formatPath(problem.path), message: problem.message };
  // A missing key has no node of its own: point at the closest parent that exists.
  for (let depth = problem.path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? document.contents : document.getIn(problem.path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) {
      const position = lineCounter.linePos(node.range[0]);
      return { ...issue, line: position.line, column: position.col };
    }
  }
  return issue;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

export function readConfigFile(path: string): ConfigResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { ok: false, source: path, issues: [{ path: '', message: `cannot read the file: ${(error as Error).message}` }] };
  }
  return parseConfigText(text, path);
}

/**
 * Where the config comes from: `EARSHOT_CONFIG`, else `./earshot.yaml`, else
 * the built-in demo config (`null`).
 */
export function resolveConfigPath(configured: string | undefined, cwd: string = process.cwd()): string | null {
  if (configured) return resolve(cwd, configured);
  const local = resolve(cwd, 'earshot.yaml');
  return existsSync(local) ? local : null;
}

/** Loads and validates the config or throws a `ConfigError` listing every problem. */
export function loadConfig(path: string | null): { config: EarshotConfig; source: string } {
  const result = path === null ? parseConfigText(DEMO_CONFIG_YAML, 'built-in demo config') : readConfigFile(path);
  if (!result.ok) throw new ConfigError(result.source, result.issues);
  return { config: result.config, source: result.source };
}
