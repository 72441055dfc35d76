export { baselineSentiment } from './baseline.js';
export { parseSentimentTsv, type LabelledText } from './data.js';
export { DEFAULT_FEATURE_CONFIG, FEATURE_PIPELINE_VERSION, FeatureExtractor, type FeatureConfig, type SparseFeatures } from './features.js';
export { isSentimentLabel, SENTIMENT_LABELS, type SentimentLabel, type SentimentResult } from './labels.js';
export { analyzeLexicon, LEXICON_FEATURE_NAMES, LEXICON_VERSION, type LexiconAnalysis } from './lexicon.js';
export {
  classificationReport,
  confusionMatrix,
  evaluateLabels,
  type ClassificationReport,
  type ClassMetrics,
  type ConfusionMatrix,
} from './metrics.js';
export { loadSentimentModel, loadSentimentModelFrom, SHIPPED_MODEL_PATH } from './model-file.js';
export { SentimentModel } from './model.js';
export { markedText, tokenize, type Token, type TokenKind } from './normalize.js';
