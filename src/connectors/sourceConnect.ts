import net from 'node:net';
import type { IClientOptions } from 'mqtt';
import { SYSTEM, type Caller, type Ctx } from '../kernel/index.ts';
import { openSourceDb } from './db/openSourceDb.ts';
import type { SourceDb } from './db/SourceDb.ts';
import { brokerUrl } from './target.ts';
import { targetPolicy } from './TargetPolicy.ts';
import type { DbKind, DbSettings, MqttSettings } from './types.ts';

/**
 * What every failed connection to a source answers — refused, timed out, unknown host, TLS,
 * another protocol, wrong password, or a target the policy refuses alike — so that a connection
 * test or a run's history cannot map the network. The cause goes to the server log and to an
 * audit event only admins read (recordConnectFailure).
 */
export const CONNECT_FAILED = '连接失败：无法连接到数据源，或数据源拒绝了登录。请核对主机、端口、数据库、用户名、密码与 SSL 设置 / connection failed: the source could not be reached or refused the login; check host, port, database, user, password and SSL';

/** A connection to a source that did not come about; `message` is CONNECT_FAILED, `cause` the driver's words. */
export class ConnectFailure extends Error {
  constructor(readonly detail: string) {
    super(CONNECT_FAILED);
    this.name = 'ConnectFailure';
  }
}

/** The driver's error in one line (code, message, and the errors of an AggregateError): for the log, never for the client. */
export function describeError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  const own = `${e?.code ? `${e.code}: ` : ''}${e?.message || String(err)}`;
  const inner = Array.isArray(e?.errors) ? e.errors.map(describeError) : [];
  return [own, ...inner].join('; ').slice(0, 1000);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Open a connection to host:port within the configured timeout (GOVHUB_SOURCE_CONNECT_TIMEOUT_MS):
 * the target policy picks the address (TargetPolicy.admit) and `open` connects to exactly that
 * address. Any failure throws a ConnectFailure, and only once the whole timeout has passed, so
 * the time a failure takes tells nothing either. A connection that comes after the timeout is closed.
 */
export async function connectWithin<T>(ctx: Ctx, host: string, port: number, open: (address: string) => Promise<T>, close: (c: T) => unknown): Promise<T> {
  const ms = ctx.config.sourceConnectTimeoutMs;
  const t0 = performance.now();
  const attempt = targetPolicy(ctx.config).admit(host, port).then(open);
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([attempt, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no connection within ${ms} ms`)), ms)))]);
  } catch (err) {
    attempt.then(close, () => {});
    await sleep(ms - (performance.now() - t0));
    throw new ConnectFailure(describeError(err));
  } finally {
    clearTimeout(timer);
  }
}

/** A read-only connection to a department database, through the target policy (see connectWithin). */
export function connectDb(ctx: Ctx, kind: DbKind, s: DbSettings, password: string): Promise<SourceDb> {
  const servername = net.isIP(s.host) ? undefined : s.host;
  return connectWithin(ctx, s.host, s.port, (address) => openSourceDb(kind, { ...s, host: address, servername, password, connectTimeoutMs: ctx.config.sourceConnectTimeoutMs }), (db) => db.close());
}

/**
 * mqtt.js options that send the connection to the address the policy admitted: mqtt:// and
 * mqtts:// connect to the address (TLS still names the host); ws:// and wss:// keep the URL (the
 * Host header and TLS name) and resolve the host to that address.
 */
export function pinnedBroker(s: MqttSettings, address: string): Partial<IClientOptions> {
  const u = brokerUrl(s.url)!;
  const servername = net.isIP(u.host) ? undefined : u.host;
  if (!u.protocol.startsWith('ws')) return { hostname: address, servername };
  const family = net.isIP(address);
  const lookup = (_host: string, opts: { all?: boolean } | ((...a: unknown[]) => void), cb?: (...a: unknown[]) => void) => {
    const done = (typeof opts === 'function' ? opts : cb)!;
    if (typeof opts === 'object' && opts.all) done(null, [{ address, family }]);
    else done(null, address, family);
  };
  return { servername, wsOptions: { lookup, followRedirects: false } as IClientOptions['wsOptions'] };
}

/** The broker's host and port (checked settings always have them). */
export function brokerTarget(s: MqttSettings): { host: string; port: number } {
  const u = brokerUrl(s.url)!;
  return { host: u.host, port: u.port };
}

/**
 * A connection failed: the cause to the server log (with the source and the user) and to an audit
 * event without a department, which only admins read; the caller only ever sees CONNECT_FAILED.
 */
export async function recordConnectFailure(ctx: Ctx, caller: Caller, sourceId: string | null, target: string, err: ConnectFailure): Promise<void> {
  ctx.log.warn({ sourceId, user: caller.username, target, err: err.detail }, 'source connection failed');
  await ctx.audit.record(SYSTEM, {
    action: 'source.connect_failed', objectType: 'source', objectId: sourceId, departmentId: null,
    details: { by: caller.username, target, error: err.detail },
  }).catch((e) => ctx.log.error({ err: e }, 'could not audit a failed source connection'));
}
