/** A failed step of a lake operation: names the stage and carries the SQL that failed. */
export class LakeStageError extends Error {
  readonly stage: string;
  readonly sql: string | undefined;
  readonly datasetId: string | undefined;

  constructor(op: string, stage: string, cause: unknown, sql?: string, datasetId?: string) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`${op}: stage ${stage} failed: ${msg}`, { cause });
    this.name = 'LakeStageError';
    this.stage = stage;
    this.sql = sql;
    this.datasetId = datasetId;
  }
}
