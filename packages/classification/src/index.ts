export { addressedHandle, brandHandles } from './brands.js';
export {
  BURST_SETTINGS,
  BurstIndex,
  burstKeys,
  readMention,
  type BurstEntry,
  type BurstKeys,
  type BurstMatch,
  type MentionReading,
} from './bursts.js';
export { categorize, PR_RISK, type CategoryInput } from './category.js';
export {
  classify,
  compileClassifierRules,
  RULES_VERSION,
  spikeInput,
  type ClassifierRules,
  type ClassifyContext,
  type MentionVerdict,
  type SentimentScorer,
} from './classify.js';
export { CUE_REASONS, detectCues, INTENT_CUES, isQuestion, type IntentCue } from './cues.js';
export { compileNoiseRules, SPAM_LIMITS, spamReasons, type NoiseRules } from './noise.js';
export { priorityFor, type PriorityThresholds } from './priority.js';
export { newSpikeState, SPIKE_SETTINGS, SpikeDetector, type BrandSpikeState, type NegativeMention, type SpikeExample } from './spikes.js';
export { readText, type TextSignals } from './text.js';
export { compactCount, CUE_POINTS, scoreUrgency, URGENCY_POINTS, type UrgencyInput } from './urgency.js';
