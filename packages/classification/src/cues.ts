import { ANY_CHAR, matchStarts } from './pattern-starts.js';
import { wholeWords } from './text.js';

/**
 * Intent cues: what the writer wants or threatens, read with English keyword
 * patterns from lower-case text (see `readText`). Many complaints carry no
 * sentiment word at all ("still waiting for my refund"), so these cues carry
 * as much of the urgency and the category as the sentiment model does.
 * The patterns were tuned on real tweets to brands' support accounts, so
 * everyday uses ("I don't recall", "sounding like an attorney", "life hack")
 * do not fire them.
 */
export const INTENT_CUES = [
  'threat',
  'safety',
  'legal',
  'security',
  'outage',
  'viral',
  'chargeback',
  'refund',
  'cancel',
  'fraud',
  'breakage',
  'unresolved',
  'support',
  'purchase',
] as const;
export type IntentCue = (typeof INTENT_CUES)[number];

/** How each cue reads in urgency reasons. */
export const CUE_REASONS: Readonly<Record<IntentCue, string>> = {
  threat: 'threat of violence',
  safety: 'safety issue',
  legal: 'legal threat',
  security: 'security breach',
  outage: 'outage report',
  viral: 'going-viral language',
  chargeback: 'chargeback threat',
  refund: 'refund demand',
  cancel: 'cancellation threat',
  fraud: 'scam or fraud accusation',
  breakage: 'product not working',
  unresolved: 'unresolved problem',
  support: 'support request',
  purchase: 'purchase intent',
};

const REGULATORS = 'ftc|fcc|cfpb|ofcom|ofgem|ombudsman|trading standards|bbb|better business bureau|attorney general|consumer protection';

/** Each cue's alternatives, as regex source over lower-case text; matched as whole words. */
const CUE_ALTERNATIVES: ReadonlyArray<readonly [IntentCue, string]> = [
  [
    'threat',
    [
      "(?:i|we)(?:'ll| will| am going to|'m going to|'m gonna| gonna) (?:kill|hurt|shoot|stab|find) (?:you|someone|somebody|everyone|your)",
      'bomb (?:your|the|their) \\w+',
      'shoot up',
      'burn (?:it|your \\w+|the \\w+|this \\w+) (?:all )?down',
      'watch your back',
      "you(?:'ll| will) regret",
    ].join('|'),
  ],
  [
    'safety',
    [
      'caught fire|set (?:on )?fire|burst into flames|fire hazard',
      'explod(?:ed|es|ing)|explosion',
      'burn(?:ed|t) (?:my|me|his|her|our|their|the house)',
      'injur(?:ed|y|ies)|hospitali[sz]ed|in (?:the )?hospital',
      'unsafe|safety (?:issue|hazard|risk|concern|problem)',
      'chok(?:ing|ed) (?:on|hazard)',
      'food poisoning|poisoned|allergic reaction',
      'electrocut\\w*',
      'product recall|recall notice|(?:was|were|been|being) recalled',
      'smoke (?:came|coming|pouring|everywhere)',
    ].join('|'),
  ],
  [
    'legal',
    [
      '(?:call|calling|contact|contacting|hire|hiring|get|getting|speak(?:ing)? (?:to|with)|talk(?:ing)? to|consult(?:ing)?) (?:a|an|my|our) (?:lawyer|attorney|solicitor)s?',
      'my (?:lawyer|attorney|solicitor)s?',
      'lawsuits?|class action|legal action|small claims',
      'sue (?:you|them|the|your)|suing|sued',
      'take (?:you|this|them|it) to court',
      `(?:report|complain|complaint|file|filing|contact|escalat)\\w* .{0,40}(?:${REGULATORS})`,
      `(?:${REGULATORS}) (?:complaint|report)`,
    ].join('|'),
  ],
  [
    'security',
    [
      'hacked|hackers?',
      '(?:data|security) (?:breach|leak)|breached',
      'leaked (?:my|our|customer|personal|user)',
      'phishing',
      'unauthori[sz]ed (?:charges?|transactions?|access|purchases?|payments?|logins?)',
      'stolen (?:card|account|identity|data|details)|identity theft',
      '(?:account|card|password) (?:was |is |got |has been )?compromised',
      'someone (?:logged|got|broke) into my account',
      'someone (?:changed|reset) my password',
    ].join('|'),
  ],
  [
    'outage',
    [
      '(?:is|are|was|were|been|went|goes|going|keeps? going) down',
      'down again',
      'down for (?:me|everyone|anyone|hours|days)',
      'outages?',
      '(?:is|are|went|gone|been) offline',
      'no (?:service|signal|internet|connection|power)',
      'server errors?',
      'error (?:5\\d\\d|code)',
      'service (?:is )?unavailable',
      "can(?:'t|not|t) (?:log ?in|login|sign in|connect|access|load)",
    ].join('|'),
  ],
  [
    'viral',
    [
      '(?:going|gone|go|went) viral',
      '(?:retweet|rt) (?:this|if|so)',
      'everyone (?:needs to|should|must) (?:see|know|hear)',
      'spread the word|share this|tell everyone',
      'boycott\\w*',
      'expos(?:e|ing) (?:you|them|this|the company)',
      '(?:call|calling|contact|contacting|tell|telling|go|going) (?:to )?the (?:media|press|news)',
      'reporters?|journalists?',
    ].join('|'),
  ],
  ['chargeback', 'charge ?backs?|dispute (?:the|this|a) charge|disputing (?:the|this) charge'],
  ['refund', 'refund(?:ed|s|ing)?|(?:my|our|the) money back|reimburse(?:d|ment)?|compensat(?:e|ion)'],
  [
    'cancel',
    [
      'cancel(?:l?ing|l?ed)? (?:my|our|this|the) (?:account|subscription|order|plan|service|membership|contract|card|premium)',
      "(?:will|gonna|going to|about to|i'll|i'm|we'll|we're) (?:cancel|leave|switch)",
      'close my account|unsubscrib\\w*',
      'switching (?:to|providers|carriers|banks)',
      "(?:i'm|im|i am) done with",
      'never (?:buying|using|ordering|flying|shopping|coming back)',
      'lost (?:a|me as a|us as a) customer|last time i (?:use|order|buy|fly|shop)',
    ].join('|'),
  ],
  ['fraud', 'scam(?:med|mers?)?|fraud(?:ulent|sters?)?|rip ?off|ripped (?:me )?off|daylight robbery'],
  [
    'breakage',
    [
      'broken|broke (?:down|again)',
      'defective|faulty',
      'stopped working',
      "(?:not|isn't|isnt|aren't|wasn't) working",
      "(?:doesn't|doesnt|does not|don't|dont|won't|wont|will not) (?:work|load|open|start|turn on|charge|play|connect|sync|update)",
      'crash(?:es|ed|ing)?',
      'keeps? (?:crashing|freezing|failing|dropping|buffering)',
      'froze|freezes|freezing',
      'glitch(?:es|y)?|bug(?:s|gy)?',
    ].join('|'),
  ],
  [
    'unresolved',
    [
      'still waiting',
      "still (?:\\w+n't|havent|hasnt|isnt|arent|cant|wont|doesnt|dont|didnt|not|no|nothing|happening|broken|the same)",
      '(?:happened|happening|broken) again|keeps happening',
      'no (?:one|body) (?:has )?(?:respond|repl|answer|help|call)\\w*',
      'no (?:response|reply|answer)',
      '(?:waiting|waited) (?:for|on) (?:a |my |the )?(?:reply|response|refund|order|delivery|callback|call back|technician|engineer)',
      'on hold',
      "(?:hasn't|has not|hasnt|haven't|havent|never|not) (?:arrived|received|shown up|turned up|come|been (?:delivered|shipped|processed))",
      "where(?: is|'s) my",
      '(?:is|are|was|were|went|gone) (?:all |still )?missing',
      '(?:missing|lost|late|delayed|damaged) (?:order|package|parcel|delivery|item|refund|payment|bag|luggage)',
      'charged (?:twice|me twice|double)|double charged|overcharged',
      'wrong (?:item|order|size|charge|address)',
    ].join('|'),
  ],
  [
    'support',
    [
      'help(?: me| us)?|please (?:fix|help|respond|reply|advise|sort|look|assist)',
      'need (?:some |further |more )?(?:help|assistance)|assistance',
      'any update',
      "dm(?:ed|'d)? (?:me|us|you)|sent (?:you )?a dm|direct message",
      'customer (?:service|support|care)',
      '(?:support )?ticket|case (?:number|#)|reference number',
      'how (?:do|can) i',
    ].join('|'),
  ],
  [
    'purchase',
    [
      'how much (?:is|are|does|do|for|would)',
      "what(?:'s| is| are) the prices?|what(?:'s| is) (?:your|the) best (?:offer|deal|price)",
      'where (?:can|do) i (?:buy|order)',
      '(?:want|wanna|looking|planning|going|thinking (?:of|about)) (?:to )?(?:buy|purchase|order|upgrade|switch to)(?:ing)?',
      'thinking (?:of|about) (?:buying|getting|switching|upgrading)',
      'interested in (?:buying|getting|your|the|a|an)',
      'back in stock|in stock (?:yet|soon|anywhere)',
      'do you (?:ship|deliver) to',
      'free trial|(?:book|request|schedule|get) a demo',
      "how (?:do|can) i (?:sign up|subscribe)|(?:like|want|planning|going) to (?:sign up|subscribe)",
      'should i (?:buy|get|go with|choose)',
      'is (?:it|the \\w+) worth (?:it|buying|getting)',
      'can you recommend|(?:any|your) recommendations?',
      'do you (?:have|offer) (?:any )?(?:discounts?|deals?|offers?|coupons?)',
      'quote for',
    ].join('|'),
  ],
];

const CUE_AT = CUE_ALTERNATIVES.map(([cue, alternatives]) => [cue, wholeWords(alternatives, 'y')] as const);

/**
 * A cue can only match at the start of a word, and only where the text
 * begins with one of the ways its pattern begins (`matchStarts`, up to
 * `START_CHARS` characters, cut at the first wildcard): "refund" needs
 * "refund", the outage pattern "is down", "down aga", "no servi"… They are
 * kept in a trie over character codes, walked from each word start; each
 * cue's pattern is tried, anchored, only where the walk passes the end of
 * one of its starts. Same result as scanning for every pattern, at a fraction
 * of the cost: most words start nothing, and few start one almost.
 */
const START_CHARS = 8;

/** The starts, cut at their first wildcard. */
const KNOWN_STARTS = CUE_ALTERNATIVES.flatMap(([, alternatives], index) =>
  [...matchStarts(alternatives, START_CHARS)].map((start) => ({ text: start.split(ANY_CHAR)[0]!, cues: 1 << index })),
);
if (KNOWN_STARTS.some((start) => /[^\x01-\x7f]/.test(start.text))) throw new Error('cue starts must be ASCII');

/** Character code → symbol of the trie's alphabet, 1…; 0 for characters no start has. */
const START_SYMBOL = new Uint8Array(128);
let symbols = 0;
for (const start of KNOWN_STARTS) for (const char of start.text) START_SYMBOL[char.charCodeAt(0)] ||= ++symbols;
const ROW = symbols + 1;
/** 1 for the characters some start begins with: only at those can a walk get anywhere. */
const STARTS_WITH = new Uint8Array(128);
for (const start of KNOWN_STARTS) if (start.text !== '') STARTS_WITH[start.text.charCodeAt(0)] = 1;

/**
 * The trie as flat tables: node 0 is the root; `START_NEXT[node * ROW + symbol]`
 * is the child (0: none, the root is no one's child); `START_CUES[node]` the
 * cues (bit i = `CUE_AT[i]`) one of whose starts ends there.
 */
const { next: START_NEXT, cues: START_CUES } = (() => {
  const next: number[] = new Array<number>(ROW).fill(0);
  const cues: number[] = [0];
  for (const start of KNOWN_STARTS) {
    let node = 0;
    for (const char of start.text) {
      const slot = node * ROW + START_SYMBOL[char.charCodeAt(0)]!;
      if (next[slot] === 0) {
        next[slot] = cues.length;
        cues.push(0);
        for (let symbol = 0; symbol < ROW; symbol += 1) next.push(0);
      }
      node = next[slot]!;
    }
    cues[node]! |= start.cues;
  }
  return { next: Uint16Array.from(next), cues: Uint16Array.from(cues) };
})();

/** ASCII letters, digits and `_`: 1 for the ASCII characters of the patterns' `[\p{L}\p{N}_]`. */
const ASCII_WORD_CHAR = new Uint8Array(128).map((_, code) => (/\w/.test(String.fromCharCode(code)) ? 1 : 0));
const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
const CUE_INDEX = Object.fromEntries(CUE_AT.map(([cue], index) => [cue, index])) as Record<IntentCue, number>;

/** The cues present in `text` (lower-case), in `INTENT_CUES` order. */
export function detectCues(text: string): IntentCue[] {
  let found = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    const wordChar = code < 128 && ASCII_WORD_CHAR[code] === 1;
    if (START_CUES[0] !== 0 || (code < 128 && STARTS_WITH[code] === 1)) {
      // The rest of a run of ASCII word characters is skipped below, so an ASCII character before this one ends a word.
      const atWordStart = index === 0 || (wordChar && text.charCodeAt(index - 1) < 128) || startsWord(text, index);
      if (atWordStart) found = cuesStartingAt(text, index, found);
    }
    index += 1;
    if (wordChar) while (index < text.length && text.charCodeAt(index) < 128 && ASCII_WORD_CHAR[text.charCodeAt(index)] === 1) index += 1;
  }
  if (found === 0) return [];
  return INTENT_CUES.filter((cue) => (found & (1 << CUE_INDEX[cue])) !== 0);
}

/** `found` plus the cues whose patterns match at `index`, each tried only if the start trie says it can begin there. */
function cuesStartingAt(text: string, index: number, found: number): number {
  let candidates = START_CUES[0]!;
  for (let at = index, node = 0; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (code >= 128 || START_SYMBOL[code] === 0) break;
    node = START_NEXT[node * ROW + START_SYMBOL[code]!]!;
    if (node === 0) break;
    candidates |= START_CUES[node]!;
  }
  candidates &= ~found;
  let matched = found;
  for (let cue = 0; candidates !== 0; cue += 1, candidates >>>= 1) {
    if ((candidates & 1) === 0) continue;
    const pattern = CUE_AT[cue]![1];
    pattern.lastIndex = index;
    if (pattern.test(text)) matched |= 1 << cue;
  }
  return matched;
}

/** Whether a word can start at `index`: no letter, digit or `_` just before (a whole code point, as the `u` patterns read it). */
function startsWord(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text.charCodeAt(index - 1);
  if (before < 128) return ASCII_WORD_CHAR[before] === 0;
  const high = index >= 2 ? text.charCodeAt(index - 2) : 0;
  const pair = before >= 0xdc00 && before <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
  return !WORD_CHAR.test(String.fromCodePoint(pair ? text.codePointAt(index - 2)! : before));
}

/**
 * Openers of a question without a question mark. "is", "does" or "when"
 * alone are left out: "@acme is the worst", "when your order arrives cold"
 * are statements. Sticky: only an opener at the very start counts.
 */
const QUESTION_OPENER = wholeWords(
  [
    "how|what|what's|whats|why|where|who|which",
    'can (?:you|i|we|someone|anyone|u)|could (?:you|i|someone|u)|would you|will you',
    'do (?:you|i|we|u)|does (?:anyone|anybody|this|it)|did (?:you|u|anyone)',
    'is (?:there|it|this|anyone|anybody)|are (?:there|you|u|they)',
    'any ?(?:one|body)|should i',
  ].join('|'),
  'y',
);

/** The tags a post opens with ("@acme #help") and the spaces around them: what comes after is its opening. */
const LEADING_TAGS = /(?:\s*[@#][\p{L}\p{N}_]+)*\s*/uy;
/** Most posts start with a word: then there is no tag or space to skip. */
const LEADING_TAGS_MAY_START = /^[\s@#]/;

/** A question mark, or a post opening with a question ("why is my order late"). */
export function isQuestion(text: string): boolean {
  if (text.includes('?')) return true;
  let start = 0;
  if (LEADING_TAGS_MAY_START.test(text)) {
    LEADING_TAGS.lastIndex = 0;
    LEADING_TAGS.test(text);
    start = LEADING_TAGS.lastIndex;
  }
  QUESTION_OPENER.lastIndex = 0;
  return QUESTION_OPENER.test(text.slice(start, start + 24));
}
