import type { DuckDBConnection } from '@duckdb/node-api';
import { LakeStageError } from './LakeStageError.ts';
import { toPlain } from './toPlain.ts';

/**
 * Runs the named stages of one operation (a lake write, an ingest, a parse) on one DuckDB
 * connection. Any failure is re-raised as a LakeStageError naming the stage and carrying the SQL
 * that failed; errors meant for the caller (anything with an HTTP `status`, e.g. a Problem) pass
 * through untouched. Time spent per stage is kept in `timings`.
 */
export class StageRunner {
  /** Stage name → milliseconds, in order of first run. */
  readonly timings = new Map<string, number>();

  constructor(
    private readonly conn: DuckDBConnection,
    private op: string,
    private datasetId?: string,
    private onStage?: (stage: string) => void,
  ) {}

  /** The same connection, reporting stage starts to `onStage` (e.g. a progress bar). */
  withProgress(onStage: (stage: string) => void): StageRunner {
    const r = new StageRunner(this.conn, this.op, this.datasetId, onStage);
    (r as { timings: Map<string, number> }).timings = this.timings;
    return r;
  }

  fail(stage: string, cause: unknown, sql?: string): Error {
    if (cause instanceof LakeStageError || (cause as { status?: number } | null)?.status) return cause as Error;
    return new LakeStageError(this.op, stage, cause, sql, this.datasetId);
  }

  private async timed<T>(stage: string, sql: string | undefined, fn: () => Promise<T>): Promise<T> {
    this.onStage?.(stage);
    const t0 = performance.now();
    try {
      return await fn();
    } catch (err) {
      throw this.fail(stage, err, sql);
    } finally {
      this.timings.set(stage, (this.timings.get(stage) ?? 0) + performance.now() - t0);
    }
  }

  /** Run a statement; rows come back as plain JS objects. */
  rows<T = Record<string, unknown>>(stage: string, sql: string): Promise<T[]> {
    return this.timed(stage, sql, async () => (await this.conn.runAndReadAll(sql)).convertRowObjects(toPlain) as T[]);
  }

  /** Run a statement for its effect. */
  run(stage: string, sql: string): Promise<void> {
    return this.timed(stage, sql, async () => {
      await this.conn.run(sql);
    });
  }

  /** Run arbitrary work as a stage. */
  step<T>(stage: string, fn: () => Promise<T> | T, sql?: string): Promise<T> {
    return this.timed(stage, sql, async () => fn());
  }
}
