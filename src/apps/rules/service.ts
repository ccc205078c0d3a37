/**
 * Rules: saved, listed, run and dry-run. A rule belongs to its owner department (it reads as that
 * department, through the share guard) and hands what it finds to its responsible department. The
 * owner's officers and the platform admins define and run rules; both departments see them.
 */
import { Cron } from 'croner';
import { departments } from '../../identity/index.ts';
import { checkWebhookUrl, notifySettings } from '../notify/index.ts';
import { alreadyExists, type Caller, type Ctx, fieldProblem, isAdmin, isUuid, newId, notFound, problem } from '../../kernel/index.ts';
import { evaluate, type Evaluable } from './evaluate.ts';
import { outcomeOf } from './registry.ts';
import { lastRuns, RULE_SELECT, RUN_COLS, toRule, toRun, type RuleDbRow, type RunDbRow } from './store.ts';
import type { Rule, RuleInput, RuleKind, RuleRunSummary, RuleTrigger, RunInfo } from './types.ts';
import { ruleChanged } from './events.ts';

export const RULE_PAGE_MAX = 200;
const SAMPLE_ROWS = 20;
const CODE_RE = /^[A-Z][A-Z0-9_]{1,63}$/;
const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
/** Cron expressions are read in the city's time zone. */
export const RULE_TIMEZONE = 'Asia/Shanghai';

interface Normalized {
  input: RuleInput;
  ownerId: string;
  responsibleId: string;
}

const mayDefine = (caller: Caller, ownerId: string) => isAdmin(caller) || (caller.role === 'officer' && caller.departmentId === ownerId);
const mayView = (caller: Caller, r: Pick<Rule, 'ownerDepartment' | 'responsibleDepartment'>) =>
  isAdmin(caller) || (!!caller.departmentId && (caller.departmentId === r.ownerDepartment.id || caller.departmentId === r.responsibleDepartment.id));

async function departmentId(ctx: Ctx, code: unknown, field: string): Promise<string> {
  const d = typeof code === 'string' ? await departments.byCode(ctx, code) : undefined;
  if (!d) throw fieldProblem(field, `部门不存在 / no such department: ${String(code)}`);
  return d.id;
}

/** Check a definition field by field (400 naming the field); the query itself is checked by running it. */
async function normalize(ctx: Ctx, raw: RuleInput): Promise<Normalized> {
  const input: RuleInput = { ...raw, code: String(raw.code ?? '').trim().toUpperCase(), name: String(raw.name ?? '').trim() };
  if (!CODE_RE.test(input.code)) throw fieldProblem('code', '规则代码为大写字母开头的 2–64 位字母、数字、下划线 / 2–64 capitals, digits, underscores, starting with a letter');
  if (!input.name || input.name.length > 100) throw fieldProblem('name', '名称须为 1–100 个字 / 1–100 characters');
  if (input.kind !== 'collide' && input.kind !== 'push') throw fieldProblem('kind', 'collide | push');
  if (!input.query || (input.query.mode !== 'builder' && input.query.mode !== 'sql')) throw fieldProblem('query.mode', 'builder | sql');
  if (!Array.isArray(input.key) || !input.key.length || input.key.length > 8 || !input.key.every((k) => typeof k === 'string' && FIELD_RE.test(k)))
    throw fieldProblem('key', '须为 1–8 个结果列名 / 1–8 column names of the result');
  if (input.kind === 'push') {
    if (!input.subject || !FIELD_RE.test(String(input.subject.field)) || (input.subject.kind !== 'person' && input.subject.kind !== 'enterprise'))
      throw fieldProblem('subject', '推送规则须指明对象列（person 身份证号 / enterprise 统一社会信用代码）/ a push rule names its subject column');
    if (!input.action?.notice?.title?.trim() || !input.action.notice.body?.trim()) throw fieldProblem('action.notice', '推送规则须有通知标题和正文 / a push rule needs a notice title and body');
  }
  const trigger: RuleTrigger = input.trigger ?? 'manual';
  if (!['manual', 'schedule', 'arrival'].includes(trigger)) throw fieldProblem('trigger', 'manual | schedule | arrival');
  input.trigger = trigger;
  if (trigger === 'schedule') {
    if (typeof input.schedule !== 'string' || !input.schedule.trim()) throw fieldProblem('schedule', '定时规则须有 cron 表达式 / a scheduled rule needs a cron expression');
    try {
      new Cron(input.schedule, { paused: true, timezone: RULE_TIMEZONE }).stop();
    } catch (err) {
      throw fieldProblem('schedule', `cron 表达式无效 / not a cron expression: ${(err as Error).message}`);
    }
  } else input.schedule = null;
  if (input.asOf !== undefined && input.asOf !== null && !(typeof input.asOf === 'string' && DATE_RE.test(input.asOf) && !Number.isNaN(Date.parse(input.asOf))))
    throw fieldProblem('asOf', '须为 YYYY-MM-DD 或空 / YYYY-MM-DD or null');
  const action = { ...input.action };
  if (action.webhook === '') action.webhook = null; // a form's empty field: no webhook
  if (action.webhook !== undefined && action.webhook !== null) await checkWebhook(ctx, action.webhook);
  if (action.workingDays !== undefined && !(Number.isInteger(action.workingDays) && action.workingDays >= 1 && action.workingDays <= 365)) throw fieldProblem('action.workingDays', '1–365');
  if (action.priority !== undefined && action.priority !== 'normal' && action.priority !== 'urgent') throw fieldProblem('action.priority', 'normal | urgent');
  const ownerId = await departmentId(ctx, input.ownerDepartment, 'ownerDepartment');
  const responsibleId = await departmentId(ctx, input.responsibleDepartment, 'responsibleDepartment');
  return { input: { ...input, action }, ownerId, responsibleId };
}

/** Webhook addresses: only hosts on the platform's allow-list (GOVHUB_WEBHOOK_HOSTS). */
const checkWebhook = (ctx: Ctx, url: unknown) => {
  if (typeof url !== 'string') throw fieldProblem('action.webhook', '须为 URL / must be a URL');
  checkWebhookUrl(url, notifySettings(ctx).webhookHosts, 'action.webhook');
};

const evaluable = (n: Normalized | Rule): Evaluable =>
  'input' in n
    ? { code: n.input.code, name: n.input.name, query: n.input.query, key: n.input.key, subject: n.input.subject ?? null, ownerDepartmentId: n.ownerId, asOf: n.input.asOf ?? null }
    : { code: n.code, name: n.name, query: n.query, key: n.key, subject: n.subject ?? null, ownerDepartmentId: n.ownerDepartment.id, asOf: n.asOf ?? null };

/** One run of a rule at a time in this server; arrivals and schedules queue behind a manual run. */
const running = new Map<string, Promise<unknown>>();

async function execute(ctx: Ctx, rule: Rule, trigger: RuleTrigger, cause: Record<string, unknown> | null, caller: Caller): Promise<RuleRunSummary> {
  const prev = running.get(rule.id) ?? Promise.resolve();
  const mine = prev.catch(() => {}).then(() => executeNow(ctx, rule, trigger, cause, caller));
  running.set(rule.id, mine);
  try {
    return await mine;
  } finally {
    if (running.get(rule.id) === mine) running.delete(rule.id);
  }
}

async function executeNow(ctx: Ctx, rule: Rule, trigger: RuleTrigger, cause: Record<string, unknown> | null, caller: Caller): Promise<RuleRunSummary> {
  const id = newId();
  const at = new Date();
  await ctx.db.query(`INSERT INTO rule_runs (id, rule_id, trigger, status, started_at, cause) VALUES ($1,$2,$3,'running',$4,$5)`, [id, rule.id, trigger, at.toISOString(), cause ? JSON.stringify(cause) : null]);
  let summary: { rows: number; counts: Record<string, number>; versions: Record<string, number> } | null = null;
  try {
    const ev = await evaluate(ctx, evaluable(rule));
    const run: RunInfo = { id, ruleId: rule.id, trigger, versions: ev.versions, at };
    const counts = await outcomeOf(rule.kind).apply(ctx, rule, run, ev.rows, ev.complete);
    summary = { rows: ev.rows.length, counts: { ...counts, ...(ev.complete ? {} : { truncated: 1 }) }, versions: ev.versions };
    await ctx.db.transaction(async (tx) => {
      await tx.query(`UPDATE rule_runs SET status = 'done', finished_at = now(), rows = $2, counts = $3, versions = $4 WHERE id = $1`, [id, summary!.rows, JSON.stringify(summary!.counts), JSON.stringify(summary!.versions)]);
      await ctx.audit.append(tx, caller, { action: 'rule.run', objectType: 'rule', objectId: rule.id, departmentId: rule.ownerDepartment.id, details: { code: rule.code, trigger, run: id, rows: summary!.rows, counts: summary!.counts, versions: summary!.versions, ...(cause ? { cause } : {}) } });
    });
  } catch (err) {
    const message = err instanceof Error ? ((err as { detail?: string }).detail ?? err.message) : String(err);
    await ctx.db.query(`UPDATE rule_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [id, message.slice(0, 2000)]);
    throw err;
  }
  const row = await ctx.db.one<RunDbRow>(`SELECT ${RUN_COLS} FROM rule_runs WHERE id = $1`, [id]);
  return toRun(row!);
}

async function load(ctx: Ctx, idOrCode: string): Promise<Rule> {
  const r = await ctx.db.one<RuleDbRow>(`${RULE_SELECT} WHERE ${isUuid(idOrCode) ? 'r.id = $1' : 'r.code = $1'}`, [isUuid(idOrCode) ? idOrCode : idOrCode.toUpperCase()]);
  if (!r) throw notFound('rule', idOrCode);
  const runs = await lastRuns(ctx.db, [r.id]);
  return toRule(r, runs.get(r.id) ?? null);
}

export interface RuleListQuery {
  kind?: RuleKind;
  trigger?: RuleTrigger;
  q?: string;
  limit?: number;
  offset?: number;
}

export const rules = {
  async create(ctx: Ctx, caller: Caller, raw: RuleInput): Promise<Rule> {
    const n = await normalize(ctx, raw);
    if (!mayDefine(caller, n.ownerId)) throw problem('forbidden', '只有规则所属部门的数据专员或管理员可以定义规则 / only the owner department\'s officers and admins define its rules');
    if (await ctx.db.one('SELECT 1 FROM rules WHERE code = $1', [n.input.code])) throw alreadyExists('rule', 'code', n.input.code);
    // the query must run as the owner department (its grants): a rule that cannot read is refused now
    const checked = await evaluate(ctx, evaluable(n), { limit: 1 });
    const id = newId();
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO rules (id, code, name, description, kind, query, key_fields, subject, owner_department_id, responsible_department_id, trigger, schedule, as_of, action, watches, enabled, created_by, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,now(),now())`,
        [id, n.input.code, n.input.name, n.input.description ?? '', n.input.kind, JSON.stringify(n.input.query), JSON.stringify(n.input.key), n.input.subject ? JSON.stringify(n.input.subject) : null,
          n.ownerId, n.responsibleId, n.input.trigger, n.input.schedule ?? null, n.input.asOf ?? null, JSON.stringify(n.input.action ?? {}), JSON.stringify(Object.keys(checked.versions)), n.input.enabled ?? true, caller.id],
      );
      await ctx.audit.append(tx, caller, { action: 'rule.create', objectType: 'rule', objectId: id, departmentId: n.ownerId, details: { code: n.input.code, kind: n.input.kind, trigger: n.input.trigger } });
    });
    ruleChanged(id);
    return load(ctx, id);
  },

  async update(ctx: Ctx, caller: Caller, idOrCode: string, raw: RuleInput): Promise<Rule> {
    const before = await rules.get(ctx, caller, idOrCode);
    if (!mayDefine(caller, before.ownerDepartment.id)) throw problem('forbidden', '只有规则所属部门的数据专员或管理员可以修改规则 / only the owner department\'s officers and admins change its rules');
    const n = await normalize(ctx, { ...raw, code: before.code });
    if (!mayDefine(caller, n.ownerId)) throw problem('forbidden', '不能把规则交给其他部门 / a rule cannot be handed to another department');
    if (n.input.kind !== before.kind) throw fieldProblem('kind', '规则类型不能修改 / a rule keeps its kind');
    const checked = await evaluate(ctx, evaluable(n), { limit: 1 });
    await ctx.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE rules SET name = $2, description = $3, query = $4, key_fields = $5, subject = $6, owner_department_id = $7, responsible_department_id = $8, trigger = $9, schedule = $10,
           as_of = $11, action = $12, watches = $13, enabled = $14, updated_at = now() WHERE id = $1`,
        [before.id, n.input.name, n.input.description ?? '', JSON.stringify(n.input.query), JSON.stringify(n.input.key), n.input.subject ? JSON.stringify(n.input.subject) : null, n.ownerId, n.responsibleId,
          n.input.trigger, n.input.schedule ?? null, n.input.asOf ?? null, JSON.stringify(n.input.action ?? {}), JSON.stringify(Object.keys(checked.versions)), n.input.enabled ?? true],
      );
      await ctx.audit.append(tx, caller, { action: 'rule.update', objectType: 'rule', objectId: before.id, departmentId: n.ownerId, details: { code: before.code, trigger: n.input.trigger, enabled: n.input.enabled ?? true } });
    });
    ruleChanged(before.id);
    return load(ctx, before.id);
  },

  async get(ctx: Ctx, caller: Caller, idOrCode: string): Promise<Rule> {
    const r = await load(ctx, idOrCode);
    if (!mayView(caller, r)) throw notFound('rule', idOrCode);
    return r;
  },

  async list(ctx: Ctx, caller: Caller, q: RuleListQuery = {}) {
    const params: unknown[] = [];
    const conds: string[] = [];
    const p = (v: unknown) => `$${params.push(v)}`;
    if (!isAdmin(caller)) {
      if (!caller.departmentId) return { items: [], total: 0, limit: q.limit ?? 50, offset: q.offset ?? 0 };
      conds.push(`(r.owner_department_id = ${p(caller.departmentId)} OR r.responsible_department_id = $${params.length})`);
    }
    if (q.kind) conds.push(`r.kind = ${p(q.kind)}`);
    if (q.trigger) conds.push(`r.trigger = ${p(q.trigger)}`);
    if (q.q?.trim()) conds.push(`(r.code ILIKE ${p(`%${q.q.trim()}%`)} OR r.name ILIKE $${params.length})`);
    const where = conds.length ? ` WHERE ${conds.join(' AND ')}` : '';
    const limit = Math.min(q.limit ?? 50, RULE_PAGE_MAX);
    const offset = q.offset ?? 0;
    const rows = await ctx.db.query<RuleDbRow>(`${RULE_SELECT}${where} ORDER BY r.code LIMIT ${limit} OFFSET ${offset}`, params);
    const total = await ctx.db.one<{ n: number }>(`SELECT count(*)::int AS n FROM rules r${where}`, params);
    const runs = await lastRuns(ctx.db, rows.map((r) => r.id));
    return { items: rows.map((r) => toRule(r, runs.get(r.id) ?? null)), total: Number(total?.n ?? 0), limit, offset };
  },

  /** Run a rule now (its owner's officers, admins; the platform for schedules and arrivals). */
  async run(ctx: Ctx, caller: Caller, idOrCode: string, opts: { trigger?: RuleTrigger; cause?: Record<string, unknown> } = {}): Promise<RuleRunSummary> {
    const rule = await rules.get(ctx, caller, idOrCode);
    if (!mayDefine(caller, rule.ownerDepartment.id)) throw problem('forbidden', '只有规则所属部门的数据专员或管理员可以运行规则 / only the owner department\'s officers and admins run its rules');
    return execute(ctx, rule, opts.trigger ?? 'manual', opts.cause ?? null, caller);
  },

  async runs(ctx: Ctx, caller: Caller, idOrCode: string, page: { limit?: number; offset?: number } = {}) {
    const rule = await rules.get(ctx, caller, idOrCode);
    const limit = Math.min(page.limit ?? 20, RULE_PAGE_MAX);
    const rows = await ctx.db.query<RunDbRow>(`SELECT ${RUN_COLS} FROM rule_runs WHERE rule_id = $1 ORDER BY started_at DESC LIMIT ${limit} OFFSET ${page.offset ?? 0}`, [rule.id]);
    const total = await ctx.db.one<{ n: number }>('SELECT count(*)::int AS n FROM rule_runs WHERE rule_id = $1', [rule.id]);
    return { items: rows.map(toRun), total: Number(total?.n ?? 0), limit, offset: page.offset ?? 0 };
  },

  /**
   * Try a definition without saving it: how many rows and keys it finds, and a sample. The sample is
   * the owner department's view, so only its own officers get it; an admin sees the counts.
   */
  async dryRun(ctx: Ctx, caller: Caller, raw: RuleInput) {
    const n = await normalize(ctx, { ...raw, code: raw.code || 'DRY_RUN' });
    if (!mayDefine(caller, n.ownerId)) throw problem('forbidden', '只有规则所属部门的数据专员或管理员可以试运行 / only the owner department\'s officers and admins try its rules');
    const ev = await evaluate(ctx, evaluable(n));
    const sampleVisible = caller.departmentId === n.ownerId;
    return {
      rows: ev.rowCount, keys: ev.rows.length, complete: ev.complete, columns: ev.columns, versions: ev.versions, asOf: ev.asOf, seconds: Math.round(ev.seconds * 1000) / 1000,
      sample: sampleVisible ? ev.rows.slice(0, SAMPLE_ROWS).map((r) => r.row) : [], sampleVisible,
    };
  },
};

/** For the platform's triggers: a rule by id, no caller checks (the rule runs as its owner). */
export const ruleById = (ctx: Ctx, id: string) => load(ctx, id);
export const executeRule = execute;
