import { z } from 'zod';

/** A message that could not be processed, with enough context to replay it by hand. */
export const DeadLetterSchema = z.strictObject({
  topic: z.string(),
  key: z.string().nullable(),
  /** The original message value, verbatim (it may not be valid JSON). */
  value: z.string(),
  error: z.string(),
  attempts: z.number().int().nonnegative(),
  group: z.string(),
  failedAt: z.iso.datetime({ offset: true }),
  partition: z.number().int().optional(),
  offset: z.string().optional(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
