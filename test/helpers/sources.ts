/** Shared set-up of the connector tests: the app with the sources routes, departments, people, databases. */
import mysql from 'mysql2/promise';
import pg from 'pg';
import { datasetAdmin, datasetByCode, type Field } from '../../src/catalog/index.ts';
import { departments, users } from '../../src/identity/index.ts';
import { openTestPlatform, SYSTEM, type TestDriver, type TestPlatform } from './platform.ts';

export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: 'test' };
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'test' };

/** A unique name for tables, topics and client ids of this run. */
export const uniq = (prefix: string) => `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;

/** The app: the connector routes are part of it like every module's. */
export { openTestApp as openSourcesApp } from './server.ts';

export const PASSWORD = 'Passw0rd!2024';

export interface Org {
  deptA: string;
  deptB: string;
}

/** Two departments with an officer each (officer_a, officer_b) and an analyst in A (analyst_a). */
export async function seedOrg(p: TestPlatform): Promise<Org> {
  const tag = Math.random().toString(36).slice(2, 6);
  const a = await departments.create(p, SYSTEM, { code: `dA${tag}`, name: '市民政局', regionCode: '110000' });
  const b = await departments.create(p, SYSTEM, { code: `dB${tag}`, name: '市卫健委', regionCode: '110000' });
  await users.create(p, SYSTEM, { username: 'officer_a', displayName: '甲专员', password: PASSWORD, role: 'officer', departmentId: a.id });
  await users.create(p, SYSTEM, { username: 'officer_b', displayName: '乙专员', password: PASSWORD, role: 'officer', departmentId: b.id });
  await users.create(p, SYSTEM, { username: 'analyst_a', displayName: '甲分析员', password: PASSWORD, role: 'analyst', departmentId: a.id });
  return { deptA: a.id, deptB: b.id };
}

export const PEOPLE_FIELDS: Field[] = [
  { name: 'id', title: '编号', type: 'integer', sensitivity: 'L1' },
  { name: 'name', title: '姓名', type: 'string', sensitivity: 'L2' },
  { name: 'id_card', title: '身份证号', type: 'string', element: 'id_card', sensitivity: 'L3' },
  { name: 'amount', title: '金额', type: 'decimal', sensitivity: 'L1' },
  { name: 'updated_at', title: '更新时间', type: 'timestamp', sensitivity: 'L1' },
];

export async function peopleDataset(p: TestPlatform, code: string, departmentId: string) {
  return datasetAdmin.create(p, SYSTEM, { code, name: code, departmentId, primaryKey: ['id'], fields: PEOPLE_FIELDS });
}

/** A valid 18-digit resident ID number (GB 11643 check digit) for a sequence number. */
export function idCard(n: number): string {
  const d = new Date(Date.UTC(1960, 0, 1) + (n % 18000) * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
  const body = `110101${d}${String(n % 1000).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, c, i) => s + Number(c) * w[i]!, 0);
  return body + '10X98765432'[sum % 11];
}

/** Every row of a dataset's current version, ordered by id. */
export async function lakeRows(p: TestPlatform, code: string): Promise<Record<string, unknown>[]> {
  const ds = await datasetByCode(p.db, code);
  const v = ds && (await p.lake.version(ds.id));
  if (!v) return [];
  return p.dataLake.query(`SELECT * FROM ${p.dataLake.scanSql(v)} ORDER BY 1`);
}

export async function mysqlConn() {
  return mysql.createConnection({ ...MYSQL, dateStrings: true, multipleStatements: true });
}

export async function pgConn() {
  const c = new pg.Client(PG);
  await c.connect();
  return c;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
