import type { z } from 'zod';

/** `teams[1].lead` — the spelling people use to find a field in YAML or JSON. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out;
}

export interface FieldProblem {
  path: string;
  message: string;
}

export function describeZodError(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** One line naming every bad field, for logs and error responses. */
export function summarizeZodError(error: z.ZodError): string {
  return describeZodError(error)
    .map((p) => (p.path ? `${p.path}: ${p.message}` : p.message))
    .join('; ');
}
