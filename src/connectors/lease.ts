import type { Db } from '../control/index.ts';
import { OWNER, ownerGone } from '../kernel/index.ts';

export const LEASE_SECONDS = 120;

/**
 * One holder per source at a time, across API servers sharing the control plane: a sync run, or
 * the MQTT subscriber (two clients with one fixed client id would keep throwing each other off).
 * The lease lasts LEASE_SECONDS and is renewed while held; a lease whose holder died on this host,
 * or that ran out, can be taken. Returns the previous holder when it was taken over, '' when free.
 */
export async function acquireLease(db: Db, sourceId: string): Promise<{ ok: boolean; previous: string | null }> {
  return db.transaction(async (tx) => {
    const r = await tx.one<{ run_owner: string | null; live: boolean }>(
      'SELECT run_owner, coalesce(run_expires > now(), false) AS live FROM sources WHERE id = $1 FOR UPDATE',
      [sourceId],
    );
    if (!r) return { ok: false, previous: null };
    if (r.run_owner && r.run_owner !== OWNER && r.live && !ownerGone(r.run_owner)) return { ok: false, previous: r.run_owner };
    await tx.query(`UPDATE sources SET run_owner = $2, run_expires = now() + make_interval(secs => $3) WHERE id = $1`, [sourceId, OWNER, LEASE_SECONDS]);
    return { ok: true, previous: r.run_owner && r.run_owner !== OWNER ? r.run_owner : null };
  });
}

export async function renewLease(db: Db, sourceId: string): Promise<boolean> {
  const r = await db.query(`UPDATE sources SET run_expires = now() + make_interval(secs => $3) WHERE id = $1 AND run_owner = $2 RETURNING id`, [sourceId, OWNER, LEASE_SECONDS]);
  return r.length === 1;
}

export async function releaseLease(db: Db, sourceId: string): Promise<void> {
  await db.query('UPDATE sources SET run_owner = NULL, run_expires = NULL WHERE id = $1 AND run_owner = $2', [sourceId, OWNER]);
}

/** Hold the lease while fn runs (renewed every LEASE_SECONDS / 4). */
export async function withLease<T>(db: Db, sourceId: string, fn: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void renewLease(db, sourceId).catch(() => {}), (LEASE_SECONDS / 4) * 1000);
  timer.unref();
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    await releaseLease(db, sourceId).catch(() => {});
  }
}
