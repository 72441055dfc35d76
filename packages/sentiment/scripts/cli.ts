// Minimal argument parsing shared by the scripts: `--flag value...`.
// A flag may take several values (up to the next `--flag`); `--flag` alone is true.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseSentimentTsv, type LabelledText } from '../src/data.js';

export type ParsedArgs = Map<string, string[]>;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: ParsedArgs = new Map();
  let current: string[] | undefined;
  for (const arg of argv) {
    if (arg === '--') continue; // pnpm forwards a bare "--" before script arguments
    if (arg.startsWith('--')) {
      current = [];
      args.set(arg.slice(2), current);
    } else if (current !== undefined) {
      current.push(arg);
    } else {
      throw new Error(`Unexpected argument ${arg}; flags start with --`);
    }
  }
  return args;
}

export function single(args: ParsedArgs, name: string, fallback?: string): string {
  const values = args.get(name);
  const value = values?.[0] ?? fallback;
  if (value === undefined) throw new Error(`Missing --${name}`);
  return value;
}

export function numberArg(args: ParsedArgs, name: string, fallback: number): number {
  const raw = args.get(name)?.[0];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${raw}`);
  return value;
}

/** Expands directories into their *.tsv files (sorted, for determinism). */
export function expandTsvPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name.endsWith('.tsv')) files.push(join(path, name));
    } else {
      files.push(path);
    }
  }
  return files;
}

export function readTsv(path: string): LabelledText[] {
  const { rows, skipped } = parseSentimentTsv(readFileSync(path, 'utf8'));
  if (skipped > 0) console.error(`${path}: skipped ${skipped} rows without a valid label`);
  return rows;
}
