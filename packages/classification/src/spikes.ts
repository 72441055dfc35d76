import type { SpikeAlert } from '@earshot/domain';

export const SPIKE_SETTINGS = {
  /** Negative mentions are counted per brand in windows this long (ms), aligned to the epoch. */
  windowMs: 5 * 60 * 1_000,
  /** Weight of the newest window in the exponentially weighted mean and variance (half-life ≈ 6.6 windows). */
  alpha: 0.1,
  /** A window is a spike when its count exceeds the mean by this many deviations… */
  deviations: 4,
  /** …and reaches at least this many negative mentions (a quiet brand going from 0 to 3 is not a crisis). */
  minNegative: 10,
  /** Windows of history needed before alerting, so the first minutes after install are not all spikes. */
  warmupWindows: 12,
  /** Posts older than this (ms) are a backlog being caught up, not volume happening now. */
  freshnessMs: 60 * 60 * 1_000,
  /** Examples kept per window, the most urgent first. */
  examples: 5,
  /** Longest gap folded window by window; after that the baseline is all but zero anyway. */
  maxFoldedWindows: 10_000,
} as const;

export type SpikeExample = SpikeAlert['examples'][number] & { urgency: number };

/** One brand's baseline and current window: what must survive restarts (the service keeps it in PostgreSQL). */
export interface BrandSpikeState {
  brandId: string;
  /** Start of the window being counted, epoch ms. */
  windowStart: number;
  negativeCount: number;
  examples: SpikeExample[];
  /** Exponentially weighted mean and variance of negative mentions per closed window. */
  mean: number;
  variance: number;
  windowsObserved: number;
  /** The spike in progress, alerted once; cleared by the first closed window below the threshold. */
  activeSpikeId: string | null;
}

export interface NegativeMention {
  mentionId: string;
  brandIds: readonly string[];
  /** ISO time the post was published. */
  createdAt: string;
  urgency: number;
  text: string;
  url?: string;
  authorHandle: string;
  followers?: number;
}

/** Longest example text in an alert: enough to read the complaint, short enough for a Slack message. */
const EXAMPLE_TEXT_CHARS = 280;

/**
 * Counts negative mentions per brand in short windows and compares each
 * window with the brand's exponentially weighted baseline. Raises one alert
 * per spike: the first time a window crosses the threshold while no spike is
 * in progress; the spike ends with the first closed window back under it.
 * Time comes from the caller (`now`), so tests drive it with a fake clock.
 */
export class SpikeDetector {
  private readonly states: Map<string, BrandSpikeState>;
  private readonly changed = new Set<string>();

  constructor(initial: Iterable<BrandSpikeState> = []) {
    this.states = new Map([...initial].map((state) => [state.brandId, state]));
  }

  /** Records one negative mention for each of its brands; returns the alerts it triggers (at most one per brand). */
  observe(mention: NegativeMention, now: number): SpikeAlert[] {
    if (now - Date.parse(mention.createdAt) > SPIKE_SETTINGS.freshnessMs) return [];
    const alerts: SpikeAlert[] = [];
    for (const brandId of mention.brandIds) {
      const state = this.advance(brandId, now);
      state.negativeCount += 1;
      keepExample(state, mention);
      this.changed.add(brandId);
      const threshold = thresholdOf(state);
      if (state.activeSpikeId === null && state.windowsObserved >= SPIKE_SETTINGS.warmupWindows && state.negativeCount >= threshold) {
        const windowStart = new Date(state.windowStart).toISOString();
        state.activeSpikeId = `spike:${brandId}:${windowStart}`;
        alerts.push({
          id: state.activeSpikeId,
          brandId,
          windowStart,
          windowEnd: new Date(state.windowStart + SPIKE_SETTINGS.windowMs).toISOString(),
          negativeCount: state.negativeCount,
          baselineMean: round(state.mean),
          baselineDeviation: round(Math.sqrt(state.variance)),
          examples: state.examples.map(({ urgency: _urgency, ...example }) => example),
          detectedAt: new Date(now).toISOString(),
        });
      }
    }
    return alerts;
  }

  /** States changed since the detector was built, for writing back. */
  changes(): BrandSpikeState[] {
    return [...this.changed].map((brandId) => this.states.get(brandId)!);
  }

  /** The brand's state with every window closed before `now` folded into the baseline. */
  private advance(brandId: string, now: number): BrandSpikeState {
    const currentStart = Math.floor(now / SPIKE_SETTINGS.windowMs) * SPIKE_SETTINGS.windowMs;
    let state = this.states.get(brandId);
    if (state === undefined) {
      state = newSpikeState(brandId, now);
      this.states.set(brandId, state);
      return state;
    }
    if (currentStart <= state.windowStart) return state;
    const closedWindows = Math.min(SPIKE_SETTINGS.maxFoldedWindows, (currentStart - state.windowStart) / SPIKE_SETTINGS.windowMs);
    fold(state, state.negativeCount);
    for (let empty = 1; empty < closedWindows; empty += 1) fold(state, 0);
    state.windowStart = currentStart;
    state.negativeCount = 0;
    state.examples = [];
    return state;
  }
}

/** A brand with no history yet, counting the window that contains `now`. */
export function newSpikeState(brandId: string, now: number): BrandSpikeState {
  const windowStart = Math.floor(now / SPIKE_SETTINGS.windowMs) * SPIKE_SETTINGS.windowMs;
  return { brandId, windowStart, negativeCount: 0, examples: [], mean: 0, variance: 0, windowsObserved: 0, activeSpikeId: null };
}

/** Negative mentions a window needs to count as a spike against this baseline. */
function thresholdOf(state: BrandSpikeState): number {
  // Counts are roughly Poisson: the deviation is at least √mean, and at least
  // 1 so a perfectly flat history does not make every extra mention a spike.
  const deviation = Math.max(Math.sqrt(state.variance), Math.sqrt(state.mean), 1);
  return Math.max(SPIKE_SETTINGS.minNegative, state.mean + SPIKE_SETTINGS.deviations * deviation);
}

/** Closes a window: ends the spike in progress if the window fell back under the threshold, then updates the baseline. */
function fold(state: BrandSpikeState, count: number): void {
  if (state.activeSpikeId !== null && count < thresholdOf(state)) state.activeSpikeId = null;
  // A plain average until there are 1/alpha windows, so the first windows are not weighed against a made-up zero.
  const alpha = Math.max(SPIKE_SETTINGS.alpha, 1 / (state.windowsObserved + 1));
  const difference = count - state.mean;
  const increment = alpha * difference;
  state.mean += increment;
  state.variance = (1 - alpha) * (state.variance + difference * increment);
  state.windowsObserved += 1;
}

function keepExample(state: BrandSpikeState, mention: NegativeMention): void {
  const example: SpikeExample = {
    mentionId: mention.mentionId,
    text: mention.text.length > EXAMPLE_TEXT_CHARS ? `${mention.text.slice(0, EXAMPLE_TEXT_CHARS - 1)}…` : mention.text,
    authorHandle: mention.authorHandle,
    urgency: mention.urgency,
    ...(mention.url === undefined ? {} : { url: mention.url }),
    ...(mention.followers === undefined ? {} : { followers: mention.followers }),
  };
  const examples = [...state.examples, example].sort((a, b) => b.urgency - a.urgency || (b.followers ?? 0) - (a.followers ?? 0));
  state.examples = examples.slice(0, SPIKE_SETTINGS.examples);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
