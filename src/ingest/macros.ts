import type { Lake } from '../lake/index.ts';
import { macroSql } from '../standards/index.ts';

const installed = new WeakMap<Lake, Promise<void>>();

/**
 * Install the data-element macros (and their lookup tables) once per lake, in the DuckDB
 * instance's in-memory catalog rather than per connection: every connection, including the
 * writer's private one, then sees them, and an ingest does not pay for installing them again.
 * The lake's database is in memory, so nothing of this reaches a file.
 */
export function ensureStandardMacros(lake: Lake): Promise<void> {
  let p = installed.get(lake);
  if (!p) {
    p = lake.withConnection(async (c) => {
      for (const sql of macroSql()) await c.run(sql.replace(/^CREATE OR REPLACE TEMP /, 'CREATE OR REPLACE '));
    });
    installed.set(lake, p);
    p.catch(() => installed.delete(lake));
  }
  return p;
}
