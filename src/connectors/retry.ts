import { Problem } from '../kernel/index.ts';
import { ConnectFailure } from './sourceConnect.ts';
import type { RetrySettings } from './types.ts';

export const DEFAULT_RETRY: RetrySettings = { attempts: 3, baseMs: 2000, maxMs: 60_000 };

/** Wait before attempt n+1 (n ≥ 1): base · 2^(n-1), capped, with ±20% jitter. */
export function backoffMs(r: RetrySettings, n: number): number {
  const raw = Math.min(r.maxMs, r.baseMs * 2 ** (n - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

/** Failures worth another attempt: the network and the database server, not bad settings or bad data. */
export function isTransient(err: unknown): boolean {
  if (err instanceof Problem) return false;
  // every failed connection is retried alike: how often a run tried must not tell refused from unknown host
  if (err instanceof ConnectFailure) return true;
  const e = err as { code?: string; errno?: number; fatal?: boolean; message?: string };
  const code = String(e?.code ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'PROTOCOL_CONNECTION_LOST',
    'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN'].includes(code)) return true;
  // PostgreSQL: connection exceptions, serialization failures, deadlocks, shutdown, too many connections
  if (/^(08|40|53|57P)/.test(code)) return true;
  return /connection terminated|Connection lost|socket hang up|timeout/i.test(e?.message ?? '');
}

/**
 * Run fn up to `attempts` times, waiting with exponential backoff between transient failures.
 * `onRetry` hears about each failed attempt that will be retried.
 */
export async function withRetry<T>(r: RetrySettings, fn: (attempt: number) => Promise<T>, onRetry?: (err: unknown, attempt: number, waitMs: number) => void | Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= r.attempts || !isTransient(err)) throw err;
      const wait = backoffMs(r, attempt);
      await onRetry?.(err, attempt, wait);
      await new Promise((res) => setTimeout(res, wait));
    }
  }
}
