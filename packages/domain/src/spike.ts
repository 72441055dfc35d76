import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });

/**
 * A burst of negative mentions for one brand, well above its baseline: a
 * possible crisis. Published by the classifier on `alerts.spikes`, keyed by
 * brand id; the router alerts the crisis team once per spike id.
 */
export const SpikeAlertSchema = z.strictObject({
  /** `spike:<brandId>:<windowStart>`: the same spike always has the same id. */
  id: z.string().min(1),
  brandId: z.string().min(1),
  windowStart: isoTime,
  windowEnd: isoTime,
  negativeCount: z.number().int().nonnegative(),
  baselineMean: z.number().nonnegative(),
  baselineDeviation: z.number().nonnegative(),
  examples: z
    .array(
      z.strictObject({
        mentionId: z.string().min(1),
        text: z.string(),
        url: z.url().optional(),
        authorHandle: z.string(),
        followers: z.number().int().nonnegative().optional(),
      }),
    )
    .max(10),
  detectedAt: isoTime,
});
export type SpikeAlert = z.infer<typeof SpikeAlertSchema>;
