import { describe, expect, it } from 'vitest';
import { ANY_CHAR, matchStarts } from '../src/pattern-starts.js';

const startsOf = (source: string, length: number): string[] => [...matchStarts(source, length)].map((start) => start.replaceAll(ANY_CHAR, '*')).sort();

describe('matchStarts: how a cue pattern can begin', () => {
  it('lists the first characters of each alternative, through groups and optional parts', () => {
    expect(startsOf("(?:i|we)(?:'ll| will) (?:kill|hurt)|refund(?:ed|s)?", 4)).toEqual(["i wi", "i'll", 'refu', 'we w', "we'l"]);
    expect(startsOf('(?:support )?ticket|case (?:number|#)', 6)).toEqual(['case #', 'case n', 'suppor', 'ticket']);
  });

  it('keeps matches shorter than the length whole, and counts repetitions', () => {
    expect(startsOf('x{0,2}y|no', 4)).toEqual(['no', 'xxy', 'xy', 'y']);
  });

  it('stands a wildcard for classes, so no possible start is missed', () => {
    expect(startsOf('hospitali[sz]ed|error 5\\d\\d|bomb (?:your|the) \\w+|.{0,40}z', 4)).toEqual(['****', '***z', '**z', '*z', 'bomb', 'erro', 'hosp', 'z']);
  });

  it('refuses syntax it does not know, rather than missing starts', () => {
    expect(() => matchStarts('(?=look)ahead', 3)).toThrow(/only \(\?:…\) groups/);
    expect(() => matchStarts('\\bword', 3)).toThrow(/unsupported escape/);
  });
});
