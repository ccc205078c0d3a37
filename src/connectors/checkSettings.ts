import { Cron } from 'croner';
import type { Dataset } from '../catalog/index.ts';
import { problem, type FieldError } from '../kernel/index.ts';
import { DEFAULT_BATCH_ROWS } from './db/syncParts.ts';
import { DEFAULT_PORTS } from './db/openSourceDb.ts';
import { checkColumnName, checkReadOnlyQuery, checkTableName } from './db/readOnlyQuery.ts';
import { DEFAULT_RETRY } from './retry.ts';
import { SENSOR_FIELDS } from './sensors/sensorFields.ts';
import { brokerUrl } from './target.ts';
import type { DbSettings, MqttSettings, SourceKind } from './types.ts';

/** Time zone cron expressions are read in (people's clocks, not UTC). */
export const SCHEDULE_TIMEZONE = 'Asia/Shanghai';

const isInt = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** Check a cron expression (5 or 6 fields, croner syntax); null clears the schedule. */
export function checkSchedule(expr: string | null | undefined, field = 'schedule'): string | null {
  if (expr === null || expr === undefined || expr.trim() === '') return null;
  try {
    new Cron(expr.trim(), { paused: true, timezone: SCHEDULE_TIMEZONE }).stop();
  } catch (err) {
    throw problem('validation', `${field}: ${(err as Error).message}`, [{ field, message: `不是有效的 cron 表达式 / not a valid cron expression: ${(err as Error).message}` }]);
  }
  return expr.trim();
}

function collect(fn: (bad: (field: string, message: string) => void) => void): void {
  const errors: FieldError[] = [];
  fn((field, message) => errors.push({ field, message }));
  if (errors.length) throw problem('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

function catchField(bad: (f: string, m: string) => void, fn: () => void) {
  try {
    fn();
  } catch (err) {
    const e = err as { errors?: FieldError[]; message: string };
    for (const fe of e.errors ?? [{ field: 'settings', message: e.message }]) bad(`settings.${fe.field}`, fe.message);
  }
}

/** Database source settings, normalised (defaults filled in); throws one validation problem naming every bad field. */
export function checkDbSettings(kind: 'mysql' | 'postgres', s: Partial<DbSettings>, ds: Dataset): DbSettings {
  const out: DbSettings = {
    host: String(s.host ?? '').trim(), port: s.port ?? DEFAULT_PORTS[kind], user: String(s.user ?? ''), database: String(s.database ?? ''),
    ssl: !!s.ssl, table: s.table?.trim() || null, query: s.query?.trim() || null, mapping: s.mapping ?? {}, mode: s.mode ?? 'full',
    cursorColumn: s.cursorColumn?.trim() || null, batchRows: s.batchRows ?? DEFAULT_BATCH_ROWS, splitColumn: s.splitColumn?.trim() || null,
    parallel: s.parallel ?? 1, throttleRowsPerSecond: s.throttleRowsPerSecond ?? 0, retry: { ...DEFAULT_RETRY, ...(s.retry ?? {}) },
    errorLimit: s.errorLimit, refreshSchedule: s.refreshSchedule?.trim() || null,
  };
  collect((bad) => {
    // a host name or address: no socket paths (/), no user@host, no lists of hosts
    if (!out.host || out.host.length > 255 || /[\s/@,]/.test(out.host)) bad('settings.host', '主机名不合法 / not a valid host');
    if (!isInt(out.port, 1, 65535)) bad('settings.port', '端口须为 1–65535 / port must be 1–65535');
    if (!out.user || out.user.length > 128) bad('settings.user', '需要用户名 / a user is required');
    if (!out.database || out.database.length > 128) bad('settings.database', '需要数据库名 / a database is required');
    if (!!out.table === !!out.query) bad('settings.table', '表名与查询二选一 / give either a table or a query');
    if (out.table) catchField(bad, () => checkTableName(out.table!));
    if (out.query) catchField(bad, () => (out.query = checkReadOnlyQuery(out.query!, kind)));
    const fields = new Set(ds.fields.map((f) => f.name));
    for (const [col, field] of Object.entries(out.mapping ?? {})) {
      catchField(bad, () => checkColumnName(col, `mapping.${col}`));
      if (field !== null && !fields.has(field)) bad(`settings.mapping.${col}`, `数据集 ${ds.code} 没有字段 ${field} / no field ${field}`);
    }
    if (out.mode !== 'full' && out.mode !== 'incremental') bad('settings.mode', '须为 full 或 incremental / must be full or incremental');
    if (out.mode === 'incremental') {
      if (!out.cursorColumn) bad('settings.cursorColumn', '增量同步需要游标列 / incremental sync needs a cursor column');
      else catchField(bad, () => checkColumnName(out.cursorColumn!, 'cursorColumn'));
      if (!ds.primaryKey.length) bad('settings.mode', `增量同步按主键合并，数据集 ${ds.code} 没有主键 / incremental sync upserts by primary key; ${ds.code} has none`);
      if (out.refreshSchedule) catchField(bad, () => checkSchedule(out.refreshSchedule, 'refreshSchedule'));
    } else if (out.refreshSchedule) {
      bad('settings.refreshSchedule', '全量校准只用于增量同步（全量同步每次都读取全部行）/ a full refresh is for incremental sources (a full sync reads every row each time)');
    }
    if (!isInt(out.batchRows, 1, 10_000_000)) bad('settings.batchRows', '须为 1–10000000 / must be 1–10000000');
    if (out.splitColumn) catchField(bad, () => checkColumnName(out.splitColumn!, 'splitColumn'));
    if (!isInt(out.parallel, 1, 16)) bad('settings.parallel', '须为 1–16 / must be 1–16');
    if ((out.parallel ?? 1) > 1 && !out.splitColumn) bad('settings.splitColumn', '并行读取需要整数切分列 / a parallel read needs an integer split column');
    if (!(typeof out.throttleRowsPerSecond === 'number' && out.throttleRowsPerSecond >= 0)) bad('settings.throttleRowsPerSecond', '须 ≥ 0 / must be ≥ 0');
    const r = out.retry!;
    if (!isInt(r.attempts, 1, 10)) bad('settings.retry.attempts', '须为 1–10 / must be 1–10');
    if (!isInt(r.baseMs, 10, 600_000)) bad('settings.retry.baseMs', '须为 10–600000 / must be 10–600000');
    if (!isInt(r.maxMs, r.baseMs, 3_600_000)) bad('settings.retry.maxMs', '须 ≥ baseMs 且 ≤ 3600000 / must be ≥ baseMs, ≤ 3600000');
    const l = out.errorLimit;
    if (l?.count !== undefined && !isInt(l.count, 0, Number.MAX_SAFE_INTEGER)) bad('settings.errorLimit.count', '须为非负整数 / must be a whole number ≥ 0');
    if (l?.share !== undefined && !(l.share >= 0 && l.share <= 1)) bad('settings.errorLimit.share', '须在 0–1 之间 / must be between 0 and 1');
  });
  return out;
}

/** An MQTT topic filter: levels separated by /, `+` a whole level, `#` only as the last level. */
export function validTopicFilter(t: string): boolean {
  if (!t || t.length > 1024) return false;
  const levels = t.split('/');
  return levels.every((l, i) => (l.includes('#') ? l === '#' && i === levels.length - 1 : !l.includes('+') || l === '+'));
}

/**
 * A broker URL: mqtt://, mqtts://, ws:// or wss:// with a host (no file:, no unix sockets); no
 * user or password in it (they have their own fields, and settings are shown to everyone who sees
 * the source); no query (mqtt.js would take a client id from it); a path only for WebSockets.
 */
function checkBrokerUrl(url: string): string | null {
  const u = /^(mqtts?|wss?):\/\/[^\s]+$/.test(url) ? brokerUrl(url) : null;
  if (!u) return '须为带主机名的 mqtt:// mqtts:// ws:// wss:// 地址 / must be an mqtt://, mqtts://, ws:// or wss:// URL with a host';
  const parsed = new URL(url);
  if (parsed.username || parsed.password) return '地址中不能含用户名或密码，请填写在用户名、密码栏 / no user or password in the URL: use the username and password fields';
  if (parsed.search || parsed.hash) return '地址不能带查询参数 / the URL takes no query or fragment';
  if (!u.protocol.startsWith('ws') && parsed.pathname && parsed.pathname !== '/') return 'mqtt:// 地址不能带路径 / an mqtt:// URL takes no path';
  if (!(u.port >= 1 && u.port <= 65535)) return '端口须为 1–65535 / port must be 1–65535';
  return null;
}

/** MQTT sensor settings, normalised; the dataset must have the time-series fields. */
export function checkMqttSettings(s: Partial<MqttSettings>, ds: Dataset, sourceId: string): MqttSettings {
  const out: MqttSettings = {
    url: String(s.url ?? '').trim(), username: s.username ?? null, topics: (s.topics ?? []).map((t) => String(t).trim()),
    clientId: s.clientId?.trim() || `govhub-${sourceId}`, topicTemplate: s.topicTemplate?.trim() || null,
    batchSeconds: s.batchSeconds ?? 5, batchMessages: s.batchMessages ?? 10_000, protocolVersion: s.protocolVersion ?? 5,
  };
  collect((bad) => {
    const urlProblem = checkBrokerUrl(out.url);
    if (urlProblem) bad('settings.url', urlProblem);
    if (!out.topics.length || out.topics.length > 50) bad('settings.topics', '需要 1–50 个主题 / 1–50 topic filters');
    out.topics.forEach((t, i) => {
      if (!validTopicFilter(t)) bad(`settings.topics.${i}`, `主题过滤器不合法 / not a valid topic filter: ${t}`);
    });
    if (!/^[\w.:-]{1,128}$/.test(out.clientId!)) bad('settings.clientId', '客户端标识须为 1–128 个字母数字 / 1–128 letters, digits, _ . : -');
    if (out.topicTemplate && !/\{device\}|\{metric\}/.test(out.topicTemplate)) bad('settings.topicTemplate', '模板须含 {device} 或 {metric} / the template needs {device} or {metric}');
    if (!(typeof out.batchSeconds === 'number' && out.batchSeconds >= 0.05 && out.batchSeconds <= 3600)) bad('settings.batchSeconds', '须为 0.05–3600 / must be 0.05–3600');
    if (!isInt(out.batchMessages, 1, 1_000_000)) bad('settings.batchMessages', '须为 1–1000000 / must be 1–1000000');
    if (out.protocolVersion !== 4 && out.protocolVersion !== 5) bad('settings.protocolVersion', '须为 4 或 5 / must be 4 (3.1.1) or 5');
    const have = new Map(ds.fields.map((f) => [f.name, f.type]));
    for (const f of SENSOR_FIELDS) {
      const t = have.get(f.name);
      if (!t) bad('dataset', `传感器数据集需要字段 ${f.name}（${f.type}）/ a sensor dataset needs field ${f.name} (${f.type})`);
      else if (!f.accepts.includes(t)) bad('dataset', `字段 ${f.name} 须为 ${f.accepts.join('/')} 类型 / field ${f.name} must be ${f.accepts.join(' or ')}`);
    }
  });
  return out;
}

export function checkSettings(kind: SourceKind, settings: Record<string, unknown>, ds: Dataset, sourceId: string): DbSettings | MqttSettings {
  return kind === 'mqtt' ? checkMqttSettings(settings as Partial<MqttSettings>, ds, sourceId) : checkDbSettings(kind, settings as Partial<DbSettings>, ds);
}
