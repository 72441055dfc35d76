/** Stands for "any character" in the strings `matchStarts` returns. */
export const ANY_CHAR = '\0';

/**
 * Every way a match of `source` (regex source) can begin: its first `length`
 * characters, or the whole match when it is shorter; `ANY_CHAR` where a
 * character class or `.` stands. A superset is fine — a wildcard where the
 * class is narrower — as callers only use it to skip positions where no match
 * can start. Knows the syntax the cue patterns use (literals, `(?:…)`, `|`,
 * `?`, `*`, `+`, `{m,n}`, `.`, `\w`, `\d`, `[…]`) and throws on anything
 * else, so a new construct in a cue fails at load, not silently.
 */
export function matchStarts(source: string, length: number): Set<string> {
  const parser = { source, at: 0, length };
  const starts = alternation(parser);
  if (parser.at !== source.length) throw new Error(`matchStarts: unexpected "${source[parser.at]}" at ${parser.at} in ${source}`);
  return starts;
}

interface Parser {
  readonly source: string;
  at: number;
  readonly length: number;
}

function alternation(parser: Parser): Set<string> {
  const starts = sequence(parser);
  while (parser.source[parser.at] === '|') {
    parser.at += 1;
    for (const start of sequence(parser)) starts.add(start);
  }
  return starts;
}

function sequence(parser: Parser): Set<string> {
  let starts = new Set(['']);
  while (parser.at < parser.source.length && parser.source[parser.at] !== '|' && parser.source[parser.at] !== ')') {
    const atomStarts = atom(parser);
    const [min, max] = quantifier(parser);
    starts = followedBy(starts, repeated(atomStarts, min, max, parser.length), parser.length);
  }
  return starts;
}

/** Each of `starts` followed by each of `next`, cut at `length`; starts already `length` long stay as they are. */
function followedBy(starts: ReadonlySet<string>, next: ReadonlySet<string>, length: number): Set<string> {
  const joined = new Set<string>();
  for (const start of starts) {
    if (start.length >= length) joined.add(start);
    else for (const continuation of next) joined.add((start + continuation).slice(0, length));
  }
  return joined;
}

function repeated(starts: ReadonlySet<string>, min: number, max: number, length: number): Set<string> {
  const all = new Set<string>(min === 0 ? [''] : []);
  let current: Set<string> = new Set(['']);
  // Past `length` repetitions every start is already cut to `length`.
  for (let times = 1; times <= Math.min(max, Math.max(min, length)); times += 1) {
    current = followedBy(current, starts, length);
    if (times >= min) for (const start of current) all.add(start);
  }
  return all;
}

function atom(parser: Parser): Set<string> {
  const { source } = parser;
  const char = source[parser.at]!;
  if (char === '(') {
    if (!source.startsWith('(?:', parser.at)) throw new Error(`matchStarts: only (?:…) groups are supported, in ${source}`);
    parser.at += 3;
    const starts = alternation(parser);
    if (source[parser.at] !== ')') throw new Error(`matchStarts: unclosed group in ${source}`);
    parser.at += 1;
    return starts;
  }
  if (char === '[') {
    const end = source.indexOf(']', parser.at);
    const members = source.slice(parser.at + 1, end);
    parser.at = end + 1;
    // Plain letters ("[sz]") are listed; anything else (ranges, escapes, negation) is taken as any character.
    return /^[a-z0-9]+$/.test(members) ? new Set(members) : new Set([ANY_CHAR]);
  }
  if (char === '\\') {
    const escaped = source[parser.at + 1]!;
    parser.at += 2;
    if (escaped === 'w' || escaped === 'd') return new Set([ANY_CHAR]);
    if (/[.*+?^${}()|[\]\\/#-]/.test(escaped)) return new Set([escaped]);
    throw new Error(`matchStarts: unsupported escape \\${escaped} in ${source}`);
  }
  if (char === '.') {
    parser.at += 1;
    return new Set([ANY_CHAR]);
  }
  if ('*+?{})|^$'.includes(char)) throw new Error(`matchStarts: unexpected "${char}" at ${parser.at} in ${source}`);
  parser.at += 1;
  return new Set([char]);
}

/** The quantifier after an atom as [min, max] ([1, 1] when there is none); a lazy `?` after it changes nothing here. */
function quantifier(parser: Parser): [number, number] {
  const { source } = parser;
  const char = source[parser.at];
  let bounds: [number, number];
  if (char === '?') bounds = [0, 1];
  else if (char === '*') bounds = [0, Number.POSITIVE_INFINITY];
  else if (char === '+') bounds = [1, Number.POSITIVE_INFINITY];
  else if (char === '{') {
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(parser.at));
    if (braces === null) throw new Error(`matchStarts: bad {m,n} at ${parser.at} in ${source}`);
    const min = Number(braces[1]);
    bounds = [min, braces[2] === undefined ? min : braces[3] === '' ? Number.POSITIVE_INFINITY : Number(braces[3])];
    parser.at += braces[0].length - 1;
  } else return [1, 1];
  parser.at += 1;
  if (source[parser.at] === '?') parser.at += 1;
  return bounds;
}
