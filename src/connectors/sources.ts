import type { Static } from 'typebox';
import { datasetByCode } from '../catalog/index.ts';
import { type Caller, type Ctx, isUuid, newId, fieldProblem, problem, notFound, alreadyExists, noSuch, isAdmin, managesDepartment, requireRole, requireSameDepartment } from '../kernel/index.ts';
import { departmentScope, paged } from '../control/index.ts';
import { checkSchedule, checkSettings } from './checkSettings.ts';
import { connectionBudget } from './ConnectionBudget.ts';
import { testConnection, type ConnectionTestResult } from './connectionTest.ts';
import { sourceChanged } from './events.ts';
import { sealPassword, sourcePassword } from './passwords.ts';
import { startRun } from './runner.ts';
import type { SourceBody, SourcePatchBody } from './routes.ts';
import { toRun } from './runs.ts';
import { brokerTarget, recordConnectFailure } from './sourceConnect.ts';
import { publicSource, rowToSource, SOURCE_SELECT, sourceById, type StoredSource } from './store.ts';
import { sameTarget } from './target.ts';
import { targetPolicy } from './TargetPolicy.ts';
import { SOURCE_KINDS, type DbSettings, type MqttSettings, type Source, type SourceKind, type SourceRun } from './types.ts';

/** A new source, the body of `POST /sources`; the password is stored encrypted and never shown again. */
export type SourceInput = Static<typeof SourceBody>;
/**
 * A change to a source, the body of `PATCH /sources/:id`: a new password (null or '' removes it; left
 * out keeps it); `resetCursor` starts the next incremental sync from the beginning.
 */
export type SourcePatch = Static<typeof SourcePatchBody>;

/** Settings whose change makes the stored cursor meaningless. */
const CURSOR_KEYS: (keyof DbSettings)[] = ['host', 'port', 'database', 'table', 'query', 'cursorColumn', 'mode'];

/** A source's connection settings are its department's business: its data officers and admins. */
const canSee = (caller: Caller, s: { departmentId: string }) => managesDepartment(caller, s.departmentId);

async function visible(ctx: Ctx, caller: Caller, id: string): Promise<StoredSource> {
  requireRole(caller, 'admin', 'officer');
  const s = await sourceById(ctx.db, id);
  // not found and not yours answer alike, so ids cannot be probed
  if (!s || !canSee(caller, s)) throw notFound('source', id);
  return s;
}

/** Where checked settings connect: host and port, and the field that names them. */
function whereTo(kind: SourceKind, settings: DbSettings | MqttSettings): { host: string; port: number; field: string } {
  if (kind === 'mqtt') return { ...brokerTarget(settings as MqttSettings), field: 'settings.url' };
  const s = settings as DbSettings;
  return { host: s.host, port: s.port, field: 'settings.host' };
}

/** Refuse a target the source target policy refuses as written (loopback, metadata, the deny list: see TargetPolicy). */
function checkTarget(ctx: Ctx, kind: SourceKind, settings: DbSettings | MqttSettings): void {
  const w = whereTo(kind, settings);
  targetPolicy(ctx.config).check(w.host, w.port, w.field);
}

/** A stored password goes only to the target it was saved with: another target needs the password typed again. */
const PASSWORD_AGAIN = '更改连接目标后须重新输入密码 / re-enter the password when the target changes';

function checkName(name: unknown): string {
  const n = String(name ?? '').trim();
  if (!n || n.length > 100) throw fieldProblem('name', '名称须为 1–100 个字符 / 1–100 characters');
  return n;
}

/**
 * Connectors of department databases and sensors (数据源). Officers manage their department's
 * sources, admins every source; everyone else sees none. Passwords go in and never come out.
 */
export const sources = {
  async list(ctx: Ctx, caller: Caller, q: { dataset?: string; kind?: string; limit: number; offset: number }) {
    requireRole(caller, 'admin', 'officer');
    const f = departmentScope(caller, 'ds.department_id').eq('ds.code', q.dataset).eq('s.kind', q.kind);
    return f.page(ctx.db, SOURCE_SELECT, 's.name, s.id', q, (r: Parameters<typeof rowToSource>[0]) => publicSource(rowToSource(r)));
  },

  async get(ctx: Ctx, caller: Caller, id: string): Promise<Source> {
    return publicSource(await visible(ctx, caller, id));
  },

  async create(ctx: Ctx, caller: Caller, input: SourceInput): Promise<Source> {
    requireRole(caller, 'admin', 'officer');
    const ds = await datasetByCode(ctx.db, input.datasetCode);
    if (!ds) throw noSuch('datasetCode', 'dataset', input.datasetCode);
    requireSameDepartment(caller, ds.departmentId);
    if (!SOURCE_KINDS.includes(input.kind)) throw fieldProblem('kind', `须为 ${SOURCE_KINDS.join(', ')} / must be one of ${SOURCE_KINDS.join(', ')}`);
    const id = newId();
    const name = checkName(input.name);
    const settings = checkSettings(input.kind, input.settings ?? {}, ds, id);
    checkTarget(ctx, input.kind, settings);
    const schedule = input.kind === 'mqtt' ? null : checkSchedule(input.schedule);
    const secret = input.password ? sealPassword(ctx, id, input.kind, settings, input.password) : null;
    await ctx.db.transaction(async (tx) => {
      if (await tx.one('SELECT 1 FROM sources WHERE dataset_id = $1 AND name = $2', [ds.id, name]))
        throw alreadyExists('source', 'name', name);
      await tx.query(
        `INSERT INTO sources (id, name, dataset_id, kind, settings, secret, schedule, enabled, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [id, name, ds.id, input.kind, JSON.stringify(settings), secret, schedule, input.enabled ?? true, caller.id],
      );
      await ctx.audit.append(tx, caller, {
        action: 'source.create', objectType: 'source', objectId: id, departmentId: ds.departmentId,
        details: { name, dataset: ds.code, kind: input.kind, schedule, password: !!secret },
      });
    });
    sourceChanged(id);
    return publicSource((await sourceById(ctx.db, id))!);
  },

  async update(ctx: Ctx, caller: Caller, id: string, patch: SourcePatch): Promise<Source> {
    const cur = await visible(ctx, caller, id);
    const ds = (await datasetByCode(ctx.db, cur.datasetCode))!;
    const name = patch.name !== undefined ? checkName(patch.name) : cur.name;
    const merged = { ...(cur.settings as unknown as Record<string, unknown>), ...(patch.settings ?? {}) };
    const settings = checkSettings(cur.kind, merged, ds, id);
    const retarget = !sameTarget(cur.kind, cur.settings, settings);
    if (retarget) {
      checkTarget(ctx, cur.kind, settings);
      if (cur.secret && patch.password === undefined) throw fieldProblem('password', PASSWORD_AGAIN);
    }
    const schedule = cur.kind === 'mqtt' ? null : patch.schedule !== undefined ? checkSchedule(patch.schedule) : cur.schedule;
    const secret = patch.password === undefined ? cur.secret : patch.password ? sealPassword(ctx, id, cur.kind, settings, patch.password) : null;
    const before = cur.settings as unknown as Record<string, unknown>;
    const after = settings as unknown as Record<string, unknown>;
    const reset = patch.resetCursor || (cur.kind !== 'mqtt' && CURSOR_KEYS.some((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null)));
    const changes = [...Object.keys(patch.settings ?? {}).map((k) => `settings.${k}`), ...Object.keys(patch).filter((k) => k !== 'settings')];
    await ctx.db.transaction(async (tx) => {
      if (name !== cur.name && (await tx.one('SELECT 1 FROM sources WHERE dataset_id = $1 AND name = $2 AND id <> $3', [cur.datasetId, name, id])))
        throw alreadyExists('source', 'name', name);
      await tx.query(
        `UPDATE sources SET name = $2, settings = $3, secret = $4, schedule = $5, enabled = $6, updated_at = now(),
           state = CASE WHEN $7 THEN state - 'cursor' ELSE state END WHERE id = $1`,
        [id, name, JSON.stringify(settings), secret, schedule, patch.enabled ?? cur.enabled, reset],
      );
      await ctx.audit.append(tx, caller, {
        action: 'source.update', objectType: 'source', objectId: id, departmentId: cur.departmentId,
        details: { name, changes, cursorReset: reset, ...(retarget ? { target: whereTo(cur.kind, settings) } : {}) },
      });
    });
    sourceChanged(id);
    return publicSource((await sourceById(ctx.db, id))!);
  },

  async remove(ctx: Ctx, caller: Caller, id: string): Promise<void> {
    const cur = await visible(ctx, caller, id);
    await ctx.db.transaction(async (tx) => {
      const busy = await tx.one<{ n: number }>(`SELECT count(*)::int AS n FROM source_runs WHERE source_id = $1 AND status = 'running' AND trigger <> 'sensor'`, [id]);
      if (Number(busy?.n) > 0) throw problem('conflict', `数据源正在同步，请稍后删除 / source ${cur.name} is running; delete it when the run ends`);
      await tx.query('DELETE FROM sources WHERE id = $1', [id]);
      await ctx.audit.append(tx, caller, { action: 'source.delete', objectType: 'source', objectId: id, departmentId: cur.departmentId, details: { name: cur.name, dataset: cur.datasetCode } });
    });
    sourceChanged(id);
  },

  /**
   * Try settings before saving them (admins), or a saved source (its officers too), optionally
   * with changed settings: connect, read the columns of the table or query. The server connects
   * where the caller says, so:
   *   - only admins test a target that is not a source's saved one (officers test their sources as saved);
   *   - the stored password goes only to the saved target: another target needs it typed again;
   *   - tests are rate-limited per user, and every failed connection answers the same after the same time.
   */
  async test(ctx: Ctx, caller: Caller, input: { id?: string } & Partial<Pick<SourceInput, 'datasetCode' | 'kind' | 'settings' | 'password'>>): Promise<ConnectionTestResult> {
    requireRole(caller, 'admin', 'officer');
    connectionBudget(ctx.config).spend(caller);
    const cur = input.id ? await visible(ctx, caller, input.id) : null;
    const kind = cur ? cur.kind : input.kind;
    if (!kind || !SOURCE_KINDS.includes(kind)) throw fieldProblem('kind', `须为 ${SOURCE_KINDS.join(', ')} / must be one of ${SOURCE_KINDS.join(', ')}`);
    const datasetCode = cur ? cur.datasetCode : input.datasetCode;
    if (!datasetCode) throw fieldProblem('datasetCode', '需要数据集 / a dataset is required');
    const ds = await datasetByCode(ctx.db, datasetCode);
    if (!ds) throw noSuch('datasetCode', 'dataset', datasetCode);
    requireSameDepartment(caller, ds.departmentId);
    const id = cur?.id ?? newId();
    const settings = checkSettings(kind, cur ? { ...(cur.settings as unknown as Record<string, unknown>), ...(input.settings ?? {}) } : input.settings ?? {}, ds, id);
    const retarget = !cur || !sameTarget(kind, cur.settings, settings);
    if (retarget) {
      if (!isAdmin(caller)) throw problem('forbidden', '只有管理员可以测试未保存的连接目标；请先保存再测试 / only admins test a target that is not saved; save the source, then test it');
      checkTarget(ctx, kind, settings);
      if (cur?.secret && input.password === undefined) throw fieldProblem('password', PASSWORD_AGAIN);
    }
    const password = input.password !== undefined || !cur ? input.password ?? '' : await sourcePassword(ctx, cur, settings);
    const { result, failure } = await testConnection(ctx, kind, settings, password);
    const where = whereTo(kind, settings);
    if (failure) await recordConnectFailure(ctx, caller, cur?.id ?? null, `${where.host}:${where.port}`, failure);
    await ctx.audit.record(caller, {
      action: 'source.test', objectType: 'source', objectId: cur?.id ?? null, departmentId: ds.departmentId,
      details: { kind, host: where.host, port: where.port, saved: !retarget, ok: result.ok },
    });
    return result;
  },

  /** Run a database source now (202: the run goes on in the background unless `wait`). */
  async runNow(ctx: Ctx, caller: Caller, id: string, opts: { wait?: boolean; full?: boolean } = {}): Promise<SourceRun> {
    const s = await visible(ctx, caller, id);
    connectionBudget(ctx.config).spend(caller);
    const started = await startRun(ctx, caller, id, 'manual', { full: opts.full });
    await ctx.audit.record(caller, {
      action: 'source.run', objectType: 'source', objectId: id, departmentId: s.departmentId, details: { name: s.name, runId: started.run.id, mode: started.run.mode },
    });
    return opts.wait ? started.done : started.run;
  },

  async runs(ctx: Ctx, caller: Caller, id: string, q: { limit: number; offset: number }) {
    await visible(ctx, caller, id);
    return paged(ctx.db, 'SELECT * FROM source_runs WHERE source_id = $1', [id], 'started_at DESC, id DESC', q, toRun);
  },

  async run(ctx: Ctx, caller: Caller, id: string, runId: string): Promise<SourceRun> {
    await visible(ctx, caller, id);
    const r = isUuid(runId) ? await ctx.db.one<Parameters<typeof toRun>[0]>('SELECT * FROM source_runs WHERE id = $1 AND source_id = $2', [runId, id]) : undefined;
    if (!r) throw notFound('run', runId);
    return toRun(r);
  },
};
