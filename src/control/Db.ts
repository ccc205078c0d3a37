/** The one control-plane interface. Nothing above src/control knows which driver runs. */
export type DriverName = 'pglite' | 'pg';

export interface Queryable {
  /** Run one statement with $1..$n parameters; returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** First row or undefined. */
  one<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  /** Run several statements (no parameters), e.g. a migration file. */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: DriverName;
  /** Run fn inside one transaction; commits on success, rolls back on throw. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Hold an exclusive lock named `key` across fn, across processes where the driver allows
   * (PostgreSQL session advisory lock) and within this process always.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** withLock, but only if the lock is free now: otherwise fn does not run. */
  tryLock<T>(key: string, fn: () => Promise<T>): Promise<Locked<T>>;
  close(): Promise<void>;
}

/** What tryLock did: ran fn (with its value) or found the lock taken. */
export type Locked<T> = { ran: true; value: T } | { ran: false };

/** A Queryable over a driver's two calls: run one statement with parameters (its rows), run a script. */
export function queryable(run: (sql: string, params: unknown[]) => Promise<unknown[]>, script: (sql: string) => Promise<unknown>): Queryable {
  return {
    query: async <T>(sql: string, params: unknown[] = []) => (await run(sql, params)) as T[],
    one: async <T>(sql: string, params: unknown[] = []) => (await run(sql, params))[0] as T | undefined,
    exec: async (sql: string) => {
      await script(sql);
    },
  };
}

/** What both drivers share: statements outside a transaction go to `base`; locks in this process. */
export abstract class DriverBase {
  protected abstract readonly base: Queryable;

  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.base.query<T>(sql, params);
  }
  one<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined> {
    return this.base.one<T>(sql, params);
  }
  exec(sql: string): Promise<void> {
    return this.base.exec(sql);
  }
}
