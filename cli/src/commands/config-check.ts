import { formatIssue, parseConfigText, readConfigFile, resolveConfigPath, DEMO_CONFIG_YAML } from '@earshot/config';
import type { CommonEnv } from '@earshot/runtime';

/** `earshot config check [file]`: every problem with its path, exit 1; or a one-line summary, exit 0. */
export function configCheck(file: string | undefined, env: CommonEnv): number {
  const path = file ?? resolveConfigPath(env.EARSHOT_CONFIG);
  const result = path === null ? parseConfigText(DEMO_CONFIG_YAML, 'built-in demo config') : readConfigFile(path);
  if (!result.ok) {
    process.stderr.write(`${result.source}: ${result.issues.length} problem${result.issues.length === 1 ? '' : 's'}\n`);
    for (const issue of result.issues) process.stdout.write(`${formatIssue(issue)}\n`);
    return 1;
  }
  const { config } = result;
  const counts = [
    [config.brands.length, 'brand'],
    [config.sources.length, 'source'],
    [config.responders.length, 'responder'],
    [config.teams.length, 'team'],
    [config.routing.length, 'routing rule'],
    [config.escalation.length, 'escalation step'],
    [config.digests.length, 'digest'],
  ] as const;
  const summary = counts.map(([n, noun]) => `${n} ${noun}${n === 1 ? '' : 's'}`).join(', ');
  process.stdout.write(`${result.source}: valid (${summary})\n`);
  return 0;
}
