/**
 * What starts a rule without a person: its cron schedule (Asia/Shanghai), or the arrival of a new
 * version of a dataset it watches (嵌). Arrivals come from the lake's arrival feed (a poll of the
 * version manifests every GOVHUB_RULE_POLL_MS, default 1 s), so every server sees every commit, however
 * it was made; a claim row per (rule, dataset version) makes each arrival fire each rule once, whichever
 * server claims it first.
 */
import { Cron } from 'croner';
import { type Caller, type Ctx } from '../../kernel/index.ts';
import { arrivalFeed, arrivalPollMs } from '../../lake/index.ts';
import { ruleEvents } from './events.ts';
import { executeRule, ruleById, RULE_TIMEZONE } from './service.ts';
import type { Rule } from './types.ts';

/** How often the schedules are re-read from the control plane (rules changed on another server). */
const RESYNC_MS = 60_000;

export const rulePollMs = arrivalPollMs;

/** The rule's own reader is the platform acting for its owner department. */
const systemFor = (rule: Rule): Caller => ({ id: null, username: 'system', displayName: `规则调度：${rule.code}`, role: 'admin', departmentId: null });

export interface RuleTriggers {
  /** Look for new versions now (tests, and after an ingest in this server). */
  poll(): Promise<number>;
  stop(): Promise<void>;
}

export function startRuleTriggers(ctx: Ctx, opts: { pollMs?: number; schedules?: boolean } = {}): RuleTriggers {
  const crons = new Map<string, { cron: Cron; expr: string }>();
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  // a server starting up does not fire on what arrived before it
  const feed = arrivalFeed(ctx.db);

  const track = <T>(p: Promise<T>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  };

  const fire = (rule: Rule, trigger: 'schedule' | 'arrival', cause: Record<string, unknown> | null) =>
    track(executeRule(ctx, rule, trigger, cause, systemFor(rule)).catch((err) => ctx.log.warn({ err, rule: rule.code, trigger }, 'rules: run failed')));

  async function syncOne(id: string) {
    const cur = crons.get(id);
    let rule: Rule | null = null;
    try {
      rule = await ruleById(ctx, id);
    } catch {
      rule = null;
    }
    const expr = rule && rule.enabled && rule.trigger === 'schedule' ? rule.schedule : null;
    if (cur && cur.expr === expr) return;
    cur?.cron.stop();
    crons.delete(id);
    if (!expr || stopped) return;
    const cron = new Cron(expr, { timezone: RULE_TIMEZONE, protect: true, name: `rule:${id}` }, async () => {
      const fresh = await ruleById(ctx, id).catch(() => null);
      if (fresh?.enabled && fresh.trigger === 'schedule') await fire(fresh, 'schedule', { at: new Date().toISOString() });
    });
    crons.set(id, { cron, expr });
  }

  async function syncAll() {
    if (opts.schedules === false) return;
    const ids = await ctx.db.query<{ id: string }>(`SELECT id FROM rules WHERE enabled AND trigger = 'schedule'`);
    const want = new Set(ids.map((r) => r.id));
    for (const id of crons.keys()) if (!want.has(id)) await syncOne(id);
    for (const id of want) await syncOne(id);
  }

  async function poll(): Promise<number> {
    if (stopped) return 0;
    const fresh = await feed.next();
    if (!fresh.length) return 0;
    const rules = await ctx.db.query<{ id: string; watches: string[]; created_at: Date | string }>(`SELECT id, watches, created_at FROM rules WHERE enabled AND trigger = 'arrival'`);
    let fired = 0;
    for (const v of fresh) {
      // a rule fires on what arrives after it was made, not on versions it was made beside
      for (const r of rules.filter((x) => (x.watches ?? []).includes(v.code) && v.committedAt > new Date(x.created_at))) {
        if (stopped) return fired;
        const claimed = await ctx.db.query(
          `INSERT INTO rule_arrivals (rule_id, dataset_id, version, claimed_at) VALUES ($1,$2,$3,now()) ON CONFLICT DO NOTHING RETURNING rule_id`, [r.id, v.datasetId, v.version]);
        if (!claimed.length) continue;
        const rule = await ruleById(ctx, r.id);
        fired++;
        void fire(rule, 'arrival', { dataset: v.code, version: v.version, committedAt: v.committedAt.toISOString() });
      }
    }
    return fired;
  }

  const onChanged = (id: string) => void syncOne(id).catch((err) => ctx.log.warn({ err }, 'rules: schedule sync failed'));
  if (opts.schedules !== false) ruleEvents.on('changed', onChanged);
  void syncAll().catch((err) => ctx.log.warn({ err }, 'rules: schedule sync failed'));
  void track(poll().catch(() => 0));
  let polling = false;
  const pollTimer = setInterval(() => {
    if (polling) return;
    polling = true;
    void track(poll().catch((err) => ctx.log.warn({ err }, 'rules: arrival poll failed'))).finally(() => { polling = false; });
  }, opts.pollMs ?? rulePollMs());
  const resync = setInterval(() => void syncAll().catch(() => {}), RESYNC_MS);
  pollTimer.unref?.();
  resync.unref?.();

  return {
    poll,
    async stop() {
      stopped = true;
      clearInterval(pollTimer);
      clearInterval(resync);
      ruleEvents.off('changed', onChanged);
      for (const { cron } of crons.values()) cron.stop();
      crons.clear();
      // a poll under way may still fire a run: wait until nothing is in flight
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
