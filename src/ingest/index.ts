/**
 * ingest (汇) — files into dataset versions: readers (CSV/TSV, XLSX, JSON, NDJSON, Parquet),
 * encodings (UTF-8, GBK, GB18030), header mapping, cleaning, validation against data elements,
 * quarantine of rejected rows, quality reports and ingest jobs.
 */
export { ingestFile, ingestTarget } from './ingestFile.ts';
export { previewFile, type Preview } from './preview.ts';
export { ingestJobs, failInterruptedJobs } from './jobs.ts';
export { sweepWorkDirs, makeWorkDir, removeWorkDir } from './workDirs.ts';
export { jsonDepth, MAX_JSON_DEPTH } from './readers/jsonDepth.ts';
export { warmParser } from './readers/parseIsolated.ts';
export { quarantine } from './quarantineRead.ts';
export { ingestSettings, type SettingsView, type FieldSettingsView } from './settings.ts';
export { ingestRoutes } from './routes.ts';
export { proposeMapping, SYNONYMS, type ColumnMatch } from './mapping.ts';
export { detectEncoding } from './encoding.ts';
export { cycleDays } from './quality.ts';
export { FIELD_RULES, DATASET_RULES } from './rules.ts';
export type {
  IngestInput, IngestJob, IngestFormat, IngestEncoding, IngestProgress, ErrorLimit, HeaderMapping, CleaningSettings, FieldCleaning,
  FieldRules, ReferenceRule, RuleSettings, IngestSettings, QualityReport, FieldQuality, QualityDimension, JobStatus, QuarantineFailure,
} from './types.ts';
export { QUALITY_DIMENSIONS, INGEST_FORMATS, INGEST_ENCODINGS } from './types.ts';
