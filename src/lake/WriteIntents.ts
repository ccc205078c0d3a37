import os from 'node:os';
import type { Db, Queryable } from '../control/index.ts';
import { processAlive } from '../kernel/index.ts';

export interface WriteIntent {
  writeId: string;
  datasetId: string;
  version: number;
  host: string;
  pid: number;
  startedAt: string;
}

/** The `lake_write_intents` table: which writes are (or were, if they died) in progress. */
export class WriteIntents {
  constructor(private db: Db) {}

  async begin(writeId: string, datasetId: string, version: number): Promise<void> {
    await this.db.query('INSERT INTO lake_write_intents (write_id, dataset_id, version, host, pid) VALUES ($1, $2, $3, $4, $5)', [
      writeId,
      datasetId,
      version,
      os.hostname(),
      process.pid,
    ]);
  }

  async end(writeId: string, q: Queryable = this.db): Promise<void> {
    await q.query('DELETE FROM lake_write_intents WHERE write_id = $1', [writeId]);
  }

  /** Datasets that have intents on record. */
  async datasets(): Promise<string[]> {
    return (await this.db.query<{ dataset_id: string }>('SELECT DISTINCT dataset_id FROM lake_write_intents')).map((r) => r.dataset_id);
  }

  async list(datasetId: string): Promise<WriteIntent[]> {
    const rows = await this.db.query<{ write_id: string; dataset_id: string; version: number; host: string; pid: number; started_at: Date | string }>(
      'SELECT write_id, dataset_id, version, host, pid, started_at FROM lake_write_intents WHERE dataset_id = $1',
      [datasetId],
    );
    return rows.map((r) => ({
      writeId: r.write_id,
      datasetId: r.dataset_id,
      version: Number(r.version),
      host: r.host,
      pid: Number(r.pid),
      startedAt: new Date(r.started_at).toISOString(),
    }));
  }
}

/** Is this writer possibly still running? Only a writer on this host can be proven dead. */
export function ownerMayBeAlive(i: { host: string; pid: number }): boolean | 'unknown' {
  // callers hold the dataset lock, so no write of ours is running
  return i.pid === process.pid && i.host === os.hostname() ? false : processAlive(i.host, i.pid);
}
