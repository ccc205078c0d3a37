import pg from 'pg';
import type { ConnectOptions, Gate, RowSink, SourceDb } from './SourceDb.ts';

const FETCH_ROWS = 5000;

/** Every value in PostgreSQL's text form (time zone UTC): the ingest pipeline types it. */
const RAW_TYPES = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;

/**
 * PostgreSQL (and compatible servers: openGauss, KingbaseES, HighGo) through pg. Large results
 * stream through a server-side cursor (DECLARE … FETCH) inside a READ ONLY transaction.
 */
export class PostgresSource implements SourceDb {
  readonly kind = 'postgres' as const;

  private constructor(private client: pg.Client) {}

  static async connect(o: ConnectOptions): Promise<PostgresSource> {
    // The password as a function and TLS always explicit: pg fills an empty password from
    // PGPASSWORD or ~/.pgpass, and TLS from PGSSLMODE — the server's own settings, not the source's.
    const password = o.password;
    const client = new pg.Client({
      host: o.host, port: o.port, user: o.user, password: () => password, database: o.database,
      ssl: o.ssl ? { rejectUnauthorized: false, servername: o.servername } : false, connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
      application_name: 'govhub-sync', types: RAW_TYPES, options: '-c TimeZone=UTC -c DateStyle=ISO',
    });
    client.on('error', () => {}); // surfaces on the next query
    await client.connect();
    return new PostgresSource(client);
  }

  quote(name: string): string {
    return name.split('.').map((p) => `"${p.replaceAll('"', '""')}"`).join('.');
  }

  param(n: number): string {
    return `$${n}`;
  }

  async columns(sql: string): Promise<string[]> {
    const r = await this.client.query({ text: `SELECT * FROM (${sql}) AS q LIMIT 0`, rowMode: 'array' });
    return r.fields.map((f) => f.name);
  }

  async one(sql: string, params: unknown[] = []): Promise<unknown[] | undefined> {
    const r = await this.client.query({ text: sql, values: params, rowMode: 'array' });
    return r.rows[0] as unknown[] | undefined;
  }

  async stream(sql: string, params: unknown[], sink: RowSink, gate?: Gate): Promise<{ columns: string[]; rows: number }> {
    const c = this.client;
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      await c.query({ text: `DECLARE govhub_sync NO SCROLL CURSOR FOR ${sql}`, values: params });
      let columns: string[] = [];
      let rows = 0;
      for (;;) {
        const r = await c.query({ text: `FETCH ${FETCH_ROWS} FROM govhub_sync`, rowMode: 'array' });
        if (!columns.length) columns = r.fields.map((f) => f.name);
        for (const row of r.rows as unknown[][]) sink(row);
        rows += r.rows.length;
        if (r.rows.length < FETCH_ROWS) break;
        const wait = gate?.() ?? 0;
        if (wait > 0) await new Promise((res) => setTimeout(res, wait));
      }
      await c.query('CLOSE govhub_sync');
      await c.query('COMMIT');
      return { columns, rows };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => {});
  }
}
