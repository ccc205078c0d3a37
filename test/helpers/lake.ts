/** Helpers for the lake integration tests: a control plane per driver, datasets, killable writers. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropSchema, type TestDriver } from './platform.ts';
import { migrate, PgDb, PgliteDb, type Db } from '../../src/control/index.ts';
import { newId } from '../../src/kernel/index.ts';
import { Lake } from '../../src/lake/index.ts';

export type LakeDriver = TestDriver;

let seq = 0;
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-lake-'));
}

/** A migrated control plane: PGlite in memory (or on disk in `pgliteDir`), or a fresh schema on PostgreSQL. */
export async function openControl(driver: LakeDriver, pgliteDir?: string): Promise<{ db: Db; schema?: string; drop(): Promise<void> }> {
  if (driver === 'pglite') {
    const db = await PgliteDb.open(pgliteDir);
    await migrate(db);
    return { db, drop: async () => {} };
  }
  const url = process.env.GOVHUB_TEST_DATABASE_URL!;
  const schema = `lake_${process.pid}_${Date.now().toString(36)}_${seq++}`;
  const db = await PgDb.open(url, { schema });
  await migrate(db);
  return {
    db,
    schema,
    drop: () => dropSchema(schema, url),
  };
}

export interface LakeEnv {
  driver: LakeDriver;
  db: Db;
  lake: Lake;
  dataDir: string;
  schema?: string;
  departmentId: string;
  close(): Promise<void>;
}

export async function openLakeEnv(driver: LakeDriver): Promise<LakeEnv> {
  const dataDir = tempDir();
  const control = await openControl(driver);
  const departmentId = await addDepartment(control.db);
  const lake = await Lake.open({ dataDir, db: control.db, threads: 2 });
  return {
    driver,
    db: control.db,
    lake,
    dataDir,
    schema: control.schema,
    departmentId,
    async close() {
      await lake.close();
      await control.db.close();
      await control.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function addDepartment(db: Db): Promise<string> {
  const id = newId();
  await db.query('INSERT INTO departments (id, code, name, region_code) VALUES ($1, $2, $3, $4)', [id, `LAKE${seq++}_${id.slice(-6)}`, '测试部门', '330102']);
  return id;
}

export async function addDataset(db: Db, departmentId: string, primaryKey: string[] = []): Promise<string> {
  const id = newId();
  await db.query('INSERT INTO datasets (id, code, name, department_id, primary_key) VALUES ($1, $2, $3, $4, $5)', [
    id,
    `DS${seq++}_${id.slice(-8)}`,
    '测试数据集',
    departmentId,
    primaryKey,
  ]);
  return id;
}

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../integration/lake/kill-writer.ts');

export interface KillArgs {
  dataDir: string;
  datasetId: string;
  stage: 'staging' | 'commit';
  rows: number;
  pgliteDir?: string;
  databaseUrl?: string;
  schema?: string;
}

/** Parquet files a write of this dataset is staging right now. */
export function stagedFiles(dataDir: string, datasetId: string): string[] {
  const root = path.join(dataDir, 'lake', datasetId, '_staging');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet'));
}

/**
 * Start the writer fixture and SIGKILL it: at `staging`, as soon as a Parquet file appears in its
 * staging directory; at `commit`, when its onCommit hook runs (inside the commit transaction).
 * Resolves with the child's pid once it is dead.
 */
export function killWriter(args: KillArgs): Promise<{ pid: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let timer: NodeJS.Timeout | undefined;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    if (timer) clearInterval(timer);
    child.kill('SIGKILL');
  };
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (args.stage === 'staging' && out.includes('ready') && !timer)
        timer = setInterval(() => stagedFiles(args.dataDir, args.datasetId).length && kill(), 1);
      if (args.stage === 'commit' && out.includes('in-commit')) kill();
    });
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      if (signal === 'SIGKILL' && killed && !out.includes('written')) resolve({ pid: child.pid! });
      else reject(new Error(`writer was not killed mid-write (code ${code}, signal ${signal}): ${out} ${err}`));
    });
  });
}
