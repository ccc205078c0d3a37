/** Data plane: DuckDB over immutable Parquet snapshots, manifests in the control plane, masking macros. */
export { Lake } from './Lake.ts';
export type { ColumnSchema, LakeFile, LakeOptions, LakeReader, LakeWriter, ParentVersion, VersionInfo, WriteInput, WriteMode, NewRows } from './types.ts';
export { Engine, type EngineOptions } from './Engine.ts';
export { LakeStageError } from './LakeStageError.ts';
export { StageRunner } from './StageRunner.ts';
export { MASK_KINDS, MASK_MACROS, MASK_STRICTNESS, isTighter, maskRank, maskSql, pseudonym, type MaskKind, type MaskOptions } from './masks.ts';
export { maskValue } from './maskValue.ts';
export { ident, literal, literalList } from './sql.ts';
export { loadRows } from './loadRows.ts';
export { PARQUET_COPY_OPTIONS } from './parquetFiles.ts';
export { toPlain, type Plain } from './toPlain.ts';
export { arrivalFeed, arrivalPollMs, type Arrival, type ArrivalFeed } from './arrivals.ts';
