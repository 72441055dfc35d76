import type { EscalationStep, NotifyTarget } from '@earshot/config';

export type DeliveryChannel = 'slack' | 'slack-dm' | 'email';

/** One notification to enqueue: a Slack channel, a Slack user (DM) or an email address. */
export interface Delivery {
  channel: DeliveryChannel;
  /** Slack channel id or `#name`, Slack user id, or email address. */
  recipient: string;
  /** Slack user id to @mention in a channel message. */
  mention?: string;
}

/** How to reach a responder. */
export interface Contact {
  id: string;
  slackUserId?: string | undefined;
  email?: string | undefined;
}

/** Who the roles in escalation targets are for one item, at the moment a step fires. */
export interface ItemContacts {
  teamChannel: string | null;
  assignee: Contact | null;
  lead: Contact | null;
  onCall: Contact | null;
  managerEmail: string | null;
  responder(id: string): Contact | null;
}

export interface ResolvedDeliveries {
  deliveries: Delivery[];
  /** Targets that could not be reached, with the reason, for the timeline. */
  unreachable: string[];
}

/**
 * A person by the medium asked for, else by the one they have: a Slack DM
 * for someone without an email address is better than silence.
 */
function personal(person: Contact, prefer: 'slack' | 'email'): Delivery | null {
  const dm = person.slackUserId === undefined ? null : { channel: 'slack-dm' as const, recipient: person.slackUserId };
  const mail = person.email === undefined ? null : { channel: 'email' as const, recipient: person.email };
  return prefer === 'slack' ? (dm ?? mail) : (mail ?? dm);
}

function describeTarget(target: NotifyTarget): string {
  switch (target.kind) {
    case 'responder':
      return `responder:${target.responderId}`;
    case 'email':
      return `email:${target.address}`;
    case 'slack-channel':
      return `slack:${target.channel}`;
    default:
      return target.kind;
  }
}

/**
 * Turns a step's targets into deliveries. Channels get one message each,
 * mentioning the first person of the step who has a Slack id ("at breach, the
 * team channel, mentioning the lead"); other people get a message of their
 * own by the step's medium, falling back to the medium they have. Channels
 * are always reached by Slack and addresses by email, whatever `via` says.
 */
export function resolveStep(step: Pick<EscalationStep, 'notify' | 'via'>, contacts: ItemContacts): ResolvedDeliveries {
  const channels: string[] = [];
  const people: Contact[] = [];
  const addresses: string[] = [];
  const unreachable: string[] = [];
  const person = (target: NotifyTarget, contact: Contact | null, missing: string) => {
    if (contact === null) unreachable.push(`${describeTarget(target)}: ${missing}`);
    else people.push(contact);
  };
  for (const target of step.notify) {
    switch (target.kind) {
      case 'team-channel':
        if (contacts.teamChannel === null) unreachable.push('team-channel: the team has no Slack channel');
        else channels.push(contacts.teamChannel);
        break;
      case 'slack-channel':
        channels.push(target.channel);
        break;
      case 'assignee':
        person(target, contacts.assignee, 'nobody is assigned');
        break;
      case 'lead':
        person(target, contacts.lead, 'the team has no lead');
        break;
      case 'on-call':
        person(target, contacts.onCall, 'the team has no on-call responder');
        break;
      case 'responder':
        person(target, contacts.responder(target.responderId), 'no such responder');
        break;
      case 'manager':
        if (contacts.managerEmail === null) unreachable.push('manager: the team has no managerEmail');
        else addresses.push(contacts.managerEmail);
        break;
      case 'email':
        addresses.push(target.address);
        break;
    }
  }

  const deliveries: Delivery[] = [];
  let mentioned: Contact | undefined;
  if (step.via === 'slack' && channels.length > 0) mentioned = people.find((p) => p.slackUserId !== undefined);
  for (const channel of channels) {
    deliveries.push({ channel: 'slack', recipient: channel, ...(mentioned ? { mention: mentioned.slackUserId! } : {}) });
  }
  for (const someone of people) {
    if (someone === mentioned) continue;
    const delivery = personal(someone, step.via === 'email' ? 'email' : 'slack');
    if (delivery === null) unreachable.push(`${someone.id}: has neither a Slack user id nor an email address`);
    else deliveries.push(delivery);
  }
  for (const address of addresses) deliveries.push({ channel: 'email', recipient: address });
  return { deliveries: uniqueDeliveries(deliveries), unreachable };
}

/** One delivery per (channel, recipient): the outbox dedupes on the recipient, so keep the first (it carries the mention). */
function uniqueDeliveries(deliveries: Delivery[]): Delivery[] {
  const seen = new Set<string>();
  return deliveries.filter((delivery) => {
    const key = `${delivery.channel}\u0000${delivery.recipient}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The first alert for a new item: the team channel, where the team sees
 * every item; and the assignee personally when the channel cannot be relied
 * on to reach them: the team has no channel, or they were picked on call
 * outside working hours.
 */
export function newItemAlerts(contacts: Pick<ItemContacts, 'teamChannel' | 'assignee'>, viaOnCall: boolean): Delivery[] {
  const deliveries: Delivery[] = [];
  if (contacts.teamChannel !== null) deliveries.push({ channel: 'slack', recipient: contacts.teamChannel });
  if (contacts.assignee !== null && (contacts.teamChannel === null || viaOnCall)) {
    const delivery = personal(contacts.assignee, 'slack');
    if (delivery !== null) deliveries.push(delivery);
  }
  return deliveries;
}

/** An item that waited in the queue and was just assigned: its channel alert went out unassigned, so tell the assignee directly. */
export function queueAssignmentAlerts(assignee: Contact): Delivery[] {
  const delivery = personal(assignee, 'slack');
  return delivery === null ? [] : [delivery];
}

/**
 * A spike goes at once to the crisis team's channel, mentioning its lead, and
 * to the lead directly when the channel cannot reach them (no channel, or no
 * Slack id to mention).
 */
export function spikeAlerts(contacts: Pick<ItemContacts, 'teamChannel' | 'lead'>): Delivery[] {
  const { teamChannel, lead } = contacts;
  const mention = teamChannel === null ? undefined : lead?.slackUserId;
  const deliveries: Delivery[] = [];
  if (teamChannel !== null) deliveries.push({ channel: 'slack', recipient: teamChannel, ...(mention === undefined ? {} : { mention }) });
  if (lead !== null && mention === undefined) {
    const delivery = personal(lead, 'slack');
    if (delivery !== null) deliveries.push(delivery);
  }
  return deliveries;
}
