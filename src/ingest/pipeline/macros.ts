import type { LakeWriter } from '../../lake/index.ts';
import { macroSql } from '../../standards/index.ts';

/**
 * The data-element macros (and their lookup tables), installed once per lake in the DuckDB
 * instance's in-memory catalog rather than per connection: every connection, including the
 * writer's private one, then sees them, and an ingest does not pay for installing them again.
 */
export function ensureStandardMacros(lake: LakeWriter): Promise<void> {
  return lake.ensureMacros('standards', () => macroSql().map((sql) => sql.replace(/^CREATE OR REPLACE TEMP /, 'CREATE OR REPLACE ')));
}
