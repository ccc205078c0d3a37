import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './Db.ts';
import { PgDb } from './PgDb.ts';
import { PgliteDb } from './PgliteDb.ts';

export type { Db, DriverName, Locked, Queryable } from './Db.ts';
export { migrate, listMigrations } from './migrate.ts';
export { Mutex } from './Mutex.ts';
export { PgDb, PgliteDb };

/**
 * PostgreSQL when a URL is given, else PGlite under <dataDir>/control (or in memory, started from
 * `template` when given: a PGlite data directory saved by `PgliteDb.dump()`).
 */
export async function openDb(opts: { databaseUrl?: string; dataDir?: string; schema?: string; template?: Blob }): Promise<Db> {
  if (opts.databaseUrl) return PgDb.open(opts.databaseUrl, { schema: opts.schema });
  if (!opts.dataDir) return PgliteDb.open(undefined, { template: opts.template });
  const dir = path.join(opts.dataDir, 'control');
  fs.mkdirSync(dir, { recursive: true });
  return PgliteDb.open(dir);
}
export { departmentScope, Filter, paged, type PageResult } from './paged.ts';
