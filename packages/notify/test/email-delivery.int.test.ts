import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startSmtpServer, type SmtpTestServer } from '../../../test/support/smtp.js';
import { waitFor } from '../../../test/support/wait.js';
import { enqueueNotification, listDeadNotifications, type NotificationWorker } from '../src/index.js';
import { outboxRows, seedDirectory, seedItem } from './support/seed.js';
import { metricValue, resetOutbox, startTestWorker } from './support/worker.js';

describe('email delivery through the outbox', () => {
  let db: TestDatabase;
  let smtp: SmtpTestServer;
  let workers: NotificationWorker[] = [];
  const start = (options: Parameters<typeof startTestWorker>[1] = {}) => {
    const worker = startTestWorker(db.pool, { email: { smtpUrl: smtp.url, from: 'Earshot <alerts@earshot.example.com>' }, ...options });
    workers.push(worker);
    return worker;
  };
  const enqueueEmail = (itemId: string, to: string, kind: 'alert' | 'escalation' = 'alert') =>
    enqueueNotification(db.pool, {
      dedupeKey: `${kind}:${itemId}:${to}`,
      itemId,
      kind,
      channel: 'email',
      recipient: to,
      payload: kind === 'alert' ? { type: 'item-alert', itemId } : { type: 'item-escalation', itemId, stepIndex: 2, label: '100% ack + 30m' },
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDirectory(db.pool);
  });
  beforeEach(async () => {
    smtp = await startSmtpServer();
    await resetOutbox(db.pool);
  });
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await smtp.close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('sends an HTML and plain-text alert with a link to the item, under a Message-ID tied to the row', async () => {
    const itemId = await seedItem(db.pool, { text: 'Acme <b>broke</b> my order & my weekend' });
    await enqueueEmail(itemId, 'lena@example.com', 'escalation');
    start();
    const mail = await waitFor(() => smtp.messages[0]);
    const [row] = await waitFor(async () => {
      const rows = await outboxRows(db.pool);
      return rows[0]?.status === 'sent' && rows;
    });

    expect(mail.to).toEqual(['lena@example.com']);
    expect(mail.headers.from).toBe('Earshot <alerts@earshot.example.com>');
    expect(mail.subject).toMatch(/^\[Earshot\] Escalation: P1 complaint about Acme on x \(not acknowledged, 1[45]m before its deadline\)$/);
    expect(mail.messageId).toBe(`<earshot.notification.${row!.id}@earshot.example.com>`);
    expect(row!.provider_ref).toBe(mail.messageId);
    const link = `https://earshot.example.com/items/${itemId}`;
    expect(mail.text).toContain(`Open the item in Earshot: ${link}`);
    expect(mail.text).toContain('> Acme <b>broke</b> my order & my weekend');
    expect(mail.text).toContain('Escalation (100% ack + 30m)');
    expect(mail.text).toContain('Assignee: Alice Ng');
    expect(mail.html).toContain(`<a href="${link}">Open the item in Earshot</a>`);
    expect(mail.html).toContain('Acme &lt;b&gt;broke&lt;/b&gt; my order &amp; my weekend');
  });

  it('keeps emails while the SMTP server is down and sends each once when it is back', async () => {
    const items = await Promise.all([seedItem(db.pool), seedItem(db.pool), seedItem(db.pool)]);
    await smtp.stop();
    for (const itemId of items) await enqueueEmail(itemId, 'alice@example.com');
    const worker = start();
    await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.attempts >= 2 && row.status === 'pending'), { what: 'failed attempts' });
    expect(smtp.messages).toHaveLength(0);
    expect((await outboxRows(db.pool))[0]!.last_error).toMatch(/SMTP send failed \(ECONNECTION\)|ECONNREFUSED/);

    await smtp.start();
    await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.status === 'sent'), { what: 'all sent' });
    expect(smtp.messages).toHaveLength(3);
    expect(new Set(smtp.messages.map((mail) => mail.messageId)).size).toBe(3);
    expect(await metricValue(worker.metrics, 'earshot_notifications_sent_total', { channel: 'email' })).toBe(3);
    expect(await metricValue(worker.metrics, 'earshot_notifications_failed_total', { channel: 'email', retriable: 'true' })).toBeGreaterThanOrEqual(6);
  });

  it('gives up at once on a recipient the server rejects for good, without holding up the others', async () => {
    const itemId = await seedItem(db.pool);
    smtp.rejectRecipients((address) => address.endsWith('@bounce.example.com'));
    await enqueueEmail(itemId, 'nobody@bounce.example.com');
    await enqueueEmail(itemId, 'bob@example.com');
    start();
    const [dead] = await waitFor(async () => {
      const found = await listDeadNotifications(db.pool);
      return found.length === 1 && found;
    });
    expect(dead).toMatchObject({ recipient: 'nobody@bounce.example.com', attempts: 1 });
    expect(dead!.lastError).toMatch(/^SMTP server answered 550/);
    await waitFor(() => smtp.messages.length === 1);
    expect(smtp.messages[0]!.to).toEqual(['bob@example.com']);
  });

  it('retries a temporary refusal (4xx) and delivers', async () => {
    const itemId = await seedItem(db.pool);
    let refusals = 2;
    smtp.rejectRecipients(() => refusals-- > 0, 451);
    await enqueueEmail(itemId, 'bob@example.com');
    start();
    const [row] = await waitFor(async () => {
      const rows = await outboxRows(db.pool);
      return rows[0]?.status === 'sent' && rows;
    });
    expect(row!.attempts).toBe(3);
    expect(smtp.messages).toHaveLength(1);
  });

  it('still delivers after another sender died mid-conversation and reset its connection', async () => {
    // Reset inside a transaction (after MAIL FROM): smtp-server ignores resets outside one.
    const sender = connect(smtp.port, '127.0.0.1');
    const replies: string[] = [];
    sender.on('data', (chunk: Buffer) => replies.push(String(chunk)));
    await waitFor(() => replies.join('').startsWith('220'), { what: 'greeting' });
    sender.write('EHLO crashed-router.example.com\r\nMAIL FROM:<alerts@earshot.example.com>\r\n');
    await waitFor(() => /250 Accepted/.test(replies.join('')), { what: 'MAIL FROM accepted' });
    sender.resetAndDestroy();
    const itemId = await seedItem(db.pool);
    await enqueueEmail(itemId, 'alice@example.com');
    start();
    await waitFor(async () => (await outboxRows(db.pool))[0]?.status === 'sent', { what: 'sent' });
    expect(smtp.messages.map((mail) => mail.to)).toEqual([['alice@example.com']]);
  });
});
