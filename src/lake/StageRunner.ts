import type { DuckDBConnection } from '@duckdb/node-api';
import { LakeStageError } from './LakeStageError.ts';
import { toPlain } from './toPlain.ts';

/**
 * Runs the named stages of one lake operation on one DuckDB connection. Any failure is re-raised
 * as a LakeStageError naming the stage and carrying the SQL that failed.
 */
export class StageRunner {
  constructor(
    readonly conn: DuckDBConnection,
    private op: string,
    private datasetId?: string,
  ) {}

  fail(stage: string, cause: unknown, sql?: string): LakeStageError {
    return cause instanceof LakeStageError ? cause : new LakeStageError(this.op, stage, cause, sql, this.datasetId);
  }

  /** Run a statement; rows come back as plain JS objects. */
  async rows<T = Record<string, unknown>>(stage: string, sql: string): Promise<T[]> {
    try {
      const reader = await this.conn.runAndReadAll(sql);
      return reader.convertRowObjects(toPlain) as T[];
    } catch (err) {
      throw this.fail(stage, err, sql);
    }
  }

  /** Run a statement for its effect. */
  async run(stage: string, sql: string): Promise<void> {
    try {
      await this.conn.run(sql);
    } catch (err) {
      throw this.fail(stage, err, sql);
    }
  }

  /** Run arbitrary work as a stage. */
  async step<T>(stage: string, fn: () => Promise<T> | T, sql?: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.fail(stage, err, sql);
    }
  }
}
