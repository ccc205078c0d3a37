import mqtt from 'mqtt';
import { openSourceDb } from './db/openSourceDb.ts';
import { readPlan } from './readPlan.ts';
import type { DbSettings, MqttSettings, SourceKind } from './types.ts';

export interface ConnectionTestResult {
  ok: boolean;
  /** Columns the table or query gives (databases). */
  columns?: string[];
  /** Milliseconds to connect and read the columns. */
  ms: number;
  error?: string;
}

const TIMEOUT_MS = 10_000;

function short(err: unknown): string {
  const e = err as { message?: string; code?: string };
  return `${e?.code ? `${e.code}: ` : ''}${e?.message ?? String(err)}`.slice(0, 500);
}

/** Connect to a database with the given settings and read the columns of its table or query (no rows). */
async function testDb(kind: 'mysql' | 'postgres', s: DbSettings, password: string): Promise<ConnectionTestResult> {
  const t0 = performance.now();
  try {
    const db = await openSourceDb(kind, { ...s, password, connectTimeoutMs: TIMEOUT_MS });
    try {
      const plan = readPlan(db, s);
      const columns = await db.columns(`SELECT ${plan.list} FROM ${plan.from}`);
      return { ok: true, columns, ms: Math.round(performance.now() - t0) };
    } finally {
      await db.close();
    }
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - t0), error: short(err) };
  }
}

/** Connect to the broker (clean session, a throw-away client id) and disconnect. */
async function testMqtt(s: MqttSettings, password: string): Promise<ConnectionTestResult> {
  const t0 = performance.now();
  const client = mqtt.connect(s.url, {
    clientId: `${s.clientId}-test-${process.pid}`.slice(0, 128), clean: true, protocolVersion: s.protocolVersion ?? 5,
    username: s.username ?? undefined, password: password || undefined, reconnectPeriod: 0, connectTimeout: TIMEOUT_MS,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed')));
    });
    return { ok: true, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - t0), error: short(err) };
  } finally {
    client.end(true);
  }
}

export function testConnection(kind: SourceKind, settings: DbSettings | MqttSettings, password: string): Promise<ConnectionTestResult> {
  return kind === 'mqtt' ? testMqtt(settings as MqttSettings, password) : testDb(kind, settings as DbSettings, password);
}
