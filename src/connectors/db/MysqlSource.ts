import mysql from 'mysql2';
import type { ConnectOptions, Gate, RowSink, SourceDb } from './SourceDb.ts';

const GATE_EVERY = 512;

/**
 * MySQL / MariaDB through mysql2. Streamed rows arrive as the text protocol's bytes (session time
 * zone UTC, so TIMESTAMPs read as UTC); small queries as text where it matters: DATETIME /
 * TIMESTAMP as written (`dateStrings`), BIGINT and DECIMAL as strings — the ingest pipeline types
 * them by the dataset's fields.
 */
export class MysqlSource implements SourceDb {
  readonly kind = 'mysql' as const;

  private constructor(private conn: mysql.Connection) {}

  static async connect(o: ConnectOptions): Promise<MysqlSource> {
    const conn = mysql.createConnection({
      host: o.host, port: o.port, user: o.user, password: o.password, database: o.database,
      ssl: o.ssl ? {} : undefined, connectTimeout: o.connectTimeoutMs ?? 10_000, charset: 'utf8mb4',
      dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, multipleStatements: false, timezone: 'Z',
      // a server that asks for the password in clear gets a refusal, not the password
      enableCleartextPlugin: false,
    });
    const src = new MysqlSource(conn);
    conn.on('error', () => {}); // a dropped connection fails the running query; nothing else listens
    try {
      await src.run(`SET SESSION time_zone = '+00:00', SESSION net_write_timeout = 600, SESSION net_read_timeout = 600`);
    } catch (err) {
      conn.destroy();
      throw err;
    }
    return src;
  }

  quote(name: string): string {
    return name.split('.').map((p) => '`' + p.replaceAll('`', '``') + '`').join('.');
  }

  param(): string {
    return '?';
  }

  private run(sql: string, params: unknown[] = []): Promise<unknown[][]> {
    return new Promise((resolve, reject) => {
      this.conn.query({ sql, values: params, rowsAsArray: true }, (err, rows) => (err ? reject(err) : resolve((Array.isArray(rows) ? rows : []) as unknown[][])));
    });
  }

  async columns(sql: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.conn.query({ sql: `SELECT * FROM (${sql}) AS q LIMIT 0`, rowsAsArray: true }, (err, _rows, fields) =>
        err ? reject(err) : resolve((fields ?? []).map((f) => f.name)));
    });
  }

  async one(sql: string, params: unknown[] = []): Promise<unknown[] | undefined> {
    return (await this.run(sql, params))[0];
  }

  async stream(sql: string, params: unknown[], sink: RowSink, gate?: Gate): Promise<{ columns: string[]; rows: number }> {
    await this.run('START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT');
    try {
      const out = await new Promise<{ columns: string[]; rows: number }>((resolve, reject) => {
        let columns: string[] = [];
        let rows = 0;
        let failed = false;
        // values as the bytes the server sent (UTF-8 text of every type; NULL as null): the
        // staging file takes them as they are, without decoding and encoding each one
        const q = this.conn.query({ sql, values: params, rowsAsArray: true, typeCast: false });
        q.on('fields', (fields: { name: string }[]) => {
          columns = fields.map((f) => f.name);
        });
        q.on('result', (row: unknown) => {
          if (failed) return;
          try {
            sink(row as unknown[]);
          } catch (err) {
            failed = true;
            this.conn.destroy();
            reject(err);
            return;
          }
          if (++rows % GATE_EVERY === 0 && gate) {
            const wait = gate();
            if (wait > 0) {
              this.conn.pause();
              setTimeout(() => this.conn.resume(), wait);
            }
          }
        });
        q.on('error', (err: Error) => {
          failed = true;
          reject(err);
        });
        q.on('end', () => {
          if (!failed) resolve({ columns, rows });
        });
      });
      await this.run('COMMIT');
      return out;
    } catch (err) {
      await this.run('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.conn.end(() => resolve()));
    this.conn.destroy();
  }
}
