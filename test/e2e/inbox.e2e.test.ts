import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MentionInput } from '@earshot/domain';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonUrl, exitOf, runCli, spawnCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { fakeMention } from '../support/mentions.js';
import { waitFor } from '../support/wait.js';

/** Debian's chromium package; playwright-core drives it and downloads no browser of its own. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
/** Screenshots go here (a fresh temporary folder unless EARSHOT_E2E_SCREENSHOTS names one), never into the repository. */
const SHOTS = process.env.EARSHOT_E2E_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'earshot-inbox-shots-'));
const HOUR_MS = 3_600_000;

let db: TestDatabase;
/** The API alone, serving the inbox; the pipeline (ingestor, classifier, router) runs in a process of its own, as when deployed. */
let apiProcess: ReturnType<typeof spawnCli>;
let pipeline: ReturnType<typeof spawnCli>;
let url: string;
let browser: BrowserContext;
let adminToken: string;
let leadToken: string;

/** The demo config (no config file): brands acme and globex (a competitor); carol leads support and community. */
function mention(index: number, hoursAgo: number, overrides: Partial<MentionInput>): MentionInput {
  return fakeMention(index, { createdAt: new Date(Date.now() - hoursAgo * HOUR_MS).toISOString(), ...overrides });
}

const SEEDED: MentionInput[] = [
  mention(1, 2, { text: '@acme my order never arrived and support does not answer, this is a scam', author: { handle: 'angry_ann', name: 'Ann', followers: 48_200 } }),
  mention(2, 30, { text: '@acme how do I change the delivery address of my order?', author: { handle: 'curious_carl', followers: 310 } }),
  mention(3, 50, { text: 'Loving the new acme app, checkout is so fast now!', author: { handle: 'happy_hana', followers: 1_250 } }),
  mention(4, 20, { text: 'globex shipped my parcel in one day, impressed', matchedBrands: ['globex'], author: { handle: 'gina_g', followers: 95 } }),
  mention(5, 70, { text: 'globex support was useless today', matchedBrands: ['globex'], author: { handle: 'tom_t', followers: 40 } }),
];

async function push(token: string, body: unknown): Promise<Response> {
  return fetch(`${url}/v1/mentions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function itemCount(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM items');
  return rows[0]!.n;
}

async function token(args: string[]): Promise<string> {
  const created = await runCli(['token', 'create', ...args], { env: { DATABASE_URL: db.url } });
  expect(created.code, created.stderr).toBe(0);
  return created.stdout.trim();
}

async function signIn(page: Page, withToken: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('API token').fill(withToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Queue' }).waitFor();
}

/** Distinct colours drawn on a canvas: a blank or single-colour chart has at most one or two. */
function distinctColours(page: Page, canvasId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) colours.add(((pixels[i]! << 24) | (pixels[i + 1]! << 16) | (pixels[i + 2]! << 8) | pixels[i + 3]!) >>> 0);
    return colours.size;
  }, canvasId);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium package (apt-get install chromium)`);
  db = await createTestDatabase({ migrate: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-inbox-'));
  // One database and its embedded bus between the two: live updates must cross from the router's process to the API's.
  const env = { DATABASE_URL: db.url, EARSHOT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
  pipeline = spawnCli(['start'], { env: { ...env, EARSHOT_SERVICES: 'ingestor,classifier,router' } });
  apiProcess = spawnCli(['start'], { env: { ...env, EARSHOT_SERVICES: 'api' } });
  [url] = await Promise.all([daemonUrl(apiProcess), daemonUrl(pipeline)]);
  [adminToken, leadToken] = await Promise.all([token(['--role', 'admin']), token(['--responder', 'carol', '--role', 'lead'])]);
  expect((await push(adminToken, SEEDED)).status).toBe(202);
  await waitFor(async () => (await itemCount()) === SEEDED.length, { what: 'an item per seeded mention', timeoutMs: 90_000 }).catch((error: Error) => {
    throw new Error(`${error.message}; the pipeline's output:\n${pipeline.output().slice(-3000)}`);
  });
  mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'earshot-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await browser?.close();
  for (const child of [apiProcess, pipeline]) {
    if (!child) continue;
    child.kill('SIGTERM');
    await exitOf(child);
  }
  await db?.drop();
});

describe('the web inbox in a real browser, with the router in another process', () => {
  it('signs in, shows the queue, acknowledges an item and sees its state change', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByLabel('API token').fill('not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('That token is unknown or revoked.');

    await signIn(page, leadToken);
    const queue = page.getByRole('list', { name: 'Items, most urgent first' });
    await expect.poll(() => queue.getByRole('listitem').count()).toBe(SEEDED.length);
    await expect.poll(() => page.locator('#queue-summary').textContent()).toMatch(/^5 items/);
    // Every row says plainly how long is left on its SLA, or that it has none.
    const slaTexts = await queue.locator('.sla').allTextContents();
    expect(slaTexts).toHaveLength(SEEDED.length);
    for (const text of slaTexts) expect(text).toMatch(/^(⚠ )?(ack|handle) (breaches in \d|breached \d)|^no SLA$/);
    await page.screenshot({ path: join(SHOTS, 'queue.png'), fullPage: true });

    // Filters narrow the list and live in the address.
    await page.getByLabel('Brand').selectOption('globex');
    await expect.poll(() => queue.getByRole('listitem').count()).toBe(2);
    expect(page.url()).toContain('brand=globex');
    await page.getByLabel('Brand').selectOption('');
    await expect.poll(() => queue.getByRole('listitem').count()).toBe(SEEDED.length);

    await queue.getByRole('link', { name: /angry_ann/ }).click();
    await page.getByRole('heading', { name: /from @angry_ann/ }).waitFor();
    await expect.poll(() => page.locator('.mention-text').textContent()).toBe(SEEDED[0]!.text);
    expect(await page.getByText('48,200 followers').count()).toBe(1);
    expect(await page.getByRole('link', { name: /Open the post/ }).getAttribute('href')).toBe(SEEDED[0]!.url);
    expect(await page.getByRole('heading', { name: 'Classification' }).count()).toBe(1);
    expect(await page.locator('#timeline li').count()).toBeGreaterThan(0);
    expect(await page.locator('#item-state').textContent()).toBe('open');

    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.locator('#item-state').textContent()).toBe('acknowledged');
    await expect.poll(() => page.locator('#timeline').textContent()).toMatch(/acknowledged · Carol Demo via web/);
    await page.screenshot({ path: join(SHOTS, 'item.png'), fullPage: true });
    await page.close();
  });

  it('snoozes, reassigns and marks an item handled with a note, each showing in the timeline', async () => {
    const page = await browser.newPage();
    await signIn(page, leadToken);
    await page.getByRole('list', { name: 'Items, most urgent first' }).getByRole('link', { name: /curious_carl/ }).click();
    await page.getByRole('heading', { name: /from @curious_carl/ }).waitFor();
    const timeline = page.locator('#timeline');

    await page.getByLabel('Snooze for').selectOption({ label: '1 hour' });
    await page.getByRole('button', { name: 'Snooze', exact: true }).click();
    await expect.poll(() => page.locator('#item-state').textContent()).toBe('snoozed');
    await expect.poll(() => timeline.textContent()).toMatch(/snoozed · Carol Demo via web/);

    // Carol leads support: she may hand the item to whichever member does not have it.
    const before = (await page.locator('.assignment').textContent())!;
    const [target, targetName] = before.includes('AssigneeAlice Demo') ? ['bob', 'Bob Demo'] : ['alice', 'Alice Demo'];
    await page.getByLabel('Team', { exact: true }).selectOption('support');
    await page.getByLabel('Responder').selectOption(target);
    await page.getByRole('button', { name: 'Reassign' }).click();
    await expect.poll(() => page.locator('.assignment').textContent()).toContain(`Assignee${targetName}`);
    await expect.poll(() => timeline.textContent()).toMatch(/reassigned · Carol Demo via web/);

    await page.getByLabel('Note (optional): what was done').fill('Sent the address change form by DM');
    await page.getByRole('button', { name: 'Mark handled' }).click();
    await expect.poll(() => page.locator('#item-state').textContent()).toBe('handled');
    await expect.poll(() => timeline.textContent()).toMatch(/handled · Carol Demo via web.*Sent the address change form by DM/);
    // Handled items leave the default queue.
    await page.getByRole('link', { name: '← Back to the queue' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Items, most urgent first' }).getByRole('listitem').count()).toBe(SEEDED.length - 1);
    await page.close();
  });

  it('goes back to sign-in when the token stops working', async () => {
    const page = await browser.newPage();
    await signIn(page, leadToken);
    await page.evaluate(() => sessionStorage.setItem('earshot.token', 'revoked-or-made-up'));
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toBe('Your token is no longer valid. Sign in again.');
    expect(await page.evaluate(() => sessionStorage.getItem('earshot.token'))).toBeNull();
    await page.close();
  });

  it('shows a newly pushed mention in the queue without reloading', async () => {
    const page = await browser.newPage();
    await signIn(page, leadToken);
    const queue = page.getByRole('list', { name: 'Items, most urgent first' });
    await expect.poll(() => queue.getByRole('listitem').count()).toBe(SEEDED.length - 1);
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('Live');
    // Survives only as long as the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const fresh = mention(6, 0, { text: '@acme the app charged me twice, please refund', author: { handle: 'new_nina', followers: 5_000 } });
    expect((await push(adminToken, fresh)).status).toBe(202);
    await queue.getByText(fresh.text).waitFor({ timeout: 60_000 });
    // The five seeded items, one handled above, and the new one.
    expect(await queue.getByRole('listitem').count()).toBe(SEEDED.length);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();
  });

  it('works by keyboard and fits a phone screen', async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await signIn(page, leadToken);
    await page.getByRole('list', { name: 'Items, most urgent first' }).getByRole('listitem').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SHOTS, 'queue-phone.png'), fullPage: true });

    // j selects the next item and focuses its link; Enter opens it; u goes back.
    await page.keyboard.press('j');
    const focused = await page.evaluate(() => document.activeElement?.closest('li')?.dataset.itemId);
    expect(focused).toMatch(/^[0-9a-f-]{36}$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/#/items/${focused}`);
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.keyboard.press('u');
    await page.getByRole('heading', { name: 'Queue' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
    await page.close();
  });

  it("draws the leads' dashboard as charts that are not blank", async () => {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 1600 });
    await signIn(page, leadToken);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.locator('.charts[aria-busy="false"]').waitFor();
    const charts = ['chart-volume', 'chart-share', 'chart-sentiment', 'chart-response', 'chart-sla', 'chart-backlog'];
    for (const id of charts) {
      expect(await page.locator(`#${id}`).isVisible(), id).toBe(true);
      // Axes, labels and several series colours: far more than a blank canvas's one or two.
      expect(await distinctColours(page, id), id).toBeGreaterThan(20);
    }
    // The seeded mentions and the one pushed live above, per brand, in the chart's text alternative.
    expect(await page.getByRole('img', { name: /^Mentions over time, per brand\. Acme: 4; Globex \(competitor\): 2$/ }).count()).toBe(1);
    const shot = await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
    expect(shot.length).toBeGreaterThan(20_000);
    await page.close();
  });

  // Last: it stops the API process. A stream left open would hold shutdown until its timeout, which exits 1.
  it('lets the API stop cleanly while a browser follows the live stream, and says so on the page', async () => {
    const page = await browser.newPage();
    await signIn(page, leadToken);
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('Live');
    apiProcess.kill('SIGTERM');
    expect(await exitOf(apiProcess)).toEqual({ code: 0, signal: null });
    await expect.poll(() => page.locator('#live-status').textContent()).toBe('Reconnecting…');
    await page.close();
  });
});
