import { raiseNotice } from '../identity/index.ts';
import { type Caller, type Ctx, newId, problem, shanghaiClock } from '../kernel/index.ts';
import type { Grant } from './grants.ts';
import type { ReadPlan } from './guard.ts';

/** The ways data is read; each read is one `data.read` audit event. */
export type ReadVia = 'rows' | 'api' | 'sql' | 'datastore' | 'reference' | 'classify' | 'profile' | 'rule' | 'indicator';

export interface ReadRecord {
  via: ReadVia;
  rows: number;
  /** Keyed pseudonyms of the persons whose rows were returned. */
  subjects: Iterable<string>;
  /** Anything else worth keeping (offset, format, the SQL text). */
  extra?: Record<string, unknown>;
}

/** Outside 07:00–20:00 on a weekday, Shanghai time. */
export const offHours = (d = new Date()) => {
  const t = shanghaiClock(d);
  return t.hour < 7 || t.hour >= 20 || t.weekday === 0 || t.weekday === 6;
};

const minuteWindows = new Map<string, number[]>();

/**
 * Before a read under a grant: its rate quota (reads per minute, counted in this server) and its
 * volume quota (rows per Shanghai day, counted in the control plane). Returns how many rows the read
 * may still return today (Infinity without a volume quota); 429 when a quota is used up.
 */
export async function checkQuota(ctx: Ctx, grant: Grant | null): Promise<number> {
  if (!grant) return Infinity;
  if (grant.ratePerMinute) {
    const now = Date.now();
    const w = (minuteWindows.get(grant.id) ?? []).filter((t) => t > now - 60_000);
    if (w.length >= grant.ratePerMinute) throw problem('rate-limited', `授权 ${grant.id} 每分钟最多 ${grant.ratePerMinute} 次读取 / the grant allows ${grant.ratePerMinute} reads a minute`);
    w.push(now);
    minuteWindows.set(grant.id, w);
  }
  if (!grant.rowsPerDay) return Infinity;
  const used = await ctx.db.one<{ rows: string }>('SELECT rows FROM share_usage WHERE grant_id = $1 AND day = $2', [grant.id, shanghaiClock().day]);
  const left = grant.rowsPerDay - Number(used?.rows ?? 0);
  if (left <= 0) throw problem('rate-limited', `授权 ${grant.id} 今日 ${grant.rowsPerDay} 行的额度已用完 / the grant's ${grant.rowsPerDay} rows for today are used up`);
  return left;
}

/**
 * Leave the trail of a read (留痕): one audit event naming who read, with which application token,
 * under which grant and purpose, which dataset version, fields, masks and filter, how many rows, and
 * the subject keys of the persons read — in the same transaction as the grant's usage count, grouped
 * with concurrent reads (one commit for many under load). The answer leaves only after it commits.
 */
export async function recordRead(ctx: Ctx, caller: Caller, plan: ReadPlan, r: ReadRecord): Promise<void> {
  const subjects = [...new Set(r.subjects)];
  const g = plan.grant;
  const now = new Date();
  const { result: today } = await ctx.audit.recordGrouped(caller, {
    action: 'data.read', objectType: 'dataset', objectId: plan.dataset.code, departmentId: plan.dataset.departmentId, subjectKeys: subjects,
    details: {
      via: r.via, version: plan.version.version, basis: plan.basis, grantId: g?.id ?? null, purpose: g?.purpose ?? null, tokenId: caller.tokenId ?? null,
      fields: plan.columns.map((c) => c.name), masked: plan.columns.filter((c) => c.masked).map((c) => c.name), filter: plan.filter, rows: r.rows, ...r.extra,
    },
  }, g ? (tx) => tx.one<{ rows: string; off_hours_rows: string }>(
    `INSERT INTO share_usage (grant_id, day, reads, rows, off_hours_rows) VALUES ($1, $2, 1, $3, $4)
     ON CONFLICT (grant_id, day) DO UPDATE SET reads = share_usage.reads + 1, rows = share_usage.rows + EXCLUDED.rows,
       off_hours_rows = share_usage.off_hours_rows + EXCLUDED.off_hours_rows
     RETURNING rows, off_hours_rows`,
    [g.id, shanghaiClock(now).day, r.rows, offHours(now) ? r.rows : 0],
  ) : undefined);
  if (g && today) await watchRead(ctx, caller, g, { rows: Number(today.rows), offHoursRows: Number(today.off_hours_rows) }, subjects, now).catch((err) => ctx.log.error({ err }, 'share: access anomaly check failed'));
}

/** Thresholds of the access-anomaly rules. */
export const ANOMALY = {
  /** A day's rows above this many times the grant's daily mean of the last 14 days (with ≥ 3 days of history). */
  normFactor: 3,
  /** Volumes below this are never anomalous. */
  minRows: 1000,
  /** Distinct persons one user reads within `personWindowMs`. */
  persons: 500,
  personWindowMs: 10 * 60_000,
};

const seenPersons = new Map<string, Map<string, number>>();

/** Access anomalies after a read: pulls beyond the grant's norm, off-hours bulk reads, many persons in a short time. */
async function watchRead(ctx: Ctx, caller: Caller, g: Grant, today: { rows: number; offHoursRows: number }, subjects: string[], now: Date): Promise<void> {
  const day = shanghaiClock(now).day;
  // the day's volume first: the grant's history is read only once the day is big enough to matter
  if (today.rows >= ANOMALY.minRows) {
    const past = await ctx.db.query<{ rows: string }>(`SELECT rows FROM share_usage WHERE grant_id = $1 AND day >= $2::date - 14 AND day < $2::date`, [g.id, day]);
    const mean = past.reduce((s, u) => s + Number(u.rows), 0) / Math.max(past.length, 1);
    if (past.length >= 3 && today.rows > ANOMALY.normFactor * mean) await raise(ctx, caller, g, 'beyond-norm', `${day}:${g.id}`, { day, rows: today.rows, dailyMean: Math.round(mean) });
  }
  if (today.offHoursRows >= ANOMALY.minRows) await raise(ctx, caller, g, 'off-hours', `${day}:${g.id}`, { day, rows: today.offHoursRows });
  if (subjects.length) {
    const key = caller.id ?? caller.username;
    const seen = seenPersons.get(key) ?? new Map<string, number>();
    const t = now.getTime();
    for (const [s, at] of seen) if (at < t - ANOMALY.personWindowMs) seen.delete(s);
    for (const s of subjects) seen.set(s, t);
    seenPersons.set(key, seen);
    if (seen.size >= ANOMALY.persons) await raise(ctx, caller, g, 'many-persons', `${key}:${Math.floor(t / ANOMALY.personWindowMs)}`, { persons: seen.size, minutes: ANOMALY.personWindowMs / 60_000 });
  }
}

const ALERT_TEXT: Record<string, string> = {
  'beyond-norm': '数据调用量超出授权常态 / reads beyond the grant\'s norm',
  'off-hours': '非工作时间批量读取 / bulk reads off hours',
  'many-persons': '短时间内读取大量人员数据 / many persons read in a short time',
};

/** Alerts this server has raised or seen raised (kind + once key): no control-plane check for their repeats. */
const raised = new Set<string>();

/** One alert per rule and `once` key (e.g. per grant per day): kept, audited and told to the admins. */
async function raise(ctx: Ctx, caller: Caller, g: Grant, kind: string, once: string, details: Record<string, unknown>): Promise<void> {
  const key = `${kind}:${once}`;
  if (raised.has(key)) return;
  await ctx.db.transaction(async (tx) => {
    const dup = await tx.one(`SELECT 1 FROM access_alerts WHERE kind = $1 AND details->>'once' = $2`, [kind, once]);
    if (raised.size > 10_000) raised.clear();
    raised.add(key);
    if (dup) return;
    const id = newId();
    await tx.query(
      `INSERT INTO access_alerts (id, kind, grant_id, dataset_id, department_id, actor_name, details, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7, now())`,
      [id, kind, g.id, g.dataset.id, g.consumerDepartment?.id ?? null, caller.username, JSON.stringify({ ...details, once })],
    );
    await ctx.audit.append(tx, caller, { action: 'share.alert', objectType: 'grant', objectId: g.id, departmentId: g.dataset.departmentId, details: { kind, ...details } });
    await raiseNotice(tx, {
      kind: 'share.alert', title: `访问异常：${ALERT_TEXT[kind] ?? kind}`, body: `${caller.username} · ${g.dataset.code} · ${JSON.stringify(details)}`,
      objectType: 'grant', objectId: g.id, departmentId: null,
    });
  });
}
