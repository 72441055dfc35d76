import type { DigestConfig } from '@earshot/config';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startSlackStub } from '../../../test/support/slack-stub.js';
import { startSmtpServer } from '../../../test/support/smtp.js';
import { testLogger } from '../../../test/support/logger.js';
import { waitFor } from '../../../test/support/wait.js';
import { DigestReportSchema, runDigest, startDigests } from '../src/index.js';
import { outboxRows, seedDirectory, seedItem } from './support/seed.js';
import { resetOutbox, startTestWorker } from './support/worker.js';

const brands = [
  { id: 'acme', name: 'Acme', query: 'acme', competitor: false },
  { id: 'globex', name: 'Globex', query: 'globex', competitor: true },
];
const daily: DigestConfig = { name: 'daily', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin', to: ['slack:C0DIGEST', 'email:team@example.com'] };

describe('digests', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDirectory(db.pool);
  });
  beforeEach(async () => {
    await resetOutbox(db.pool);
    await db.pool.query('TRUNCATE digest_runs');
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('computes one digest per run and enqueues it once per recipient, however many replicas run it', async () => {
    const scheduledAt = new Date();
    await seedItem(db.pool, { createdAt: new Date(scheduledAt.getTime() - 3_600_000) });
    const runs = await Promise.all([1, 2, 3].map(() => runDigest({ pool: db.pool, config: { brands }, digest: daily, index: 0, scheduledAt })));
    expect(runs.filter((enqueued) => enqueued === 2)).toHaveLength(1);
    expect(runs.filter((enqueued) => enqueued === null)).toHaveLength(2);

    const rows = await db.pool.query<{ dedupe_key: string; channel: string; recipient: string; kind: string; payload: unknown }>(
      'SELECT dedupe_key, channel, recipient, kind, payload FROM notification_outbox ORDER BY channel',
    );
    expect(rows.rows.map((row) => [row.kind, row.channel, row.recipient, row.dedupe_key])).toEqual([
      ['digest', 'email', 'team@example.com', `digest:daily:${scheduledAt.toISOString()}:email:team@example.com`],
      ['digest', 'slack', 'C0DIGEST', `digest:daily:${scheduledAt.toISOString()}:slack:C0DIGEST`],
    ]);
    const { digest } = rows.rows[0]!.payload as { digest: unknown };
    const report = DigestReportSchema.parse(digest);
    // The first run covers the day before it.
    expect(report.stats.window.from).toBe(new Date(scheduledAt.getTime() - 86_400_000).toISOString());
    expect(report.stats.volume.total).toBe(1);
    expect(report.stats.shareOfVoice.own.mentions).toBe(1);
    expect(report.topItems).toHaveLength(1);

    // The next run starts where this one ended.
    const next = new Date(scheduledAt.getTime() + 3 * 86_400_000);
    await runDigest({ pool: db.pool, config: { brands }, digest: daily, index: 0, scheduledAt: next });
    const windows = await db.pool.query('SELECT window_from, window_to FROM digest_runs ORDER BY scheduled_at');
    expect(windows.rows[1]).toEqual({ window_from: scheduledAt, window_to: next });
  });

  it('fires on its cron schedule and is delivered by Slack and email', async () => {
    const stub = await startSlackStub();
    const smtp = await startSmtpServer();
    const everySecond: DigestConfig = { ...daily, cron: '* * * * * *' };
    // Two replicas schedule the same digest.
    const schedules = [1, 2].map(() => startDigests({ config: { digests: [everySecond], brands }, pool: db.pool, logger: testLogger }));
    const worker = startTestWorker(db.pool, {
      slack: { token: 'xoxb-test', apiUrl: stub.url },
      email: { smtpUrl: smtp.url, from: 'earshot@example.com' },
    });
    try {
      await waitFor(async () => (await outboxRows(db.pool)).filter((row) => row.status === 'sent').length >= 2, { what: 'a digest delivered' });
      await Promise.all(schedules.map((schedule) => schedule.stop()));
      await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.status === 'sent'));
      const runs = await db.pool.query<{ scheduled_at: Date }>('SELECT scheduled_at FROM digest_runs');
      const rows = await outboxRows(db.pool);
      // One Slack message and one email per run, not per replica.
      expect(rows).toHaveLength(2 * runs.rowCount!);
      expect(stub.posts('C0DIGEST')).toHaveLength(runs.rowCount!);
      expect(String(stub.posts('C0DIGEST')[0]!.args.text)).toMatch(/^Earshot digest: daily: \d+ mentions/);
      await waitFor(() => smtp.messages.length === runs.rowCount);
      expect(smtp.messages[0]!.subject).toMatch(/^\[Earshot\] Digest: daily \(\d+ mentions\)$/);
      expect(smtp.messages[0]!.text).toContain('Time to acknowledge: median');
    } finally {
      await Promise.all(schedules.map((schedule) => schedule.stop()));
      await worker.stop();
      await stub.close();
      await smtp.close();
    }
  });
});
