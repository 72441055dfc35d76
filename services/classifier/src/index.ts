export { buildClassifier, type Classifier, type ClassifierDeps } from './classifier.js';
export { ClassifierEnvSchema, loadClassifierEnv, type ClassifierEnv } from './env.js';
export { createClassifierMetrics, type ClassifierMetrics } from './metrics.js';
export { CLASSIFIER_GROUP, classifierService } from './service.js';
