import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { daemonUrl, exitOf, runCli, spawnCli } from '../support/cli.js';
import { fakeMention } from '../support/mentions.js';
import { startSlackStub, type SlackStub } from '../support/slack-stub.js';
import { waitFor } from '../support/wait.js';

/** A support desk with a short SLA, so a whole escalation fits in a test. */
const CONFIG = `
brands:
  - { id: acme, name: Acme, query: 'acme OR @acme' }
responders:
  - { id: alice, name: Alice Park, email: alice@acme.test, slackUserId: U0ALICE }
  - { id: carol, name: Carol Diaz, email: carol@acme.test, slackUserId: U0CAROL }
teams:
  - { id: support, members: [alice], lead: carol, slackChannel: C0SUPPORT, strategy: least-loaded }
  - { id: community, members: [carol], lead: carol, slackChannel: C0COMMUNITY }
routing:
  - { name: complaints, match: { category: [complaint, question, crisis] }, team: support }
  - { name: default, team: community }
sla:
  P1: { ack: 8s, handle: 1h }
  P2: { ack: 8s, handle: 1h }
  P3: { ack: 8s, handle: 1h }
  P4: { ack: 8s, handle: 1h }
escalation:
  - { at: 50% ack, notify: [assignee], via: slack-dm }
  - { at: 100% ack, notify: [team-channel, lead], via: slack }
`;

const mentionsText = (call: { args: Record<string, unknown> }) => JSON.stringify(call.args);

describe('a negative high-reach complaint, from the wire to Slack and back', () => {
  let db: TestDatabase;
  let slack: SlackStub;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    slack = await startSlackStub();
  });
  afterAll(async () => {
    await slack?.close();
    await db?.drop();
  });

  it('alerts the team channel for the right responder, escalates on the SLA, and stops when acknowledged', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-e2e-pipeline-'));
    writeFileSync(join(dir, 'earshot.yaml'), CONFIG);
    const env = { DATABASE_URL: db.url, EARSHOT_CONFIG: join(dir, 'earshot.yaml'), EARSHOT_DATA_DIR: dir };
    const daemon = spawnCli(['start'], {
      env: { ...env, PORT: '0', LOG_LEVEL: 'info', SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_API_URL: slack.url, ROUTER_TICK_MS: '100' },
    });
    try {
      const url = await daemonUrl(daemon);
      const token = await runCli(['token', 'create', '--responder', 'alice'], { env });
      expect(token.code, token.stderr).toBe(0);
      const api = (path: string, body?: unknown) =>
        fetch(`${url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token.stdout.trim()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });

      const posted = new Date(Date.now() - 10 * 60_000).toISOString();
      const complaint = fakeMention(42, {
        text: '@acme your app is broken AGAIN and charged me twice. I want a refund now or I am cancelling.',
        author: { handle: 'loud_customer', name: 'Loud Customer', followers: 50_000, verified: true },
        engagement: { reposts: 200, replies: 60, likes: 900 },
        createdAt: posted,
      });
      expect((await api('/v1/mentions', complaint)).status).toBe(202);

      // The alert lands in the team's channel, naming the assignee.
      const alert = await waitFor(() => slack.posts('C0SUPPORT')[0], { what: 'the channel alert', timeoutMs: 60_000 });
      expect(mentionsText(alert)).toContain('charged me twice');
      expect(mentionsText(alert)).toContain('U0ALICE');
      const { items } = (await (await api('/v1/items?status=open&assignee=me')).json()) as { items: Array<{ id: string; priority: string; teamId: string }> };
      expect(items).toHaveLength(1);
      const item = items[0]!;
      expect(item).toMatchObject({ teamId: 'support' });
      expect(['P1', 'P2']).toContain(item.priority);

      // Halfway to the ack deadline, the assignee gets a direct message.
      await waitFor(() => slack.posts('U0ALICE').length > 0, { what: 'the 50% DM to the assignee', timeoutMs: 30_000 });

      const acked = await api(`/v1/items/${item.id}/ack`, {});
      expect(acked.status).toBe(200);

      // The original alert is updated in place, not posted again.
      await waitFor(() => slack.updates().some((call) => call.args.ts === alert.posted?.ts), { what: 'chat.update of the alert', timeoutMs: 30_000 });
      // The breach step was cancelled with the acknowledgement: once its time has passed, nothing more was posted.
      const { rows } = await db.pool.query<{ ack_due_at: Date }>('SELECT ack_due_at FROM items WHERE id = $1', [item.id]);
      const breachAt = rows[0]!.ack_due_at.getTime();
      await waitFor(() => Date.now() > breachAt + 2_000, { what: 'the ack deadline to pass', timeoutMs: 30_000 });
      expect(slack.posts('C0SUPPORT')).toHaveLength(1);
      const { timeline } = (await (await api(`/v1/items/${item.id}`)).json()) as { timeline: Array<{ type: string; message: string }> };
      expect(timeline.map((event) => event.type)).toEqual(['routed', 'escalated', 'acknowledged']);
      expect(timeline[0]!.message).toMatch(/complaints.*support.*alice/);
    } finally {
      daemon.kill('SIGTERM');
      await exitOf(daemon);
    }
  });
});
