/**
 * classify — personal-information scanning and classification suggestions (分类分级建议): which
 * kind of personal information a column holds, and the level, data element and mask to suggest.
 * Pure functions over a sample of values; no I/O.
 */
export { scanColumn, MAX_SAMPLE } from './PiiScanner.ts';
export type { PiiColumn, PiiFinding } from './PiiScanner.ts';
export { suggestClassification } from './suggest.ts';
export type { ClassifiedField, ClassificationSuggestion } from './suggest.ts';
export { PII_KINDS, KIND_POLICY } from './kinds.ts';
export type { PiiKind, KindPolicy, Level } from './kinds.ts';
