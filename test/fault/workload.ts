import type { MentionInput } from '@earshot/domain';
import { fakeMention } from '../support/mentions.js';

/**
 * What the fault run offers the pipeline and how it is configured: a few
 * "desks" whose items alert on Slack and escalate within seconds, and an
 * archive that takes everything else without alerts. Alerting mentions name
 * a desk's product, which is how routing finds the desk.
 */

const PRODUCTS = [
  'kettle', 'toaster', 'blender', 'mixer', 'juicer', 'grinder', 'fryer', 'steamer', 'griddle', 'skillet', 'wok', 'ladle',
  'whisk', 'colander', 'teapot', 'thermos', 'lunchbox', 'cooler', 'lantern', 'hammock', 'tent', 'backpack', 'compass', 'flashlight',
] as const;

/** Texts for mentions that go to the archive: none names a product, each is a different story (the number comes first, so no two are near-duplicates). */
const QUIET_TEXTS = [
  (n: number) => `@acme order ${n} arrived on time today, thanks for the quick delivery and the nice packaging`,
  (n: number) => `visited the acme store downtown, ticket ${n} says the new season collection lands on friday`,
  (n: number) => `@acme question about invoice ${n}: can I get it with my company name on it please?`,
  (n: number) => `reading the acme newsletter number ${n} over coffee, some good recipes in this one`,
  (n: number) => `@acme member ${n} here, the loyalty points from last month finally showed up, cheers`,
];

export interface Desk {
  team: string;
  product: string;
  channel: string;
  agent: { id: string; slackUserId: string; email: string };
}

export const LEAD = { id: 'lead', slackUserId: 'U0LEAD', email: 'lead@acme.test' };

/** Names of the escalation steps, as the Slack messages show them. */
export const STEP_NAMES = ['halfway', 'breach'] as const;

export function desks(count: number): Desk[] {
  return PRODUCTS.slice(0, count).map((product, index) => {
    const number = String(index + 1).padStart(2, '0');
    return {
      team: `desk${number}`,
      product,
      channel: `C0DESK${number}`,
      agent: { id: `agent${number}`, slackUserId: `U0AGENT${number}`, email: `agent${number}@acme.test` },
    };
  });
}

export const MAX_DESKS = PRODUCTS.length;

/**
 * Every item of a desk alerts its channel; halfway to the acknowledge
 * deadline its assignee gets a direct message; at the deadline the channel
 * gets the escalation and the lead an email. Nobody acknowledges, so every
 * step of every desk item fires.
 */
export function faultConfig(deskList: readonly Desk[], ackSeconds: number): string {
  const sla = `{ ack: ${ackSeconds}s, handle: 1h }`;
  return [
    'brands:',
    "  - { id: acme, name: Acme, query: 'acme OR @acme' }",
    'responders:',
    `  - { id: ${LEAD.id}, name: Lee Lead, email: ${LEAD.email}, slackUserId: ${LEAD.slackUserId} }`,
    // Neither Slack nor email: archive items reach nobody.
    '  - { id: archivist, name: Archivist }',
    ...deskList.map((desk) => `  - { id: ${desk.agent.id}, name: Agent ${desk.agent.id}, email: ${desk.agent.email}, slackUserId: ${desk.agent.slackUserId} }`),
    'teams:',
    ...deskList.map((desk) => `  - { id: ${desk.team}, members: [${desk.agent.id}], lead: ${LEAD.id}, slackChannel: ${desk.channel} }`),
    '  - { id: archive, members: [archivist] }',
    'routing:',
    ...deskList.map((desk) => `  - { name: ${desk.team}, match: { keywords: [${desk.product}] }, team: ${desk.team} }`),
    '  - { name: everything-else, team: archive, sla: none }',
    'sla:',
    ...['P1', 'P2', 'P3', 'P4'].map((priority) => `  ${priority}: ${sla}`),
    'escalation:',
    `  - { name: ${STEP_NAMES[0]}, at: 50% ack, notify: [assignee], via: slack-dm }`,
    `  - { name: ${STEP_NAMES[1]}, at: 100% ack, notify: [team-channel, lead], via: email }`,
    '',
  ].join('\n');
}

/** Mention number `n`: every `alertEvery`-th one is a complaint about a desk's product (desks taken in turn), the rest go to the archive. */
export function workloadMention(n: number, deskList: readonly Desk[], alertEvery: number): MentionInput {
  const mention = fakeMention(n, { author: { handle: `customer${n % 997}`, name: `Customer ${n % 997}`, followers: 50 + (n % 400), verified: false } });
  if (n % alertEvery === 0) {
    const desk = deskList[Math.floor(n / alertEvery) % deskList.length]!;
    return { ...mention, text: `@acme refund ${n}: my new ${desk.product} stopped working after two days and nobody answers my emails` };
  }
  return { ...mention, text: QUIET_TEXTS[n % QUIET_TEXTS.length]!(n) };
}
