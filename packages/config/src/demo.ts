/**
 * Used when no config file exists, so `earshot start` on a fresh clone runs a
 * complete pipeline. It has no sources that reach the internet: mentions come
 * in through `POST /v1/mentions` or `earshot replay`.
 */
export const DEMO_CONFIG_YAML = `
brands:
  - id: acme
    name: Acme
    query: 'acme OR "acme corp" OR @acme OR #acme'
  - id: globex
    name: Globex
    competitor: true
    query: 'globex OR @globex'

responders:
  - { id: alice, name: Alice Demo, email: alice@example.com, languages: [en], timezone: UTC }
  - { id: bob, name: Bob Demo, email: bob@example.com, languages: [en, es], timezone: UTC }
  - { id: carol, name: Carol Demo, email: carol@example.com, languages: [en], timezone: UTC }

teams:
  - id: support
    members: [alice, bob]
    lead: carol
    strategy: least-loaded
    maxOpenPerResponder: 25
  - id: community
    members: [carol]
    lead: carol
    strategy: round-robin

routing:
  - { name: crisis, match: { category: [crisis] }, team: support, priority: P1 }
  - { name: competitors, match: { competitor: true }, team: community, sla: none }
  - { name: complaints, match: { category: [complaint, question] }, team: support }
  - { name: default, team: community }

sla:
  P1: { ack: 15m, handle: 2h }
  P2: { ack: 1h, handle: 8h }
  P3: { ack: 4h, handle: 24h }
  P4: { ack: 24h, handle: 72h }

escalation:
  - { at: 50% ack, notify: [assignee], via: slack-dm }
  - { at: 100% ack, notify: [team-channel, lead], via: slack }
  - { at: 100% ack + 30m, notify: [lead], via: email }
`;
