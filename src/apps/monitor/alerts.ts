/**
 * Alert rules over indicators (告警规则): a static threshold with a "for" duration and hysteresis, a
 * rate of change, a seasonal anomaly (robust score against the series' own pattern) or a forecast
 * breach ("will pass the limit within N steps"); levels 提示 / 预警 / 告警. Each evaluation reads the
 * indicator's series as the rule's department (through the guard), runs the condition over every
 * series (one per dimension value) from its start, and reconciles the outcome with the open alerts:
 * one alert per rule and series — firing → acknowledged → resolved — raised once (a notice to the
 * responsible department and, if the rule says so, one work order), never while silenced.
 * Unacknowledged alerts escalate to the admins after the rule's minutes.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../control/index.ts';
import { raiseNotice } from '../../identity/index.ts';
import { type Caller, type Ctx, fieldProblem, isAdmin, iso, newId, notFound, problem, SYSTEM } from '../../kernel/index.ts';
import { workOrders } from '../workorders/index.ts';
import { forecastBreach, rateOfChange, seasonalDetector, thresholdMachine, type Op } from './anomaly/index.ts';
import { indicatorPrincipal, indicators } from './indicators.ts';

export const LEVELS = ['info', 'warning', 'critical'] as const;
export type Level = (typeof LEVELS)[number];
const LEVEL_WORD: Record<Level, string> = { info: '提示', warning: '预警', critical: '告警' };

export type Condition =
  | { kind: 'threshold'; op: Op; limit: number; forMinutes?: number; clearLimit?: number; clearForMinutes?: number }
  | { kind: 'rate'; windowMinutes: number; maxChange?: number; maxPct?: number }
  | { kind: 'seasonal'; threshold?: number }
  | { kind: 'forecast'; op?: '>' | '<'; limit: number; withinSteps: number };

export interface AlertRuleInput {
  code: string; name: string; indicator: string; level: Level; condition: Condition;
  responsibleDepartmentId?: string | null; workOrder?: boolean; escalateMinutes?: number | null; enabled?: boolean;
}

/** A point of a series: time (ms) and value. */
interface Pt { time: number; value: number | null }
/** What a condition says of a series now, and since when. */
interface Verdict { firing: boolean; since: number | null; value: number | null; message: string }

const OPS: Op[] = ['>', '>=', '<', '<='];

export function checkCondition(c: Condition): Condition {
  const num = (v: unknown, field: string) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw fieldProblem(field, '须为数字 / a number');
    return v;
  };
  switch (c?.kind) {
    case 'threshold':
      if (!OPS.includes(c.op)) throw fieldProblem('condition.op', OPS.join(' | '));
      num(c.limit, 'condition.limit');
      if (c.clearLimit !== undefined) {
        num(c.clearLimit, 'condition.clearLimit');
        const up = c.op === '>' || c.op === '>=';
        if (up ? c.clearLimit > c.limit : c.clearLimit < c.limit) throw fieldProblem('condition.clearLimit', '恢复阈值须在正常一侧 / the clear limit is on the normal side of the limit');
      }
      return c;
    case 'rate':
      if (!(num(c.windowMinutes, 'condition.windowMinutes') > 0)) throw fieldProblem('condition.windowMinutes', '须大于 0 / positive');
      if (c.maxChange === undefined && c.maxPct === undefined) throw fieldProblem('condition.maxChange', '给出最大变化量或百分比 / give maxChange or maxPct');
      return c;
    case 'seasonal':
      if (c.threshold !== undefined && !(num(c.threshold, 'condition.threshold') > 0)) throw fieldProblem('condition.threshold', '须大于 0 / positive');
      return c;
    case 'forecast':
      num(c.limit, 'condition.limit');
      if (!(Number.isInteger(c.withinSteps) && c.withinSteps >= 1 && c.withinSteps <= 168)) throw fieldProblem('condition.withinSteps', '1–168');
      return c;
    default:
      throw fieldProblem('condition.kind', 'threshold | rate | seasonal | forecast');
  }
}

/** What the condition says of one series (points in time order). */
export function judge(c: Condition, points: Pt[]): Verdict {
  const last = points.at(-1);
  if (!last) return { firing: false, since: null, value: null, message: '' };
  switch (c.kind) {
    case 'threshold': {
      const m = thresholdMachine({ op: c.op, limit: c.limit, forSeconds: (c.forMinutes ?? 0) * 60, clearLimit: c.clearLimit, clearForSeconds: (c.clearForMinutes ?? 0) * 60 });
      let since: number | null = null;
      let value: number | null = null;
      for (const p of points) for (const e of m.step(p.time, p.value)) [since, value] = e.type === 'firing' ? [e.since, e.value] : [null, null];
      const firing = m.state === 'firing' || m.state === 'resolving';
      return { firing, since: firing ? since : null, value: firing ? value : last.value, message: `${c.op} ${c.limit}${c.forMinutes ? `，持续 ${c.forMinutes} 分钟` : ''}` };
    }
    case 'rate': {
      const m = rateOfChange({ windowSeconds: c.windowMinutes * 60, maxChange: c.maxChange, maxPct: c.maxPct });
      let r = null;
      for (const p of points) r = m.step(p.time, p.value) ?? r;
      const firing = !!r && r.time === last.time && r.breach;
      return { firing, since: firing ? r!.time : null, value: last.value, message: firing ? `${c.windowMinutes} 分钟内变化 ${r!.change.toFixed(2)}（${Number.isFinite(r!.pct) ? r!.pct.toFixed(1) : '∞'}%）` : '' };
    }
    case 'seasonal': {
      const d = seasonalDetector({ threshold: c.threshold });
      let flagged = false;
      // the detector looks back 12 weeks: the last 14 are all it needs to judge the last point
      for (const p of points.slice(-SEASONAL_POINTS)) flagged = d.step(p.time, p.value)?.anomaly ?? false;
      return { firing: flagged, since: flagged ? last.time : null, value: last.value, message: '偏离自身周期规律 / off its own daily and weekly pattern' };
    }
    case 'forecast': {
      const values = points.map((p) => (p.value === null ? NaN : p.value));
      if (values.filter(Number.isFinite).length < 48) return { firing: false, since: null, value: last.value, message: '' };
      const b = forecastBreach(values, { limit: c.limit, withinSteps: c.withinSteps, op: c.op ?? '>' });
      return { firing: !!b, since: b ? last.time : null, value: b ? b.forecast : last.value, message: b ? `预计 ${b.step} 步内越过 ${c.limit}（预测 ${b.forecast.toFixed(1)}）` : '' };
    }
  }
}

interface RuleRow {
  id: string; code: string; name: string; indicator_id: string; ind_code: string; ind_name: string; department_id: string; level: Level; condition: Condition;
  responsible_department_id: string | null; work_order: boolean; escalate_minutes: number | null; enabled: boolean; created_at: Date; updated_at: Date;
}
const RULE_SELECT = `SELECT r.*, i.code AS ind_code, i.name AS ind_name FROM alert_rules r JOIN indicators i ON i.id = r.indicator_id`;

const toRule = (r: RuleRow) => ({
  id: r.id, code: r.code, name: r.name, indicator: r.ind_code, indicatorName: r.ind_name, departmentId: r.department_id, level: r.level, condition: r.condition,
  responsibleDepartmentId: r.responsible_department_id, workOrder: r.work_order, escalateMinutes: r.escalate_minutes, enabled: r.enabled, createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!,
});

const seriesKey = (series: Record<string, unknown>) => createHash('sha256').update(JSON.stringify(Object.entries(series).sort())).digest('hex').slice(0, 24);

type SeriesGroups = Map<string, { series: Record<string, string | null>; points: Pt[] }>;

/** An indicator's points grouped by their dimension values (one series each), in time order. */
function groupSeries(s: { dimensions: string[]; points: unknown[] }): SeriesGroups {
  const groups: SeriesGroups = new Map();
  for (const p of s.points as Record<string, unknown>[]) {
    const series = Object.fromEntries(s.dimensions.map((d) => [d, p[d] === null || p[d] === undefined ? null : String(p[d])]));
    const key = seriesKey(series);
    const g = groups.get(key) ?? groups.set(key, { series, points: [] }).get(key)!;
    const t = p.t instanceof Date ? p.t.getTime() : new Date(String(p.t)).getTime();
    g.points.push({ time: t, value: p.value === null || p.value === undefined ? null : Number(p.value) });
  }
  for (const g of groups.values()) g.points.sort((a, b) => a.time - b.time);
  return groups;
}

/** The points of an indicator as the rule's department reads them, grouped by dimension values. */
async function seriesOf(ctx: Ctx, r: RuleRow): Promise<SeriesGroups> {
  const reader = indicatorPrincipal({ code: r.code, name: r.name, departmentId: r.department_id });
  return groupSeries(await indicators.series(ctx, reader, r.ind_code, { limit: 200_000 }));
}

async function silenced(q: Queryable, r: RuleRow, series: Record<string, string | null>, at: Date): Promise<boolean> {
  const rows = await q.query<{ series: Record<string, string> }>(
    `SELECT series FROM alert_silences WHERE (rule_id IS NULL OR rule_id = $1) AND department_id = $2 AND starts_at <= $3 AND ends_at > $3`, [r.id, r.department_id, at.toISOString()]);
  return rows.some((s) => Object.entries(s.series ?? {}).every(([k, v]) => series[k] === v));
}

export const alertRules = {
  async create(ctx: Ctx, caller: Caller, input: AlertRuleInput) {
    if (!(isAdmin(caller) || caller.role === 'officer')) throw problem('forbidden', '只有数据专员或管理员可以设置告警规则 / only officers and admins set alert rules');
    const code = (input.code ?? '').trim().toUpperCase();
    if (!/^[A-Z][A-Z0-9_]{1,40}$/.test(code)) throw fieldProblem('code', '2–41 位大写字母、数字、下划线 / 2–41 upper-case letters, digits, _');
    if (!input.name?.trim()) throw fieldProblem('name', '请填写名称 / a name');
    if (!LEVELS.includes(input.level)) throw fieldProblem('level', LEVELS.join(' | '));
    const condition = checkCondition(input.condition);
    const ind = await indicators.get(ctx, caller, input.indicator);
    const departmentId = caller.departmentId ?? ind.department.id;
    const id = newId();
    const r = { id, code, name: input.name.trim(), department_id: departmentId } as RuleRow;
    // the rule reads the series as its department: refused now if it cannot
    await indicators.series(ctx, indicatorPrincipal({ code, name: r.name, departmentId }), ind.code, { limit: 1 });
    if (await ctx.db.one(`SELECT 1 FROM alert_rules WHERE code = $1`, [code])) throw problem('conflict', `告警规则 ${code} 已存在 / exists`, [{ field: 'code', message: 'exists' }]);
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO alert_rules (id, code, name, indicator_id, department_id, level, condition, responsible_department_id, work_order, escalate_minutes, enabled, created_by, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12, now(), now())`,
        [id, code, r.name, ind.id, departmentId, input.level, JSON.stringify(condition), input.responsibleDepartmentId ?? null, !!input.workOrder, input.escalateMinutes ?? null, input.enabled ?? true, caller.id],
      );
      await ctx.audit.append(tx, caller, { action: 'alert.rule', objectType: 'alert_rule', objectId: code, departmentId, details: { indicator: ind.code, level: input.level, condition } });
    });
    return alertRules.get(ctx, code);
  },

  async get(ctx: Ctx, code: string) {
    const r = await ctx.db.one<RuleRow>(`${RULE_SELECT} WHERE r.code = $1`, [code.toUpperCase()]);
    if (!r) throw notFound('rule', code);
    return toRule(r);
  },

  async list(ctx: Ctx, caller: Caller) {
    const rows = await ctx.db.query<RuleRow>(`${RULE_SELECT} WHERE $1::uuid IS NULL OR r.department_id = $1 OR r.responsible_department_id = $1 ORDER BY r.code`, [isAdmin(caller) ? null : caller.departmentId ?? '00000000-0000-0000-0000-000000000000']);
    return rows.map(toRule);
  },

  /**
   * Back-test (回测): how often the condition would have fired over the indicator's history (or
   * between from and to), per series — "this rule would have fired N times last month".
   */
  async backtest(ctx: Ctx, caller: Caller, input: { indicator: string; condition: Condition; from?: string; to?: string }) {
    const condition = checkCondition(input.condition);
    const s = await indicators.series(ctx, caller, input.indicator, { from: input.from, to: input.to, limit: 200_000 });
    const out = [];
    for (const g of groupSeries(s).values()) {
      const fired: string[] = [];
      let was = false;
      // walk the series point by point, as the evaluations would have seen it
      verdicts(condition, g.points).forEach((now, i) => {
        if (now && !was) fired.push(new Date(g.points[i]!.time).toISOString());
        was = now;
      });
      out.push({ series: g.series, points: g.points.length, fired: fired.length, firstTimes: fired.slice(0, 20) });
    }
    return { indicator: s.indicator, total: out.reduce((n, x) => n + x.fired, 0), series: out };
  },

  /** Evaluate a rule now: judge each series and reconcile with the open alerts. Returns what changed. */
  async evaluate(ctx: Ctx, code: string, now = new Date()) {
    const r = await ctx.db.one<RuleRow>(`${RULE_SELECT} WHERE r.code = $1`, [code.toUpperCase()]);
    if (!r) throw notFound('rule', code);
    if (!r.enabled) return { raised: 0, resolved: 0, firing: 0 };
    const groups = await seriesOf(ctx, r);
    let raised = 0;
    let resolved = 0;
    let firing = 0;
    for (const [key, g] of groups) {
      const v = judge(r.condition, g.points);
      const open = await ctx.db.one<{ id: string }>(`SELECT id FROM alerts WHERE rule_id = $1 AND series_key = $2 AND state <> 'resolved'`, [r.id, key]);
      if (v.firing) {
        firing++;
        if (open) {
          await ctx.db.query(`UPDATE alerts SET last_value = $2, last_seen_at = $3 WHERE id = $1`, [open.id, v.value, now.toISOString()]);
          continue;
        }
        if (await raise(ctx, r, key, g.series, v, now)) raised++;
      } else if (open) {
        await ctx.db.transaction(async (tx) => {
          const done = await tx.query(`UPDATE alerts SET state = 'resolved', resolved_at = $2, last_value = $3 WHERE id = $1 AND state <> 'resolved' RETURNING id`, [open.id, now.toISOString(), v.value]);
          if (done.length) await ctx.audit.append(tx, SYSTEM, { action: 'alert.resolve', objectType: 'ops_alert', objectId: open.id, departmentId: r.department_id, details: { rule: r.code, series: g.series } });
        });
        resolved++;
      }
    }
    return { raised, resolved, firing };
  },

  /** Evaluate every enabled rule over an indicator (after it was refreshed). */
  async evaluateIndicator(ctx: Ctx, indicatorCode: string, now = new Date()) {
    const rules = await ctx.db.query<{ code: string }>(`SELECT r.code FROM alert_rules r JOIN indicators i ON i.id = r.indicator_id WHERE i.code = $1 AND r.enabled`, [indicatorCode]);
    let raised = 0;
    for (const x of rules) {
      try {
        raised += (await alertRules.evaluate(ctx, x.code, now)).raised;
      } catch (err) {
        ctx.log.warn({ err, rule: x.code }, 'monitor: alert rule failed');
      }
    }
    return raised;
  },
};

/** Hourly points in 14 weeks: what a seasonal judgement reads of a series. */
const SEASONAL_POINTS = 24 * 7 * 14;

/**
 * Whether the condition held at each point, as an evaluation at that point would have judged it. The
 * threshold, rate and seasonal detectors are causal state machines: one pass over the series gives
 * every point's verdict. A forecast breach is judged on the series up to each point.
 */
function verdicts(c: Condition, points: Pt[]): boolean[] {
  switch (c.kind) {
    case 'threshold': {
      const m = thresholdMachine({ op: c.op, limit: c.limit, forSeconds: (c.forMinutes ?? 0) * 60, clearLimit: c.clearLimit, clearForSeconds: (c.clearForMinutes ?? 0) * 60 });
      return points.map((p) => {
        m.step(p.time, p.value);
        return m.state === 'firing' || m.state === 'resolving';
      });
    }
    case 'rate': {
      const m = rateOfChange({ windowSeconds: c.windowMinutes * 60, maxChange: c.maxChange, maxPct: c.maxPct });
      return points.map((p) => {
        const r = m.step(p.time, p.value);
        return !!r && r.time === p.time && r.breach;
      });
    }
    case 'seasonal': {
      const d = seasonalDetector({ threshold: c.threshold });
      return points.map((p) => d.step(p.time, p.value)?.anomaly ?? false);
    }
    case 'forecast':
      return points.map((_, i) => judge(c, points.slice(Math.max(0, i - SEASONAL_POINTS), i + 1)).firing);
  }
}

/** A new alert: written once (the open-alert index refuses a second), told and, if the rule says so, given a work order — unless silenced. */
async function raise(ctx: Ctx, r: RuleRow, key: string, series: Record<string, string | null>, v: Verdict, now: Date): Promise<boolean> {
  const id = newId();
  const quiet = await silenced(ctx.db, r, series, now);
  const where = Object.values(series).filter(Boolean).join(' · ');
  const message = `${LEVEL_WORD[r.level]}：${r.ind_name}${where ? `（${where}）` : ''} ${v.message}，当前值 ${v.value ?? '—'}`;
  try {
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO alerts (id, rule_id, series_key, series, level, state, silenced, started_at, value, message, last_value, last_seen_at, created_at)
         VALUES ($1,$2,$3,$4,$5,'firing',$6,$7,$8,$9,$8,$10,$10)`,
        [id, r.id, key, JSON.stringify(series), r.level, quiet, new Date(v.since ?? now.getTime()).toISOString(), v.value, message, now.toISOString()],
      );
      await ctx.audit.append(tx, SYSTEM, { action: 'alert.fire', objectType: 'ops_alert', objectId: id, departmentId: r.department_id, details: { rule: r.code, series, level: r.level, silenced: quiet } });
      if (!quiet) await raiseNotice(tx, { kind: `alert.${r.level}`, title: message, body: r.name, objectType: 'alert', objectId: id, departmentId: r.responsible_department_id ?? r.department_id, admins: r.level === 'critical' });
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') return false; // another server raised it first
    throw err;
  }
  if (r.work_order && !quiet) {
    const order = await workOrders.create(ctx, SYSTEM, {
      title: message.slice(0, 200), description: `告警规则 ${r.code}：${r.name}\n指标 ${r.ind_code}\n${JSON.stringify(series)}`,
      source: 'alert', sourceRef: { alertId: id, rule: r.code }, departmentId: r.responsible_department_id ?? r.department_id, priority: r.level === 'critical' ? 'urgent' : 'normal',
    });
    await ctx.db.query(`UPDATE alerts SET workorder_id = $2 WHERE id = $1`, [id, order.id]);
  }
  return true;
}

export const alertCentre = {
  async list(ctx: Ctx, caller: Caller, q: { state?: string; level?: string; limit?: number } = {}) {
    const rows = await ctx.db.query<Record<string, unknown>>(
      `SELECT a.*, r.code AS rule_code, r.name AS rule_name, i.code AS indicator FROM alerts a JOIN alert_rules r ON r.id = a.rule_id JOIN indicators i ON i.id = r.indicator_id
        WHERE ($1::uuid IS NULL OR r.department_id = $1 OR r.responsible_department_id = $1) AND ($2::text IS NULL OR a.state = $2) AND ($3::text IS NULL OR a.level = $3)
        ORDER BY a.started_at DESC LIMIT $4`,
      [isAdmin(caller) ? null : caller.departmentId ?? '00000000-0000-0000-0000-000000000000', q.state ?? null, q.level ?? null, Math.min(q.limit ?? 100, 500)],
    );
    return rows.map((a) => ({
      id: a.id, rule: a.rule_code, ruleName: a.rule_name, indicator: a.indicator, series: a.series, level: a.level, state: a.state, silenced: a.silenced,
      startedAt: iso(a.started_at as Date), value: a.value, lastValue: a.last_value, lastSeenAt: iso(a.last_seen_at as Date), message: a.message,
      acknowledgedAt: iso(a.acknowledged_at as Date | null), acknowledgedBy: a.acknowledged_by, resolvedAt: iso(a.resolved_at as Date | null), escalatedAt: iso(a.escalated_at as Date | null), workOrderId: a.workorder_id,
    }));
  },

  /** Acknowledge (认领): someone of the responsible or owning department is on it; it no longer escalates. */
  async acknowledge(ctx: Ctx, caller: Caller, id: string) {
    const a = await ctx.db.one<{ id: string; state: string; department_id: string; responsible_department_id: string | null }>(
      `SELECT a.id, a.state, r.department_id, r.responsible_department_id FROM alerts a JOIN alert_rules r ON r.id = a.rule_id WHERE a.id = $1`, [id]);
    if (!a || !(isAdmin(caller) || caller.departmentId === a.department_id || caller.departmentId === a.responsible_department_id)) throw notFound('alert', id);
    if (a.state !== 'firing') throw problem('conflict', `告警状态为 ${a.state} / the alert is ${a.state}`);
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE alerts SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2 WHERE id = $1 AND state = 'firing'`, [id, caller.displayName || caller.username]);
      await ctx.audit.append(tx, caller, { action: 'alert.acknowledge', objectType: 'ops_alert', objectId: id, departmentId: a.department_id, details: {} });
    });
  },

  async silence(ctx: Ctx, caller: Caller, input: { rule?: string | null; series?: Record<string, string>; startsAt: string; endsAt: string; reason: string }) {
    if (!(isAdmin(caller) || caller.role === 'officer')) throw problem('forbidden', '只有数据专员或管理员可以静默告警 / only officers and admins silence alerts');
    const from = Date.parse(input.startsAt);
    const to = Date.parse(input.endsAt);
    if (Number.isNaN(from)) throw fieldProblem('startsAt', '时间格式不正确 / not a date-time');
    if (Number.isNaN(to) || to <= from) throw fieldProblem('endsAt', '须晚于开始时间 / after the start');
    if ((input.reason ?? '').trim().length < 2) throw fieldProblem('reason', '请写明原因（如维护窗口）/ give the reason (e.g. maintenance)');
    const rule = input.rule ? await alertRules.get(ctx, input.rule) : null;
    const departmentId = rule?.departmentId ?? caller.departmentId;
    if (!departmentId || (!isAdmin(caller) && rule && rule.departmentId !== caller.departmentId)) throw problem('forbidden', '只能静默本部门的告警 / only your department\'s alerts');
    const id = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO alert_silences (id, rule_id, department_id, series, starts_at, ends_at, reason, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8, now())`,
        [id, rule?.id ?? null, departmentId, JSON.stringify(input.series ?? {}), new Date(from).toISOString(), new Date(to).toISOString(), input.reason.trim(), caller.displayName || caller.username]);
      await ctx.audit.append(tx, caller, { action: 'alert.silence', objectType: 'alert_silence', objectId: id, departmentId, details: { rule: rule?.code ?? null, series: input.series ?? {}, startsAt: input.startsAt, endsAt: input.endsAt } });
    });
    return id;
  },

  /** The ticker: firing alerts not acknowledged within their rule's minutes are escalated to the admins, once. */
  async escalate(ctx: Ctx, now = new Date()): Promise<number> {
    const due = await ctx.db.query<{ id: string; message: string; department_id: string; minutes: number }>(
      `SELECT a.id, a.message, r.department_id, r.escalate_minutes AS minutes FROM alerts a JOIN alert_rules r ON r.id = a.rule_id
        WHERE a.state = 'firing' AND NOT a.silenced AND a.escalated_at IS NULL AND r.escalate_minutes IS NOT NULL AND a.created_at + (r.escalate_minutes || ' minutes')::interval <= $1`,
      [now.toISOString()]);
    for (const a of due) {
      await ctx.db.transaction(async (tx) => {
        const marked = await tx.query(`UPDATE alerts SET escalated_at = $2 WHERE id = $1 AND escalated_at IS NULL RETURNING id`, [a.id, now.toISOString()]);
        if (!marked.length) return;
        await ctx.audit.append(tx, SYSTEM, { action: 'alert.escalate', objectType: 'ops_alert', objectId: a.id, departmentId: a.department_id, details: { minutes: a.minutes } });
        await raiseNotice(tx, { kind: 'alert.escalated', title: `告警未认领，已升级：${a.message}`.slice(0, 200), body: `${a.minutes} 分钟未认领`, objectType: 'ops_alert', objectId: a.id, departmentId: a.department_id, admins: true });
      });
    }
    return due.length;
  },
};
