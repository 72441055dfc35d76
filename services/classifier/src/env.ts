import { parseEnv } from '@earshot/runtime';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** The classifier's own environment, on top of the common one (DESIGN.md, "Environment"). */
export const ClassifierEnvSchema = z.object({
  /** Most mentions classified and stored in one transaction. */
  EARSHOT_CLASSIFIER_BATCH_SIZE: positiveInt.max(5_000).default(500),
  /**
   * How often (ms) the outbox is checked for messages left unpublished by a
   * failed publish or a crash between commit and publish; each batch also
   * publishes its own messages right after its commit.
   */
  EARSHOT_CLASSIFIER_OUTBOX_RETRY_MS: positiveInt.default(2_000),
});
export type ClassifierEnv = Readonly<z.infer<typeof ClassifierEnvSchema>>;

export function loadClassifierEnv(rawEnv: Record<string, string | undefined>): ClassifierEnv {
  return parseEnv(ClassifierEnvSchema, rawEnv);
}
