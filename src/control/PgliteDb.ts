import { PGlite, type Transaction } from '@electric-sql/pglite';
import { DriverBase, queryable, type Db, type Locked, type Queryable } from './Db.ts';
import { Mutex } from './Mutex.ts';

const wrap = (q: PGlite | Transaction): Queryable => queryable(async (sql, params) => (await q.query(sql, params)).rows, (sql) => q.exec(sql));

/** Embedded PostgreSQL (WASM) stored under the data directory, or in memory when dir is undefined. */
export class PgliteDb extends DriverBase implements Db {
  readonly driver = 'pglite' as const;
  private locks = new Mutex();
  protected readonly base: Queryable;

  private constructor(private pg: PGlite) {
    super();
    this.base = wrap(pg);
  }

  /**
   * `template`: a data directory saved by `dump()` that a new database starts from, instead of being
   * initialised afresh (the slow part of starting PGlite).
   */
  static async open(dir?: string, opts: { template?: Blob } = {}): Promise<PgliteDb> {
    // int8 as a JS number, as the pg driver is configured too.
    const options = { parsers: { 20: (v: string) => Number(v) }, loadDataDir: opts.template };
    const pg = dir ? await PGlite.create(dir, options) : await PGlite.create(options);
    return new PgliteDb(pg);
  }

  /** The whole data directory as an uncompressed tarball (a template for `open`). */
  dump(): Promise<Blob> {
    return this.pg.dumpDataDir('none');
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(wrap(tx)));
  }
  /** PGlite lives in one process, so an in-process lock is a complete lock. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(key, fn);
  }
  async tryLock<T>(key: string, fn: () => Promise<T>): Promise<Locked<T>> {
    if (this.locks.busy(key)) return { ran: false };
    return { ran: true, value: await this.locks.run(key, fn) };
  }
  async close() {
    await this.pg.close();
  }
}
