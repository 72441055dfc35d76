// Reader for labelled TSV files: `id <TAB> label <TAB> text`, as in the
// SemEval Task 4A exports (some rows quoted CSV-style, some with a trailing
// empty column, older ones with JSON-style \uXXXX escapes).

import { isSentimentLabel, type SentimentLabel } from './labels.js';

export interface LabelledText {
  id: string;
  label: SentimentLabel;
  text: string;
}

const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/g;

function cleanText(raw: string): string {
  let text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    text = text.slice(1, -1).replace(/\\?""/g, '"');
  }
  if (text.includes('\\u')) text = text.replace(UNICODE_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return text.replace(/\\"/g, '"');
}

/**
 * Parses TSV content. Rows whose label is not negative/neutral/positive are
 * skipped and counted, so a header line or a stray record does not abort a run.
 */
export function parseSentimentTsv(content: string): { rows: LabelledText[]; skipped: number } {
  const rows: LabelledText[] = [];
  let skipped = 0;
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const firstTab = line.indexOf('\t');
    const secondTab = firstTab < 0 ? -1 : line.indexOf('\t', firstTab + 1);
    if (secondTab < 0) {
      skipped++;
      continue;
    }
    const label = line.slice(firstTab + 1, secondTab).trim();
    if (!isSentimentLabel(label)) {
      skipped++;
      continue;
    }
    rows.push({ id: line.slice(0, firstTab).trim(), label, text: cleanText(line.slice(secondTab + 1)) });
  }
  return { rows, skipped };
}

/**
 * Files training and model selection must never see: SemEval 2016's test
 * file (`twitter-2016test-A.tsv`, any name containing "2016test") and the
 * repo's hand-written held-out brand posts (any name containing
 * "held-out" or "heldout"); case-insensitive.
 */
export function isHeldOutTestFile(path: string): boolean {
  const name = path.split(/[\\/]/).pop() ?? path;
  return /2016[-_ ]?test|held[-_ ]?out/i.test(name);
}

/** Development files used for model selection and decision-bias tuning (2016 dev and devtest). */
export function isDevelopmentFile(path: string): boolean {
  const name = path.split(/[\\/]/).pop() ?? path;
  return /2016[-_ ]?dev/i.test(name);
}
