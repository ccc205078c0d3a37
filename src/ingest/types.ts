import type { Queryable } from '../control/index.ts';
import type { VersionInfo, WriteMode } from '../lake/index.ts';

export type IngestFormat = 'csv' | 'tsv' | 'json' | 'ndjson' | 'parquet' | 'xlsx';
export const INGEST_FORMATS: IngestFormat[] = ['csv', 'tsv', 'json', 'ndjson', 'parquet', 'xlsx'];

/** Text encodings a file may come in. Everything that is not UTF-8 is transcoded before reading. */
export type IngestEncoding = 'utf-8' | 'utf-8-bom' | 'gbk' | 'gb18030' | 'utf-16le' | 'utf-16be';
export const INGEST_ENCODINGS: IngestEncoding[] = ['utf-8', 'utf-8-bom', 'gbk', 'gb18030', 'utf-16le', 'utf-16be'];

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
/** A job's status as people read it: `partial` is a succeeded job that rejected rows. */
export type JobOutcome = 'running' | 'succeeded' | 'partial' | 'failed';
export const JOB_OUTCOMES: JobOutcome[] = ['running', 'succeeded', 'partial', 'failed'];
/** Where a job came from: a console upload, the govhub command, a connector source (database, sensors), the push API, the demo city. */
export type JobOrigin = 'upload' | 'cli' | 'source' | 'push' | 'demo';
export const JOB_ORIGINS: JobOrigin[] = ['upload', 'cli', 'source', 'push', 'demo'];

/** Fail the job (and write no version) when more rows than this are rejected. */
export interface ErrorLimit {
  /** Most rejected rows allowed. */
  count?: number;
  /** Largest share (0..1) of rejected rows among rows read. */
  share?: number;
}

/** Source header → field name (null: ignore the column). */
export type HeaderMapping = Record<string, string | null>;

/** Cleaning switches of one field; anything left out takes the field's default. */
export interface FieldCleaning {
  /** Remove leading / trailing spaces (incl. ideographic space), tabs and line breaks. */
  trim?: boolean;
  /** Full-width letters, digits and punctuation → ASCII. */
  halfWidth?: boolean;
  /** The data element's normalisation: ID 15→18, date forms → ISO, 男 → 1, … */
  normalize?: boolean;
  /** Date forms (2024/1/5, 2024年1月5日, 20240105) → ISO, for date / timestamp fields without an element. */
  date?: boolean;
  /** Code-value mapping applied to the trimmed value, e.g. { "男": "1", "女": "2" }. */
  codeMap?: Record<string, string> | null;
}
export type CleaningSettings = Record<string, FieldCleaning>;

/** Validation rules of one field beyond required, type and data element. */
export interface FieldRules {
  /** Regular expression the whole value must match (RE2 syntax). */
  pattern?: string | null;
  /** Allowed values. */
  enum?: string[] | null;
  /** Numeric or date bounds (inclusive). */
  min?: number | string | null;
  max?: number | string | null;
  /** Length bounds for text. */
  minLength?: number | null;
  maxLength?: number | null;
}

/** Every value of `fields` must exist as the key of another dataset (its current version). */
export interface ReferenceRule {
  fields: string[];
  dataset: string;
  /** Key fields of the other dataset (default: its primary key). */
  key?: string[];
}

export interface RuleSettings {
  fields?: Record<string, FieldRules>;
  references?: ReferenceRule[];
  /** Unique key (default: the dataset's primary key). */
  unique?: string[];
}

export interface IngestSettings {
  cleaning: CleaningSettings;
  rules: RuleSettings;
}

export interface IngestProgress {
  stage: string;
  /** 0..100 over the whole job. */
  percent: number;
  rows?: number;
}

/** One failure of one rejected row, as the quarantine records it. */
export interface QuarantineFailure {
  /** 1-based data row (for staged batches: the line). */
  row: number;
  field: string | null;
  rule: string;
  reason: string | null;
  value: string | null;
}

export interface IngestInput {
  datasetCode: string;
  /** Path of the file to read. */
  file: string;
  /**
   * The file was written by govhub itself (a database sync's TSV, pushed records, sensor readings)
   * and is read in this process. Anything else — uploads, files named on the command line — is
   * parsed in a process of its own under memory and time caps.
   */
  staged?: boolean;
  /** Called with the quarantined failures (in row order) before the version commits. */
  onFailures?: (failures: QuarantineFailure[]) => void;
  /** Name of the source (the uploaded file name); keys the saved mapping. Default: the file's base name. */
  sourceName?: string;
  mode?: WriteMode;
  format?: IngestFormat;
  encoding?: IngestEncoding;
  delimiter?: string;
  /** XLSX: sheet name or 1-based index (default: the first sheet). */
  sheet?: string | number;
  mapping?: HeaderMapping;
  /** Overrides of the dataset's saved cleaning switches for this run. */
  cleaning?: CleaningSettings;
  /** Overrides of the dataset's saved rules for this run. */
  rules?: RuleSettings;
  errorLimit?: ErrorLimit;
  /** The job this one re-runs with a corrected file. */
  retryOf?: string;
  /** Where the job comes from (default: `upload`). */
  origin?: JobOrigin;
  onProgress?: (p: IngestProgress) => void;
  /** Called with the job id as soon as the job is recorded (before any work). */
  onStart?: (jobId: string) => void;
  /**
   * Runs inside the transaction that commits the new version (after the job record), so state
   * kept by the caller — a sync cursor, an idempotency record — commits with the version or not at all.
   */
  onCommit?: (tx: Queryable, v: VersionInfo) => Promise<void>;
}

export type QualityDimension = 'conformity' | 'completeness' | 'accuracy' | 'consistency' | 'timeliness' | 'uniqueness';
export const QUALITY_DIMENSIONS: { id: QualityDimension; title: string }[] = [
  { id: 'conformity', title: '规范性' },
  { id: 'completeness', title: '完整性' },
  { id: 'accuracy', title: '准确性' },
  { id: 'consistency', title: '一致性' },
  { id: 'timeliness', title: '时效性' },
  { id: 'uniqueness', title: '唯一性' },
];

/** Score 0–100, or null where the dimension does not apply. */
export type Scores = Record<QualityDimension, number | null>;

export interface FieldQuality {
  field: string;
  title: string;
  /** Rows with a value (after cleaning). */
  filled: number;
  /** Failures by rule. */
  failures: Record<string, number>;
  scores: Scores;
  score: number | null;
}

/** Quality report (GB/T 36344) of one batch. */
export interface QualityReport {
  rows: number;
  scores: Scores;
  /** Mean of the applicable dimensions. */
  score: number;
  fields: FieldQuality[];
  /** Failures by rule over the whole batch. */
  failures: Record<string, number>;
}

/** What one ingest did. */
export interface IngestJob {
  jobId: string;
  datasetId: string;
  datasetCode: string;
  status: JobStatus;
  /** The status as people read it: `partial` when a version was written but rows were rejected. */
  outcome: JobOutcome;
  origin: JobOrigin;
  mode: WriteMode;
  sourceName: string;
  format: IngestFormat | null;
  encoding: IngestEncoding | null;
  delimiter: string | null;
  rowsRead: number;
  accepted: number;
  rejected: number;
  /** Version written, null when the job failed. */
  version: number | null;
  seconds: number;
  quality: QualityReport | null;
  /** Quarantine file (relative to the data directory), null when nothing was rejected. */
  quarantineFile: string | null;
  /** Failure entries in the quarantine (one per failed rule and row). */
  quarantineRows: number;
  mapping: HeaderMapping | null;
  error: string | null;
  retryOf: string | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Where a running job is; null once it has ended. */
  progress: IngestProgress | null;
}
