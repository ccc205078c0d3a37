import fs from 'node:fs';
import type { Ctx } from '../../../context.ts';
import { quarantinePaths } from '../../quarantine.ts';
import { literal } from '../../sql.ts';

/** One failure of one pushed record: its index in the request, the field, the rule, why, and the value sent. */
export interface RecordError {
  index: number;
  field: string | null;
  rule: string;
  reason: string | null;
  value: string | null;
}

export interface QuarantineFailure {
  /** 1-based line of the staged batch. */
  row: number;
  field: string | null;
  rule: string;
  reason: string | null;
  value: string | null;
}

/** The failures an ingest job quarantined (none when it rejected nothing). */
export async function jobFailures(ctx: Ctx, datasetId: string, jobId: string): Promise<QuarantineFailure[]> {
  const file = quarantinePaths(ctx.config.dataDir, datasetId, jobId).parquet;
  if (!fs.existsSync(file)) return [];
  const rows = await ctx.lake.query<QuarantineFailure>(`SELECT row, field, rule, reason, value FROM read_parquet(${literal(file)}) ORDER BY row, field NULLS FIRST`);
  return rows.map((r) => ({ ...r, row: Number(r.row) }));
}
