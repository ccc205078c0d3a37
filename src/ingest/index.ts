/**
 * ingest (汇) — files into dataset versions: readers (CSV/TSV, XLSX, JSON, NDJSON, Parquet),
 * encodings (UTF-8, GBK, GB18030), header mapping, cleaning, validation against data elements,
 * quarantine of rejected rows, quality reports and ingest jobs.
 */
export { ingestFile, ingestTarget } from './jobs/ingestFile.ts';
export { previewFile, type Preview } from './jobs/preview.ts';
export { ingestJobs, failInterruptedJobs, recordFailedRun, OUTCOME_SQL } from './jobs/jobs.ts';
export { sweepWorkDirs, makeWorkDir, removeWorkDir } from './jobs/workDirs.ts';
export { jsonDepth, MAX_JSON_DEPTH } from './readers/jsonDepth.ts';
export { warmParser } from './readers/parseIsolated.ts';
export { quarantine } from './jobs/quarantineRead.ts';
export { ingestSettings, type SettingsView, type FieldSettingsView } from './jobs/settings.ts';
export { ingestRoutes } from './routes.ts';
export { proposeMapping, SYNONYMS, type ColumnMatch } from './pipeline/mapping.ts';
export { detectEncoding, decodeText } from './readers/encoding.ts';
export { checkInflatedSize } from './readers/inflateCap.ts';
export { cycleDays } from './pipeline/quality.ts';
export { FIELD_RULES, DATASET_RULES } from './pipeline/rules.ts';
export type {
  IngestInput, IngestJob, IngestFormat, IngestEncoding, IngestProgress, ErrorLimit, HeaderMapping, CleaningSettings, FieldCleaning,
  FieldRules, ReferenceRule, RuleSettings, IngestSettings, QualityReport, FieldQuality, QualityDimension, JobStatus, JobOutcome, JobOrigin, QuarantineFailure,
} from './types.ts';
export { QUALITY_DIMENSIONS, INGEST_FORMATS, INGEST_ENCODINGS, JOB_OUTCOMES, JOB_ORIGINS } from './types.ts';
