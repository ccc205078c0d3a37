import type { Db, Queryable } from '../../control/index.ts';

/** How long a key is remembered, and after how long an unfinished request's key may be taken over. */
export const KEY_TTL_HOURS = 24;
const STALE_PENDING_MINUTES = 10;

export type Reservation =
  | { state: 'new' }
  | { state: 'done'; response: unknown }
  | { state: 'busy' }
  | { state: 'mismatch' };

/**
 * Reserve an Idempotency-Key for one request (scope: the caller). A key already answered replays
 * its answer; the same key with a different body is refused; a key whose request is still being
 * written answers busy. A pending key older than STALE_PENDING_MINUTES belonged to a process
 * that died before its version committed (the answer is recorded in that same transaction), so
 * it is taken over.
 */
export async function reserveKey(db: Db, datasetId: string, scope: string, key: string, hash: string): Promise<Reservation> {
  const inserted = await db.query(
    `INSERT INTO push_requests (dataset_id, scope, key, request_hash, status) VALUES ($1, $2, $3, $4, 'pending')
     ON CONFLICT (dataset_id, scope, key) DO NOTHING RETURNING key`,
    [datasetId, scope, key, hash],
  );
  if (inserted.length) return { state: 'new' };
  const r = await db.one<{ status: string; request_hash: string; response: unknown; stale: boolean; expired: boolean }>(
    `SELECT status, request_hash, response, created_at < now() - make_interval(mins => $4) AS stale,
            created_at < now() - make_interval(hours => $5) AS expired
       FROM push_requests WHERE dataset_id = $1 AND scope = $2 AND key = $3`,
    [datasetId, scope, key, STALE_PENDING_MINUTES, KEY_TTL_HOURS],
  );
  if (!r) return reserveKey(db, datasetId, scope, key, hash);
  if (r.expired || (r.status === 'pending' && r.stale)) {
    const taken = await db.query(
      `UPDATE push_requests SET request_hash = $4, status = 'pending', response = NULL, created_at = now(), finished_at = NULL
        WHERE dataset_id = $1 AND scope = $2 AND key = $3 AND status = $5 AND request_hash = $6 RETURNING key`,
      [datasetId, scope, key, hash, r.status, r.request_hash],
    );
    return taken.length ? { state: 'new' } : { state: 'busy' };
  }
  if (r.request_hash !== hash) return { state: 'mismatch' };
  if (r.status === 'done') return { state: 'done', response: typeof r.response === 'string' ? JSON.parse(r.response) : r.response };
  return { state: 'busy' };
}

/** Record the answer (in the transaction of the version it describes, when there is one). */
export async function completeKey(q: Queryable, datasetId: string, scope: string, key: string, response: unknown): Promise<void> {
  await q.query(
    `UPDATE push_requests SET status = 'done', response = $4, finished_at = now() WHERE dataset_id = $1 AND scope = $2 AND key = $3`,
    [datasetId, scope, key, JSON.stringify(response)],
  );
}

/** Forget a reservation whose request failed without writing anything (a retry may run it again). */
export async function releaseKey(db: Db, datasetId: string, scope: string, key: string): Promise<void> {
  await db.query(`DELETE FROM push_requests WHERE dataset_id = $1 AND scope = $2 AND key = $3 AND status = 'pending'`, [datasetId, scope, key]);
}

/** Drop answers older than KEY_TTL_HOURS. */
export async function purgeKeys(db: Db): Promise<number> {
  const rows = await db.query(`DELETE FROM push_requests WHERE created_at < now() - make_interval(hours => $1) RETURNING key`, [KEY_TTL_HOURS]);
  return rows.length;
}
