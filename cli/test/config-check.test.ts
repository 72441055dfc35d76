import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';

const example = fileURLToPath(new URL('../../packages/config/test/fixtures/example.earshot.yaml', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'earshot-config-'));
const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
};

describe('earshot config check', () => {
  it('prints a one-line summary and exits 0 for a valid file', async () => {
    const result = await runCli(['config', 'check', example]);
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toMatch(/valid \(2 brands, 5 sources, 4 responders, 3 teams, 6 routing rules, 4 escalation steps, 1 digest\)/);
  });

  it('prints every problem with its path and exits 1', async () => {
    const path = file(
      'broken.yaml',
      `brands:
  - { id: acme, name: Acme, query: acme }
responders:
  - { id: alice, name: Alice }
teams:
  - { id: support, members: [alice] }
  - { id: pr, members: [alice], lead: zoe, strategy: coin-flip }
sla:
  P1: { ack: 15 minutes, handle: 2h }
`,
    );
    const result = await runCli(['config', 'check', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('teams[1].lead: unknown responder "zoe"');
    expect(result.stdout).toMatch(/teams\[1\]\.strategy: .*least-loaded/);
    expect(result.stdout).toMatch(/sla\.P1\.ack: "15 minutes" is not a duration/);
    expect(result.stderr).toContain('3 problems');
  });

  it('says a file that is not YAML is not YAML', async () => {
    const result = await runCli(['config', 'check', file('notyaml.yaml', '{ brands: [acme\n')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/not valid YAML.*line 2/);
  });

  it('checks EARSHOT_CONFIG when no file is given, and the demo config when there is none', async () => {
    const viaEnv = await runCli(['config', 'check'], { env: { EARSHOT_CONFIG: example } });
    expect(viaEnv.code).toBe(0);
    expect(viaEnv.stdout).toContain('example.earshot.yaml: valid');
    const demo = await runCli(['config', 'check'], { cwd: scratch });
    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('built-in demo config: valid');
  });

  it('exits 2 with usage for an unknown command', async () => {
    const result = await runCli(['fly']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command "fly"');
  });
});
