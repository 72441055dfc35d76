import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_CONFIG, FeatureExtractor } from '../src/index.js';
import { emojiLabelledExample } from '../src/distant.js';
import { buildFeatureMatrix } from '../src/training.js';

const texts = (text: string) => emojiLabelledExample(text)?.tokens.map((token) => token.text);

describe('emojiLabelledExample', () => {
  it('labels a care post by its polar emoji and emoticons', () => {
    expect(emojiLabelledExample('@acme app keeps crashing 😡')?.label).toBe('negative');
    expect(emojiLabelledExample('@acme sorted in minutes, thanks :)')?.label).toBe('positive');
    expect(emojiLabelledExample('@acme 😍 love the new update 👍')?.label).toBe('positive');
  });

  it('cuts the marks it was labelled by, leaving a clause break, and keeps neutral emoji', () => {
    expect(texts('@acme app keeps crashing 😡 again')).toEqual(['<user>', 'app', 'keeps', 'crashing', '.', 'again']);
    expect(texts('still no refund :( 🤔')).toEqual(['still', 'no', 'refund', '.', '🤔']);
  });

  it('skips posts without polar marks or with marks pointing both ways', () => {
    expect(emojiLabelledExample('@acme where is my parcel')).toBeUndefined();
    expect(emojiLabelledExample('@acme where is my parcel 🤔')).toBeUndefined();
    expect(emojiLabelledExample('love the app 😍 but it crashes 😡')).toBeUndefined();
  });

  it('gives training rows whose features no longer contain the label marks', () => {
    const extractor = new FeatureExtractor(DEFAULT_FEATURE_CONFIG);
    const labelled = emojiLabelledExample('app keeps crashing 😡')!;
    const withoutMark = buildFeatureMatrix(extractor, [{ text: 'app keeps crashing .', label: 'negative' }]);
    const fromExample = buildFeatureMatrix(extractor, [labelled]);
    expect(Array.from(fromExample.indices)).toEqual(Array.from(withoutMark.indices));
    expect(Array.from(fromExample.labels)).toEqual([0]);
  });
});
