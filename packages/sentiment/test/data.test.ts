import { describe, expect, it } from 'vitest';
import { parseSentimentTsv } from '../src/index.js';
import { isDevelopmentFile, isHeldOutTestFile } from '../src/data.js';

describe('parseSentimentTsv', () => {
  it('reads id, label and text, unquoting and unescaping text', () => {
    const content = [
      '1\tpositive\tlove it :)',
      '2\tnegative\t"on hold, ""again"""\t',
      '3\tneutral\tIt\\u2019s 5pm\\u002c folks',
      'id\tlabel\ttext',
      '4\tobjective\tsomething',
      '',
    ].join('\n');
    const { rows, skipped } = parseSentimentTsv(content);
    expect(rows).toEqual([
      { id: '1', label: 'positive', text: 'love it :)' },
      { id: '2', label: 'negative', text: 'on hold, "again"' },
      { id: '3', label: 'neutral', text: 'It’s 5pm, folks' },
    ]);
    expect(skipped).toBe(2);
  });
});

describe('data file roles', () => {
  it('recognises the held-out 2016 test file and the development files', () => {
    expect(isHeldOutTestFile('/data/twitter-2016test-A.tsv')).toBe(true);
    expect(isHeldOutTestFile('twitter-2016devtest-A.tsv')).toBe(false);
    expect(isHeldOutTestFile('twitter-2013test-A.tsv')).toBe(false);
    expect(isHeldOutTestFile('packages/sentiment/test/held-out-brand-posts.tsv')).toBe(true);
    expect(isHeldOutTestFile('packages/sentiment/model/curated-brand-posts.tsv')).toBe(false);
    expect(isDevelopmentFile('twitter-2016dev-A.tsv')).toBe(true);
    expect(isDevelopmentFile('twitter-2016devtest-A.tsv')).toBe(true);
    expect(isDevelopmentFile('twitter-2016train-A.tsv')).toBe(false);
  });
});
