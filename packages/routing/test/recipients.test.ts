import { describe, expect, it } from 'vitest';
import { buildDirectory, newItemAlerts, queueAssignmentAlerts, resolveStep, spikeAlerts } from '../src/index.js';
import { configFrom, SUPPORT_DESK_YAML } from './fixtures/config.js';

const config = configFrom(SUPPORT_DESK_YAML);
const directory = buildDirectory(config);
const supportItem = directory.contactsFor({ teamId: 'support', assigneeId: 'alice' });
const step = (index: number) => config.escalation[index]!;

describe('escalation recipients', () => {
  it('sends a DM to the assignee', () => {
    expect(resolveStep(step(0), supportItem)).toEqual({ deliveries: [{ channel: 'slack-dm', recipient: 'U0ALICE' }], unreachable: [] });
  });

  it('posts in the team channel mentioning the lead', () => {
    expect(resolveStep(step(1), supportItem)).toEqual({ deliveries: [{ channel: 'slack', recipient: 'C0SUPPORT', mention: 'U0CAROL' }], unreachable: [] });
  });

  it('emails the lead and the manager, saying when the team has no manager', () => {
    expect(resolveStep(step(2), supportItem)).toEqual({
      deliveries: [{ channel: 'email', recipient: 'carol@acme.test' }],
      unreachable: ['manager: the team has no managerEmail'],
    });
    const pr = directory.contactsFor({ teamId: 'pr', assigneeId: 'carol' });
    expect(resolveStep(step(2), pr).deliveries).toEqual([
      { channel: 'email', recipient: 'carol@acme.test' },
      { channel: 'email', recipient: 'vp@acme.test' },
    ]);
  });

  it('reaches a person by the medium they have when the step asks for another', () => {
    // dana has no Slack id: a DM step emails her.
    const community = directory.contactsFor({ teamId: 'community', assigneeId: 'dana' });
    expect(resolveStep(step(0), community).deliveries).toEqual([{ channel: 'email', recipient: 'dana@acme.test' }]);
  });

  it('mentions only the first person in channel messages and writes to the others directly', () => {
    const resolved = resolveStep({ notify: [{ kind: 'team-channel' }, { kind: 'lead' }, { kind: 'assignee' }, { kind: 'slack-channel', channel: '#exec' }], via: 'slack' }, supportItem);
    expect(resolved.deliveries).toEqual([
      { channel: 'slack', recipient: 'C0SUPPORT', mention: 'U0CAROL' },
      { channel: 'slack', recipient: '#exec', mention: 'U0CAROL' },
      { channel: 'slack-dm', recipient: 'U0ALICE' },
    ]);
  });

  it('names the targets it cannot reach: no assignee yet, no on-call, unknown responder', () => {
    const queued = directory.contactsFor({ teamId: 'community', assigneeId: null });
    const resolved = resolveStep(
      { notify: [{ kind: 'assignee' }, { kind: 'on-call' }, { kind: 'responder', responderId: 'zoe' }, { kind: 'email', address: 'ops@acme.test' }], via: 'email' },
      queued,
    );
    expect(resolved).toEqual({
      deliveries: [{ channel: 'email', recipient: 'ops@acme.test' }],
      unreachable: ['assignee: nobody is assigned', 'on-call: the team has no on-call responder', 'responder:zoe: no such responder'],
    });
  });

  it('sends one message per recipient when a step names someone twice', () => {
    const resolved = resolveStep({ notify: [{ kind: 'lead' }, { kind: 'responder', responderId: 'carol' }], via: 'slack-dm' }, supportItem);
    expect(resolved.deliveries).toEqual([{ channel: 'slack-dm', recipient: 'U0CAROL' }]);
  });
});

describe('alerts', () => {
  it('alerts the team channel about a new item, and the assignee directly only when the channel cannot reach them', () => {
    expect(newItemAlerts(supportItem, false)).toEqual([{ channel: 'slack', recipient: 'C0SUPPORT' }]);
    expect(newItemAlerts(supportItem, true)).toEqual([
      { channel: 'slack', recipient: 'C0SUPPORT' },
      { channel: 'slack-dm', recipient: 'U0ALICE' },
    ]);
    const noChannel = buildDirectory({ ...config, teams: config.teams.map((t) => ({ ...t, slackChannel: undefined })) });
    expect(newItemAlerts(noChannel.contactsFor({ teamId: 'support', assigneeId: 'bob' }), false)).toEqual([{ channel: 'slack-dm', recipient: 'U0BOB' }]);
  });

  it('tells an assignee picked from the queue directly', () => {
    expect(queueAssignmentAlerts({ id: 'dana', email: 'dana@acme.test' })).toEqual([{ channel: 'email', recipient: 'dana@acme.test' }]);
  });

  it('alerts the crisis channel about a spike, mentioning its lead, or the lead directly when the channel cannot', () => {
    expect(spikeAlerts(directory.contactsFor({ teamId: 'pr', assigneeId: null }))).toEqual([{ channel: 'slack', recipient: 'C0CRISIS', mention: 'U0CAROL' }]);
    expect(spikeAlerts({ teamChannel: null, lead: { id: 'carol', slackUserId: 'U0CAROL' } })).toEqual([{ channel: 'slack-dm', recipient: 'U0CAROL' }]);
    expect(spikeAlerts({ teamChannel: 'C0CRISIS', lead: { id: 'dana', email: 'dana@acme.test' } })).toEqual([
      { channel: 'slack', recipient: 'C0CRISIS' },
      { channel: 'email', recipient: 'dana@acme.test' },
    ]);
  });
});
