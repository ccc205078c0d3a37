import fs from 'node:fs';
import { fullSync } from './fullSync.ts';
import { incrementalSync } from './incrementalSync.ts';
import { readPlan } from './readPlan.ts';
import type { DbSyncInput } from './syncParts.ts';
import { Throttle } from './Throttle.ts';

export { DEFAULT_BATCH_ROWS, type DbSyncInput } from './syncParts.ts';

/**
 * Sync a department database table or query into its dataset, through the same ingest pipeline
 * as an uploaded file (standards, cleaning, checks, quality report, quarantine):
 *   full         every row → one staged TSV (optionally read as N key ranges at once) → one `replace` version
 *                (also the full refresh of an incremental source: removes rows deleted at the source)
 *   incremental  rows with cursor > the stored cursor, in cursor order, `batchRows` at a time → one
 *                `upsert` version each; the cursor is saved in the transaction that commits the
 *                version, so a run killed at any point resumes from the last committed cursor and
 *                the upsert by primary key absorbs rows read twice.
 */
export async function runDbSync(x: DbSyncInput): Promise<void> {
  const s = x.source.settings;
  fs.mkdirSync(x.workDir, { recursive: true });
  const plan = readPlan(x.db, s);
  const throttle = new Throttle(s.throttleRowsPerSecond ?? 0);
  if (x.mode === 'incremental') await incrementalSync(x, plan, throttle);
  else await fullSync(x, plan, throttle);
}
