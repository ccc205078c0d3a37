/** Test fixtures of the linkage engine: a DuckDB connection, and records generated with known m and u. */
import { Engine, StageRunner } from '../../../../src/lake/index.ts';
import { literal } from '../../../../src/lake/index.ts';

export async function withRun<T>(fn: (run: StageRunner) => Promise<T>): Promise<T> {
  const engine = await Engine.create({ threads: 1 });
  try {
    return await engine.withPrivateConnection((c) => fn(new StageRunner(c, 'test.link')));
  } finally {
    engine.close();
  }
}

/** A seeded PRNG (mulberry32): the same records on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Synthetic {
  fields: string[];
  /** Values per field, drawn uniformly: u of an exact match is 1 / values. */
  values: number;
  /** Chance a duplicate's field was replaced by another value: m of an exact match is 1 - p. */
  corrupt: number[];
  rows: Array<Record<string, string>>;
}

/**
 * `entities` people, each recorded twice; every field takes one of `values` values uniformly, and
 * the second record's field is replaced by a different value with chance corrupt[f].
 */
export function synthetic(entities: number, values: number, corrupt: number[], seed = 7): Synthetic {
  const rnd = prng(seed);
  const fields = corrupt.map((_, i) => `f${i}`);
  const rows: Array<Record<string, string>> = [];
  for (let e = 0; e < entities; e++) {
    const base = fields.map(() => Math.floor(rnd() * values));
    const dup = base.map((v, i) => (rnd() < corrupt[i]! ? (v + 1 + Math.floor(rnd() * (values - 1))) % values : v));
    rows.push({ id: `e${e}a`, truth: `e${e}`, ...Object.fromEntries(fields.map((f, i) => [f, `v${base[i]}`])) });
    rows.push({ id: `e${e}b`, truth: `e${e}`, ...Object.fromEntries(fields.map((f, i) => [f, `v${dup[i]}`])) });
  }
  return { fields, values, corrupt, rows };
}

/** Create a TEMP table from rows of strings (null for a missing value). */
export async function createTable(run: StageRunner, name: string, rows: Array<Record<string, string | null>>): Promise<void> {
  const cols = Object.keys(rows[0]!);
  const values = rows.map((r) => `(${cols.map((c) => (r[c] === null || r[c] === undefined ? 'NULL' : literal(r[c]!))).join(', ')})`);
  await run.run('fixture', `CREATE OR REPLACE TEMP TABLE ${name} (${cols.map((c) => `"${c}" VARCHAR`).join(', ')})`);
  for (let i = 0; i < values.length; i += 500) await run.run('fixture', `INSERT INTO ${name} VALUES ${values.slice(i, i + 500).join(', ')}`);
}
