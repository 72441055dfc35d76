import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/cli.js';

interface ClassifyLine {
  sentiment: { label: string; score: number; confidence: number };
  urgency: { score: number; reasons: string[] };
  category: string;
  priority: string;
}

const parseLines = (stdout: string): ClassifyLine[] => stdout.trim().split('\n').map((line) => JSON.parse(line) as ClassifyLine);

const viralComplaint = JSON.stringify({
  platform: 'x',
  externalId: '1900000000001',
  text: '@acme the X2 I bought three weeks ago is completely broken. Dead. Avoid.',
  author: { handle: 'techreviewer', followers: 50_000 },
  createdAt: new Date(Date.now() - 47 * 60_000).toISOString(),
  engagement: { reposts: 200, likes: 1_300 },
});

// Each case spawns the CLI (tsx compiles on start): seconds on a loaded machine.
describe('earshot classify', { timeout: 60_000 }, () => {
  it('prints one JSON line per input line, plain text or mention JSON, in order', async () => {
    const input = ['@acme I want a refund, my order arrived smashed and nobody answers', '', 'Loving my new acme kettle, thank you 😍', viralComplaint].join('\n');
    const result = await runCli(['classify'], { input });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [refund, praise, viral] = parseLines(result.stdout);
    expect(parseLines(result.stdout)).toHaveLength(3);

    expect(Object.keys(refund!)).toEqual(['sentiment', 'urgency', 'category', 'priority']);
    expect(refund).toMatchObject({ sentiment: { label: 'negative' }, category: 'complaint' });
    expect(refund!.urgency.reasons).toEqual(expect.arrayContaining(['refund demand', 'addresses @acme directly']));

    expect(praise).toMatchObject({ sentiment: { label: 'positive' }, category: 'praise', priority: 'P4' });
    expect(praise!.sentiment.confidence).toBeGreaterThan(0.5);

    expect(viral!.priority).toBe('P1');
    expect(viral!.urgency.reasons).toEqual(expect.arrayContaining(['author reach 50k followers', '200 reposts in 47 min']));
  });

  it('reports bad JSON lines on stderr with their line number, skips them and exits 1', async () => {
    const input = ['{"platform": "x", "text": ', '@acme where is my parcel?', '{"platform":"x","externalId":"1"}'].join('\n');
    const result = await runCli(['classify'], { input });
    expect(result.code).toBe(1);
    expect(parseLines(result.stdout)).toHaveLength(1);
    expect(result.stderr).toMatch(/^line 1: not valid JSON/m);
    expect(result.stderr).toMatch(/^line 3: not a valid mention: text: .*author: .*createdAt: /m);
  });

  it('uses the priority thresholds, brands and muted words of --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-classify-'));
    const config = join(dir, 'earshot.yaml');
    writeFileSync(
      config,
      `brands:
  - { id: initech, name: Initech, query: 'initech OR @initech' }
priorities: { P1: 20, P2: 10, P3: 5 }
noise:
  mutedWords: [giveaway]
`,
    );
    const input = '@initech does the TPS plan include cover sheets?\nInitech giveaway, follow to win\n';
    const result = await runCli(['classify', '--config', config], { input });
    expect(result.code).toBe(0);
    const [question, spam] = parseLines(result.stdout);
    expect(question).toMatchObject({ category: 'question', priority: 'P1' });
    expect(question!.urgency.reasons).toContain('question to @initech');
    expect(spam).toMatchObject({ category: 'spam', priority: 'P4', urgency: { score: 0, reasons: ['muted word "giveaway"'] } });
  });

  it('names the problem when --config points at a broken file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-classify-'));
    const config = join(dir, 'broken.yaml');
    writeFileSync(config, 'brands: []\n');
    const result = await runCli(['classify', '--config', config], { input: 'hello\n' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('brands');
  });
});
