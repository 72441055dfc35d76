import { describe, expect, it } from 'vitest';
import { compileBrandQueries, type MatchablePost } from '../src/index.js';

function matches(query: string, post: string | MatchablePost): boolean {
  const matcher = compileBrandQueries([{ id: 'brand', query }]);
  return matcher.match(typeof post === 'string' ? { text: post } : post).length === 1;
}

/** The texts among `texts` that `query` matches. */
function matching(query: string, texts: readonly string[]): string[] {
  const matcher = compileBrandQueries([{ id: 'brand', query }]);
  return texts.filter((text) => matcher.match({ text }).length === 1);
}

describe('operators', () => {
  it('OR matches any operand', () => {
    expect(matching('refund OR outage', ['need a refund', 'another outage', 'all good'])).toEqual([
      'need a refund',
      'another outage',
    ]);
  });

  it('AND needs every operand, in any order and anywhere in the post', () => {
    expect(matching('acme AND (broken OR refund)', ['acme is broken', 'refund please, acme', 'acme is great', 'broken'])).toEqual(
      ['acme is broken', 'refund please, acme'],
    );
  });

  it('binary NOT excludes posts containing the right side', () => {
    expect(matching('acme NOT "acme bricks"', ['acme app', 'acme bricks are heavy', 'acme app, not acme bricks', 'bricks by acme'])).toEqual([
      'acme app',
      'bricks by acme',
    ]);
  });

  it('unary NOT and -term exclude', () => {
    expect(matching('NOT spam', ['hello', 'spam again'])).toEqual(['hello']);
    expect(matching('acme -giveaway', ['acme rocks', 'acme giveaway'])).toEqual(['acme rocks']);
  });

  it('implicit AND behaves like AND', () => {
    expect(matching('acme broken', ['acme broken', 'broken acme', 'acme fine'])).toEqual(['acme broken', 'broken acme']);
  });

  it('lower-case or is an ordinary word', () => {
    expect(matching('acme or broken', ['acme or broken?', 'acme broken'])).toEqual(['acme or broken?']);
  });

  it('applies precedence: a OR b c means a OR (b AND c)', () => {
    expect(matching('a OR b c', ['a', 'b', 'b c', 'c'])).toEqual(['a', 'b c']);
  });

  it('applies precedence: NOT a b means (NOT a) AND b', () => {
    expect(matching('NOT a b', ['b', 'a b', 'a'])).toEqual(['b']);
  });

  it('lets parentheses override precedence', () => {
    expect(matching('(a OR b) c', ['a', 'a c', 'b c', 'c'])).toEqual(['a c', 'b c']);
    expect(matching('NOT (a b) c', ['c', 'a c', 'a b c'])).toEqual(['c', 'a c']);
  });

  it('matches filter-only queries on every post that passes the filter', () => {
    expect(matches('platform:reddit', { text: 'anything', platform: 'reddit' })).toBe(true);
    expect(matches('platform:reddit', { text: 'anything', platform: 'x' })).toBe(false);
  });
});

describe('phrases', () => {
  it('match consecutive words in order', () => {
    expect(matching('"acme corp"', ['ACME Corp. is down', 'corp acme', 'acme big corp', 'acme, corp'])).toEqual([
      'ACME Corp. is down',
      'acme, corp',
    ]);
  });

  it('split on punctuation like the post does', () => {
    expect(matching('acme.com', ['visit acme.com now', 'acme com', 'acme and com'])).toEqual(['visit acme.com now', 'acme com']);
  });

  it('do not run from the title into the text', () => {
    expect(matches('"acme corp"', { title: 'I love acme', text: 'corp stuff' })).toBe(false);
    expect(matches('"acme corp"', { title: 'acme corp rocks', text: 'yes' })).toBe(true);
  });
});

describe('NEAR/n', () => {
  it('allows at most n words between the operands', () => {
    expect(matching('acme NEAR/2 broken', ['acme is so broken', 'acme is really so broken', 'acme broken'])).toEqual([
      'acme is so broken',
      'acme broken',
    ]);
  });

  it('matches in either order', () => {
    expect(matching('acme NEAR/2 broken', ['broken again, acme', 'broken again and again acme'])).toEqual(['broken again, acme']);
  });

  it('NEAR/0 means adjacent', () => {
    expect(matching('acme NEAR/0 app', ['acme app', 'app acme', 'acme mobile app'])).toEqual(['acme app', 'app acme']);
  });

  it('measures from the edges of phrase operands', () => {
    const query = '"late delivery" NEAR/5 acme';
    expect(
      matching(query, [
        'late delivery again from acme',
        'acme: 1 2 3 4 5 late delivery',
        'acme: 1 2 3 4 5 6 late delivery',
        'late delivery 1 2 3 4 5 6 acme',
      ]),
    ).toEqual(['late delivery again from acme', 'acme: 1 2 3 4 5 late delivery']);
  });

  it('works with phrases on both sides', () => {
    const query = '"acme corp" NEAR/1 "customer service"';
    expect(matching(query, ['customer service at acme corp', 'acme corp has bad customer service'])).toEqual([
      'customer service at acme corp',
    ]);
  });

  it('needs two separate occurrences when one word would satisfy both sides', () => {
    expect(matching('acme NEAR/3 acme', ['acme', 'acme and acme'])).toEqual(['acme and acme']);
    expect(matching('"acme corp" NEAR/3 corp', ['acme corp', 'acme corp corp'])).toEqual(['acme corp corp']);
  });

  it('accepts OR-groups and nested NEAR as operands', () => {
    const query = '(acme OR "acme corp") NEAR/2 (broken OR refund)';
    expect(matching(query, ['acme corp is broken', 'refund from acme', 'acme is not what broken means'])).toEqual([
      'acme corp is broken',
      'refund from acme',
    ]);
    expect(matching('a NEAR/1 b NEAR/1 c', ['a b c', 'c x a b', 'a b x x c'])).toEqual(['a b c', 'c x a b']);
  });

  it('does not reach from the title into the text', () => {
    expect(matches('acme NEAR/5 broken', { title: 'acme', text: 'broken' })).toBe(false);
    expect(matches('acme broken', { title: 'acme', text: 'broken' })).toBe(true);
  });
});

describe('words', () => {
  it('match case-insensitively', () => {
    expect(matching('ACME', ['acme', 'Acme', 'ACME'])).toHaveLength(3);
    expect(matches('acme', 'ACME!!')).toBe(true);
  });

  it('match whole words only', () => {
    expect(matching('acme', ['acmeville', 'pacme', 'acme_corp', 'acme2', '(acme)', "acme's", 'acme-ville', 'acme.'])).toEqual([
      '(acme)',
      "acme's",
      'acme-ville',
      'acme.',
    ]);
  });

  it('ignore accents in either the query or the post', () => {
    expect(matching('café', ['Café', 'CAFÉ', 'cafe', 'Cafe\u0301', 'cafés'])).toEqual(['Café', 'CAFÉ', 'cafe', 'Cafe\u0301']);
    expect(matches('cafe', 'un café')).toBe(true);
    expect(matches('Zürich', 'ZURICH')).toBe(true);
    expect(matches('İstanbul', 'istanbul')).toBe(true);
  });

  it('fold full-width letters', () => {
    expect(matches('acme', 'ＡＣＭＥ is down')).toBe(true);
  });

  it('keep marks that are part of a script spelling', () => {
    expect(matches('किताब', 'यह किताब अच्छी है')).toBe(true);
    expect(matches('कताब', 'यह किताब अच्छी है')).toBe(false);
  });

  it('are separated by emoji without losing the word', () => {
    expect(matching('acme', ['Acme😡', '😡acme😡', '👍🏽Acme', '👩‍💻acme', 'acme❤️'])).toHaveLength(5);
    expect(matches('"acme broken"', 'Acme😡broken')).toBe(true);
  });

  it('survive lone surrogates', () => {
    expect(matches('acme', 'acme\ud83d broken')).toBe(true);
  });
});

describe('CJK and other scripts without spaces', () => {
  const post = '任天堂のスイッチが壊れた';

  it('match a term inside an unsegmented run', () => {
    expect(matches('任天堂', post)).toBe(true);
    expect(matches('スイッチ', post)).toBe(true);
    expect(matches('壊れた', post)).toBe(true);
    expect(matches('ソニー', post)).toBe(false);
    expect(matches('任天堂 スイッチ', post)).toBe(true);
  });

  it('match characters in order only', () => {
    expect(matches('堂天任', post)).toBe(false);
  });

  it('match a Latin brand written against Japanese', () => {
    expect(matches('acme', 'Acmeの新製品が壊れた')).toBe(true);
    expect(matches('新製品', 'Acmeの新製品が壊れた')).toBe(true);
  });

  it('fold half-width katakana', () => {
    expect(matches('ｽｲｯﾁ', post)).toBe(true);
  });

  it('keep voicing marks distinct', () => {
    expect(matches('ガス', 'カス')).toBe(false);
    expect(matches('ガス', 'ｶﾞｽ')).toBe(true);
  });

  it('match Korean inside a word with particles attached', () => {
    expect(matches('삼성', '삼성전자가 좋아요')).toBe(true);
  });

  it('count NEAR distance in characters', () => {
    // 任天堂 … 壊: の ス イ ッ チ が = 6 characters between.
    expect(matches('任天堂 NEAR/6 壊れた', post)).toBe(true);
    expect(matches('任天堂 NEAR/5 壊れた', post)).toBe(false);
  });

  it('match CJK hashtags whole, and bare terms inside them', () => {
    expect(matches('#任天堂', '#任天堂 最高')).toBe(true);
    expect(matches('任天堂', '#任天堂 最高')).toBe(true);
    expect(matches('#任天堂', '任天堂が好き')).toBe(false);
  });
});

describe('hashtags and handles', () => {
  it('a bare word also matches the hashtag and the handle', () => {
    expect(matching('acme', ['#Acme is down', '@acme help', 'hi @ACME!'])).toHaveLength(3);
  });

  it('a hashtag matches only the hashtag', () => {
    expect(matching('#acme', ['#ACME is down', 'acme is down', '@acme is down'])).toEqual(['#ACME is down']);
  });

  it('a handle matches only the mention', () => {
    expect(matching('@acme', ['@Acme help', 'acme help', '#acme help'])).toEqual(['@Acme help']);
  });

  it('a tag is one whole word', () => {
    expect(matching('acme', ['#AcmeFail', '@acme_support'])).toEqual([]);
    expect(matches('#acmefail', '#AcmeFail again')).toBe(true);
  });

  it('does not read e-mail addresses or C# as tags', () => {
    expect(matches('@acme', 'mail support@acme.com')).toBe(false);
    expect(matches('acme', 'mail support@acme.com')).toBe(true);
    expect(matches('#net', 'c#net')).toBe(false);
  });

  it('a tag can start a phrase', () => {
    expect(matches('"#acme down"', '#acme down again')).toBe(true);
    expect(matches('"acme down"', '#acme down again')).toBe(true);
  });

  it('a handle matches the mentions the platform reports beside the text', () => {
    const reply = { text: 'still waiting', mentions: ['@AcmeSupport'] };
    expect(matches('@acmesupport', reply)).toBe(true);
    expect(matches('acmesupport', reply)).toBe(true);
    expect(matches('"acmesupport still"', reply)).toBe(false);
  });

  it('author: compares the author handle', () => {
    const ownPost = { text: 'acme news', authorHandle: '@Acme' };
    expect(matches('author:acme', ownPost)).toBe(true);
    expect(matches('acme -author:acme', ownPost)).toBe(false);
    expect(matches('acme -author:acme', { text: 'acme news', authorHandle: 'fan' })).toBe(true);
  });
});

describe('lang: and platform: filters', () => {
  it('lang: matches the language and its regional variants', () => {
    expect(matches('acme lang:en', { text: 'acme', lang: 'en' })).toBe(true);
    expect(matches('acme lang:en', { text: 'acme', lang: 'en-GB' })).toBe(true);
    expect(matches('acme lang:en', { text: 'acme', lang: 'EN' })).toBe(true);
    expect(matches('acme lang:en', { text: 'acme', lang: 'eng' })).toBe(false);
    expect(matches('acme lang:en', { text: 'acme', lang: 'es' })).toBe(false);
    expect(matches('acme lang:en', { text: 'acme' })).toBe(false);
    expect(matches('acme lang:en-gb', { text: 'acme', lang: 'en-GB' })).toBe(true);
    expect(matches('acme lang:en-gb', { text: 'acme', lang: 'en' })).toBe(false);
  });

  it('platform: matches the platform exactly, ignoring case', () => {
    expect(matches('acme platform:reddit', { text: 'acme', platform: 'Reddit' })).toBe(true);
    expect(matches('acme platform:reddit', { text: 'acme', platform: 'reddit-comments' })).toBe(false);
    expect(matches('acme -platform:reddit', { text: 'acme', platform: 'x' })).toBe(true);
    expect(matches('acme (platform:x OR platform:reddit)', { text: 'acme', platform: 'x' })).toBe(true);
  });
});
