import { type Config, type Caller, problem } from '../kernel/index.ts';

const MINUTE = 60_000;

/**
 * Connection tests and runs started by hand: at most `perMinute` per user in any sliding minute
 * (GOVHUB_SOURCE_TESTS_PER_MINUTE), so that nobody drives the server's connections in a loop.
 * Counted in this process; scheduled runs and the platform itself (no user id) are not counted.
 */
export class ConnectionBudget {
  private used = new Map<string, number[]>();

  constructor(private perMinute: number) {}

  /** Spend one; throws a rate-limited problem (with the seconds to wait) when none is left. */
  spend(caller: Caller): void {
    if (!caller.id) return;
    const now = Date.now();
    const recent = (this.used.get(caller.id) ?? []).filter((t) => t > now - MINUTE);
    if (recent.length >= this.perMinute) {
      this.used.set(caller.id, recent);
      const wait = Math.max(1, Math.ceil((recent[0]! + MINUTE - now) / 1000));
      throw problem('rate-limited', `连接测试与手动运行过于频繁，请 ${wait} 秒后再试 / too many connection tests and runs; retry in ${wait} s`);
    }
    recent.push(now);
    this.used.set(caller.id, recent);
    if (this.used.size > 10_000) for (const [k, v] of this.used) if (v[v.length - 1]! <= now - MINUTE) this.used.delete(k);
  }
}

const budgets = new WeakMap<Config, ConnectionBudget>();

export function connectionBudget(config: Config): ConnectionBudget {
  let b = budgets.get(config);
  if (!b) budgets.set(config, (b = new ConnectionBudget(config.sourceTestsPerMinute)));
  return b;
}
