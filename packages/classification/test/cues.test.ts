import { describe, expect, it } from 'vitest';
import { detectCues, isQuestion, readText, type IntentCue } from '../src/index.js';

const cuesOf = (text: string): IntentCue[] => detectCues(readText({ text }).lead);

describe('intent cues in real-looking posts', () => {
  it.each<[IntentCue, string]>([
    ['refund', '@acme I want a full refund for this garbage, charged me $89 for nothing'],
    ['refund', 'Still no sign of my money back from @acme after 3 weeks'],
    ['chargeback', "If @acme doesn't answer by Friday I'm filing a chargeback with my bank"],
    ['cancel', "That's it, I'm cancelling my subscription. @acme you lost a customer"],
    ['outage', 'Is @acme down for everyone or just me? Been trying for an hour'],
    ['outage', "@acme can't log in since the update, keeps spinning"],
    ['safety', 'My Acme charger caught fire on the nightstand last night. Photos below. @acme'],
    ['safety', 'Kid ended up in hospital after the Acme snack bar, allergic reaction, nut-free my foot'],
    ['legal', "Talking to my lawyer tomorrow about what @acme did to my account"],
    ['legal', 'Filing a complaint with the FTC about these hidden fees @acme'],
    ['security', '@acme my account was hacked and someone ordered 4 TVs on my card'],
    ['security', 'Unauthorized charges from Acme on my statement again???'],
    ['threat', "@acme fix this or I'll burn your store down"],
    ['viral', 'RT this until @acme answers. This needs to go viral'],
    ['viral', 'Everyone needs to see how @acme treats its customers #boycottacme'],
    ['breakage', 'Two days old and my Acme blender is broken. Defective junk.'],
    ['breakage', "App won't open after the latest update @acme"],
    ['unresolved', '@acme still waiting on a reply to my ticket from last Tuesday'],
    ['unresolved', "Package hasn't arrived, tracking says delivered. @acme where is my order"],
    ['support', '@acme how do I change the email on my account?'],
    ['purchase', "@acme how much is the pro plan for a team of 5? Thinking about switching"],
    ['fraud', '@acme this "free upgrade" is a total rip off, a scam honestly'],
  ])('%s: %s', (cue, text) => {
    expect(cuesOf(text)).toContain(cue);
  });

  it.each([
    "I don't recall ordering this but the Acme tote is cute",
    'Acme delivery guy started sounding like an attorney, good grief',
    'New life hack: Acme bags make great gift wrap',
    'Had the acme burrito, this place is on fire tonight 🔥',
    "Can't wait for the new Acme drop!",
  ])('everyday wording fires no urgent cue: %s', (text) => {
    expect(cuesOf(text).filter((cue) => ['safety', 'legal', 'security', 'threat', 'outage'].includes(cue))).toEqual([]);
  });

  it('matches whole words only: a hackathon is not a hack, "helpful" is not a plea for help', () => {
    expect(cuesOf('the acme hackathon was helpful')).toEqual([]);
  });

  it('counts letters of any script as part of a word, so a cue glued to one does not fire', () => {
    expect(cuesOf('my money is in the ñrefund pile, the 𝐀refund one')).toEqual([]);
    expect(cuesOf('#refund 😡refund (refund)')).toEqual(['refund']);
  });

  it('finds every cue in a post, overlapping ones included', () => {
    expect(cuesOf('@acme still waiting for my refund, the app keeps crashing, please help')).toEqual(['refund', 'breakage', 'unresolved', 'support']);
  });

  it('reads intent in the title and lead of a long article only', () => {
    const article = `Acme opens its third warehouse in Ohio. ${'The company says the site will employ 300 people. '.repeat(30)} Last year an outage at another site caused delays and a lawsuit.`;
    expect(cuesOf(article)).toEqual([]);
  });
});

describe('questions', () => {
  it.each([
    '@acme does the pro plan include SSO?',
    '@acme why is my order late again',
    'how do I reset my acme password',
    '@acme can you check my order please',
  ])('is a question: %s', (text) => {
    expect(isQuestion(readText({ text }).lead)).toBe(true);
  });

  it.each(['@acme is the worst customer service', 'When your acme order arrives cold 🙃', '@acme thanks, all sorted now'])('is not a question: %s', (text) => {
    expect(isQuestion(readText({ text }).lead)).toBe(false);
  });
});
