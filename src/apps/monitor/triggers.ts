/**
 * What refreshes an indicator without a person: its cron schedule (Asia/Shanghai) or a new version
 * of a dataset it reads (a sensor reading pushed, a department's upload) — from the lake's arrival
 * feed, each arrival claimed once per indicator across servers. After each refresh its alert rules
 * are evaluated; a minute ticker escalates alerts nobody acknowledged.
 */
import { Cron } from 'croner';
import { type Ctx, SYSTEM } from '../../kernel/index.ts';
import { arrivalFeed, arrivalPollMs } from '../../lake/index.ts';
import { alertCentre, alertRules } from './alerts.ts';
import { indicators } from './indicators.ts';

export interface MonitorTriggers {
  poll(): Promise<number>;
  stop(): Promise<void>;
}

/** Refresh an indicator and evaluate its alert rules (failures are logged, not thrown). */
export async function refreshAndEvaluate(ctx: Ctx, code: string): Promise<void> {
  await indicators.refresh(ctx, SYSTEM, code);
  await alertRules.evaluateIndicator(ctx, code);
}

export function startMonitorTriggers(ctx: Ctx, opts: { pollMs?: number } = {}): MonitorTriggers {
  const feed = arrivalFeed(ctx.db);
  const inFlight = new Set<Promise<unknown>>();
  const crons = new Map<string, Cron>();
  const running = new Map<string, Promise<void>>();
  let stopped = false;

  const track = <T>(p: Promise<T>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  };
  // refreshes of one indicator run one after another in a server
  const run = (code: string) => {
    const prev = running.get(code) ?? Promise.resolve();
    const next = prev.then(() => (stopped ? undefined : refreshAndEvaluate(ctx, code))).catch((err) => ctx.log.warn({ err, indicator: code }, 'monitor: refresh failed'));
    running.set(code, next);
    return track(next);
  };

  async function syncSchedules() {
    const rows = await ctx.db.query<{ code: string; schedule: string }>(`SELECT code, schedule FROM indicators WHERE trigger = 'schedule' AND schedule IS NOT NULL`);
    for (const r of rows) {
      if (crons.has(`${r.code} ${r.schedule}`) || stopped) continue;
      crons.set(`${r.code} ${r.schedule}`, new Cron(r.schedule, { timezone: 'Asia/Shanghai', protect: true }, () => void run(r.code)));
    }
  }

  async function poll(): Promise<number> {
    if (stopped) return 0;
    const fresh = await feed.next();
    if (!fresh.length) return 0;
    const watching = await ctx.db.query<{ id: string; code: string; watches: string[]; created_at: Date }>(`SELECT id, code, watches, created_at FROM indicators WHERE trigger = 'arrival'`);
    let fired = 0;
    for (const v of fresh) {
      for (const i of watching.filter((x) => (x.watches ?? []).includes(v.code) && v.committedAt > new Date(x.created_at))) {
        const claimed = await ctx.db.query(`INSERT INTO indicator_arrivals (indicator_id, dataset_id, version, claimed_at) VALUES ($1,$2,$3, now()) ON CONFLICT DO NOTHING RETURNING indicator_id`, [i.id, v.datasetId, v.version]);
        if (!claimed.length) continue;
        fired++;
        void run(i.code);
      }
    }
    return fired;
  }

  let polling = false;
  const pollTimer = setInterval(() => {
    if (polling) return;
    polling = true;
    void track(poll().catch((err) => ctx.log.warn({ err }, 'monitor: arrival poll failed'))).finally(() => { polling = false; });
  }, opts.pollMs ?? arrivalPollMs());
  const minute = setInterval(() => {
    void track(alertCentre.escalate(ctx).catch((err) => ctx.log.warn({ err }, 'monitor: escalation failed')));
    void syncSchedules().catch(() => {});
  }, 60_000);
  pollTimer.unref?.();
  minute.unref?.();
  void syncSchedules().catch(() => {});

  return {
    poll,
    async stop() {
      stopped = true;
      clearInterval(pollTimer);
      clearInterval(minute);
      for (const c of crons.values()) c.stop();
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
