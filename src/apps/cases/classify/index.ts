/**
 * Classifying citizens' reports (12345 hotline, web) into the platform's first-level categories:
 * a model trained in seconds on the case history, retrained as handlers correct categories.
 */
export { trainClassifier, loadClassifier, DEFAULT_SETTINGS } from './model.ts';
export type { Example, Candidate, Prediction, Classifier, Settings } from './model.ts';
export { taxonomyLexicon } from './taxonomy.ts';
