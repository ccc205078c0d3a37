import mqtt, { type MqttClient } from 'mqtt';
import type { Ctx } from '../kernel/index.ts';
import { readPlan } from './db/readPlan.ts';
import { brokerTarget, CONNECT_FAILED, connectDb, ConnectFailure, connectWithin, describeError, pinnedBroker } from './sourceConnect.ts';
import type { DbSettings, MqttSettings, SourceKind } from './types.ts';

export interface ConnectionTestResult {
  ok: boolean;
  /** Columns the table or query gives (databases). */
  columns?: string[];
  /** Milliseconds to connect and read the columns. */
  ms: number;
  /** CONNECT_FAILED when no connection came about; the database's own words when reading failed after logging in. */
  error?: string;
  /** Where a failed test stopped: `connect` (no connection or login: the one uniform message) or `read`. */
  stage?: 'connect' | 'read';
}

/** A test's outcome, and why the connection failed (for the log and the admins, never for the client). */
export interface TestOutcome {
  result: ConnectionTestResult;
  failure?: ConnectFailure;
}

const since = (t0: number) => Math.round(performance.now() - t0);

/** Connect to a database with the given settings and read the columns of its table or query (no rows). */
async function testDb(ctx: Ctx, kind: 'mysql' | 'postgres', s: DbSettings, password: string): Promise<TestOutcome> {
  const t0 = performance.now();
  try {
    const db = await connectDb(ctx, kind, s, password);
    try {
      const plan = readPlan(db, s);
      const columns = await db.columns(`SELECT ${plan.list} FROM ${plan.from}`);
      return { result: { ok: true, columns, ms: since(t0) } };
    } finally {
      await db.close();
    }
  } catch (err) {
    if (err instanceof ConnectFailure) return { result: { ok: false, ms: since(t0), error: CONNECT_FAILED, stage: 'connect' }, failure: err };
    // logged in, then reading failed (no such table, no privilege): the database's words help, and tell only what the login may see
    return { result: { ok: false, ms: since(t0), error: describeError(err).slice(0, 500), stage: 'read' } };
  }
}

/** Connect to the broker (clean session, a throw-away client id) and disconnect. */
async function testMqtt(ctx: Ctx, s: MqttSettings, password: string): Promise<TestOutcome> {
  const t0 = performance.now();
  const { host, port } = brokerTarget(s);
  try {
    const client = await connectWithin(ctx, host, port, (address) => new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(s.url, {
        clientId: `${s.clientId}-test-${process.pid}`.slice(0, 128), clean: true, protocolVersion: s.protocolVersion ?? 5,
        username: s.username ?? undefined, password: password || undefined, reconnectPeriod: 0, connectTimeout: ctx.config.sourceConnectTimeoutMs,
        ...pinnedBroker(s, address),
      });
      c.once('connect', () => resolve(c));
      const fail = (err: Error) => (c.end(true), reject(err));
      c.once('error', fail);
      c.once('close', () => fail(new Error('connection closed')));
    }), (c) => c.end(true));
    client.end(true);
    return { result: { ok: true, ms: since(t0) } };
  } catch (err) {
    const failure = err instanceof ConnectFailure ? err : new ConnectFailure(describeError(err));
    return { result: { ok: false, ms: since(t0), error: CONNECT_FAILED, stage: 'connect' }, failure };
  }
}

export function testConnection(ctx: Ctx, kind: SourceKind, settings: DbSettings | MqttSettings, password: string): Promise<TestOutcome> {
  return kind === 'mqtt' ? testMqtt(ctx, settings as MqttSettings, password) : testDb(ctx, kind, settings as DbSettings, password);
}
