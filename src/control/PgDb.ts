import pg from 'pg';
import { DriverBase, queryable, type Db, type Locked, type Queryable } from './Db.ts';
import { Mutex } from './Mutex.ts';

// bigint (int8) and numeric come back as strings by default; counts here fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

const wrap = (c: pg.Pool | pg.PoolClient): Queryable => queryable(async (sql, params) => (await c.query(sql, params)).rows, (sql) => c.query(sql));

/** A PostgreSQL server (or a compatible one) through a pool. `schema` isolates tests. */
export class PgDb extends DriverBase implements Db {
  readonly driver = 'pg' as const;
  private locks = new Mutex();
  protected readonly base: Queryable;

  private constructor(private pool: pg.Pool) {
    super();
    this.base = wrap(pool);
  }

  static async open(url: string, opts: { schema?: string; max?: number } = {}): Promise<PgDb> {
    const options = opts.schema ? `-c search_path=${opts.schema}` : undefined;
    if (opts.schema) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
      await admin.end();
    }
    const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, options });
    pool.on('error', () => {}); // idle client errors surface on the next query
    await pool.query('SELECT 1');
    return new PgDb(pool);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(wrap(client));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  /** Session advisory lock on a dedicated connection: serialises across API servers sharing the database. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(key, async () => {
      const client = await this.pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        }
      } finally {
        client.release();
      }
    });
  }
  async tryLock<T>(key: string, fn: () => Promise<T>): Promise<Locked<T>> {
    if (this.locks.busy(key)) return { ran: false };
    return this.locks.run(key, async (): Promise<Locked<T>> => {
      const client = await this.pool.connect();
      try {
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
        if (!rows[0]?.ok) return { ran: false };
        try {
          return { ran: true, value: await fn() };
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        }
      } finally {
        client.release();
      }
    });
  }
  async close() {
    await this.pool.end();
  }
}
