// Shapes of the API answers the console reads. Those the server names in its OpenAPI document
// (components with an $id) come from the generated api-types.ts (`npm run api-types`).
import type { components } from './api-types.ts';

type Schemas = components['schemas'];

export type Department = Schemas['Department'];
export type User = Schemas['User'];
export type ApiToken = Schemas['ApiToken'];
export interface AuditEvent {
  seq: number; id: string; ts: string; actorId: string | null; actorName: string; actorDepartmentId: string | null; action: string; objectType: string;
  objectId: string | null; departmentId: string | null; subjectKeys: string[]; details: Record<string, unknown>; prevHash: string; hash: string;
}
export interface VerifyResult {
  ok: boolean; checked: number; headSeq: number; headHash: string;
  checkpoints: { checked: number; latestSeq: number | null };
  firstBad?: { seq: number; id: string | null; reason: string };
}
export type DatasetField = Schemas['DatasetField'];
export type Sensitivity = DatasetField['sensitivity'];
export type Dataset = Schemas['Dataset'];
/** A version; its department and admins also see the files, writer, job, source and quality score. */
export type DatasetVersion = Schemas['DatasetVersion'];
export interface RowsPage {
  columns: { name: string; title: string; type: string; sensitivity: string; masked: boolean }[];
  rows: Record<string, unknown>[];
  total: number;
  /** Why the caller may read: owner (in clear), admin or unconditional (L3/L4 masked). */
  basis: 'owner' | 'admin' | 'unconditional';
}

// ---- standards (数据元)
export interface ElementParamSpec { name: string; type: 'string' | 'number' | 'boolean' | 'string[]' | 'codes'; title: string; titleEn?: string; required?: boolean }
export interface ElementInfo {
  id: string; title: string; titleEn: string; description: string; descriptionEn?: string; standard?: string; normalizes: boolean; reasons: string[];
  params?: ElementParamSpec[]; kind: 'builtin' | 'template' | 'custom';
  /** Code → name of a coded element (性别, 民族, a custom code table). */
  codes?: Record<string, string>; codesEn?: Record<string, string>;
}
export interface ValidationResult { ok: boolean; reason?: string; normalized?: string; flag?: string }

// ---- ingest (归集)
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type JobOutcome = 'running' | 'succeeded' | 'partial' | 'failed';
export type JobOrigin = 'upload' | 'cli' | 'source' | 'push' | 'demo';
export type QualityDimension = 'conformity' | 'completeness' | 'accuracy' | 'consistency' | 'timeliness' | 'uniqueness';
/** GB/T 36344 dimensions in the order the console shows them. */
export const QUALITY_DIMENSIONS: QualityDimension[] = ['conformity', 'completeness', 'accuracy', 'consistency', 'timeliness', 'uniqueness'];
export type Scores = Partial<Record<QualityDimension, number | null>>;
export interface FieldQuality { field: string; title: string; filled: number; failures: Record<string, number>; scores: Scores; score: number | null }
export interface QualityReport { rows: number; scores: Scores; score: number; fields: FieldQuality[]; failures: Record<string, number> }
export interface IngestJob {
  jobId: string; datasetId: string; datasetCode: string; status: JobStatus; mode: string; sourceName: string;
  /** The status as people read it (partial: rows were rejected) and where the job came from. */
  outcome: JobOutcome; origin: JobOrigin;
  format: string | null; encoding: string | null; delimiter: string | null;
  rowsRead: number; accepted: number; rejected: number; version: number | null; seconds: number;
  quality: QualityReport | null; quarantineFile: string | null; quarantineRows: number;
  mapping: Record<string, string | null> | null; error: string | null; retryOf: string | null;
  createdBy: string | null; createdAt: string; startedAt: string | null; finishedAt: string | null;
  /** Where a running job is (stage, 0–100); null once it has ended. */
  progress: { stage: string; percent: number } | null;
}
export interface ColumnMatch { header: string; field: string | null; by: string | null }
export interface IngestPreview {
  format: string; encoding: string | null; delimiter: string | null; sheet: string | null; sheets: string[] | null;
  headers: string[]; columns: ColumnMatch[]; rows: (string | null)[][];
  unmappedFields: { name: string; title: string; required: boolean }[];
}
export interface QuarantineEntry { row: number; field: string | null; header: string | null; rule: string; reason: string | null; message: string; value: string | null; record: string | null }
/** Rejected rows as the file had them: its columns, each row's values and its failures. */
export interface QuarantineRows {
  columns: string[];
  items: { row: number; values: Record<string, string | null>; raw: string | null; failures: { field: string | null; header: string | null; rule: string; reason: string | null; message: string }[] }[];
  total: number; limit: number; offset: number; masked: boolean; maskedFields: string[];
}
export interface QuarantinePage { items: QuarantineEntry[]; total: number; limit: number; offset: number; masked: boolean; maskedFields: string[] }
export interface CleaningRuleInfo { id: 'trim' | 'halfWidth' | 'codeMap' | 'normalize' | 'date'; title: string; enabled: boolean; default: boolean }
export interface FieldRules {
  pattern?: string | null; enum?: string[] | null; min?: number | string | null; max?: number | string | null; minLength?: number | null; maxLength?: number | null;
}
export interface FieldCleaning { trim?: boolean; halfWidth?: boolean; normalize?: boolean; date?: boolean; codeMap?: Record<string, string> | null }
export interface ReferenceRule { fields: string[]; dataset: string; key?: string[] }
export interface RuleSettings { fields?: Record<string, FieldRules>; references?: ReferenceRule[]; unique?: string[] }
export interface FieldSettingsView {
  field: string; title: string; type: string; element: string | null; required: boolean; cleaning: CleaningRuleInfo[];
  codeMap: Record<string, string> | null; rules: FieldRules;
}
export interface SettingsView {
  dataset: string; fields: FieldSettingsView[]; unique: string[]; references?: ReferenceRule[];
  saved: { cleaning: Record<string, FieldCleaning>; rules: RuleSettings };
}

// ---- catalog (目录) and open data (开放)
export type EntryStatus = 'draft' | 'submitted' | 'published' | 'returned';
export type OpenKey = Schemas['OpenKey'];
export interface LineageNode { id: string; kind: 'dataset' | 'version' | 'job' | 'source' | 'file' | 'push' | 'other'; label: string; detail?: Record<string, unknown> }
export interface Lineage { dataset: string; nodes: LineageNode[]; edges: { from: string; to: string; kind: string }[] }
/** The catalog's facets; each is a filter too (`resourceFormat` is the `format` parameter). */
export const FACETS = ['department', 'theme', 'layer', 'category', 'shareType', 'openType', 'resourceFormat', 'updateCycle', 'status'] as const;
export type Facet = (typeof FACETS)[number];
export interface FacetCount { value: string; label?: string; count: number }
export interface SearchResult<T> {
  total: number; limit: number; offset: number;
  /** and: every term matched; or: some did; all: no query. */
  mode: 'and' | 'or' | 'all';
  items: { dataset: T; score: number; matched: string[] }[];
  facets: Partial<Schemas['SearchFacets']>;
}
/** A column as open data carries it: dropped fields left out, masked ones marked. */
export interface OpenColumn { name: string; title: string; type: string; element?: string | null; masked: boolean; description?: string }
/** A catalog entry as the public sees it (a search hit carries field titles and a count instead of the fields). */
export interface PublicEntry {
  code: string; name: string; description: string; departmentCode: string; departmentName: string; theme: string | null;
  category: string; layer: string; resourceFormat: string; updateCycle: string | null; openType: string; openCondition: string | null;
  keywords: string[]; contact?: { name?: string; phone?: string; email?: string } | null; licence: string | null; publishedAt: string | null;
  dataUpdatedAt: string | null; currentVersion?: number; rowCount: number; quality: number | null; fields: OpenColumn[];
}
export interface OpenVersion { version: number; mode: string; rowCount: number; rowsAdded: number; createdAt: string; quality: number | null }
export interface OpenHome {
  datasets: number; rows: number; departments: number;
  themes: { value: string; count: number }[]; byDepartment: { value: string; count: number }[]; latest: PublicEntry[];
}
export interface OpenRows { columns: OpenColumn[]; rows: Record<string, unknown>[]; total: number; version: number }
