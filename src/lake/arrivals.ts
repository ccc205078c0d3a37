/**
 * New dataset versions as they are committed, however and wherever they were made: a poll of the
 * version manifests in the control plane (every server sees every commit). What arrived before the
 * feed started is not reported; a version is reported once per feed. Rules (嵌) and indicators
 * (一网统管) start from here.
 */
import type { Queryable } from '../control/index.ts';

/** Versions committed up to this long before the last look are looked at again (a transaction's time is its start). */
const LOOKBACK_MS = 60_000;

export interface Arrival {
  datasetId: string;
  /** The dataset's code. */
  code: string;
  version: number;
  committedAt: Date;
}

/** How often servers look for new versions (GOVHUB_RULE_POLL_MS, default 1 s). */
export const arrivalPollMs = () => {
  const v = Number(process.env.GOVHUB_RULE_POLL_MS);
  return Number.isFinite(v) && v >= 100 ? v : 1000;
};

export interface ArrivalFeed {
  /** Look now: the versions committed since the last look that this feed has not reported. */
  next(): Promise<Arrival[]>;
  /** When the feed began (nothing committed before it is reported). */
  readonly startedAt: Date;
}

export function arrivalFeed(db: Queryable): ArrivalFeed {
  const startedAt = new Date();
  let since = startedAt;
  const seen = new Set<string>();
  return {
    startedAt,
    async next() {
      const now = await db.one<{ t: Date | string }>('SELECT now() AS t');
      const from = new Date(Math.max(since.getTime() - LOOKBACK_MS, startedAt.getTime()));
      since = new Date(now!.t);
      const versions = await db.query<{ dataset_id: string; version: number; created_at: Date | string; code: string }>(
        `SELECT v.dataset_id, v.version, v.created_at, d.code FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
         WHERE v.created_at > $1 ORDER BY v.created_at`, [from.toISOString()]);
      const fresh = versions.filter((v) => !seen.has(`${v.dataset_id}:${v.version}`));
      for (const v of fresh) seen.add(`${v.dataset_id}:${v.version}`);
      if (seen.size > 10_000) seen.clear();
      return fresh.map((v) => ({ datasetId: v.dataset_id, code: v.code, version: Number(v.version), committedAt: new Date(v.created_at) }));
    },
  };
}
