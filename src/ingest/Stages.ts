import type { DuckDBConnection } from '@duckdb/node-api';
import { toPlain } from '../lake/index.ts';

/** A failed ingest stage: names the stage and carries the SQL that failed. */
export class IngestStageError extends Error {
  constructor(
    readonly stage: string,
    cause: unknown,
    readonly sql?: string,
  ) {
    super(`ingest: stage ${stage} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'IngestStageError';
  }
}

/**
 * The named SQL stages of one ingest, run on one DuckDB connection (the lake writer's, so the
 * temp tables they build are what the write reads). Every failure names its stage and SQL.
 */
export class Stages {
  /** Stage name → milliseconds, in order of first run. */
  readonly timings = new Map<string, number>();

  constructor(readonly conn: DuckDBConnection, private onStage?: (stage: string) => void) {}

  private async timed<T>(stage: string, sql: string | undefined, fn: () => Promise<T>): Promise<T> {
    this.onStage?.(stage);
    const t0 = performance.now();
    try {
      return await fn();
    } catch (err) {
      if (err instanceof IngestStageError || (err as { status?: number }).status) throw err;
      throw new IngestStageError(stage, err, sql);
    } finally {
      this.timings.set(stage, (this.timings.get(stage) ?? 0) + performance.now() - t0);
    }
  }

  /** Run a statement for its effect. */
  run(stage: string, sql: string): Promise<void> {
    return this.timed(stage, sql, async () => {
      await this.conn.run(sql);
    });
  }

  /** Run a query; rows as plain JS objects. */
  rows<T = Record<string, unknown>>(stage: string, sql: string): Promise<T[]> {
    return this.timed(stage, sql, async () => (await this.conn.runAndReadAll(sql)).convertRowObjects(toPlain) as T[]);
  }

  /** Arbitrary work counted as a stage. */
  step<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    return this.timed(stage, undefined, fn);
  }
}
