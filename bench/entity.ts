/**
 * Entity-linkage benchmark: pairwise precision, recall and F1 of `govhub link` (the same code path,
 * called in-process) on labelled record-linkage sets, and the time each takes. Each data set is a
 * section; a section is one entry of SECTIONS.
 *
 *   npm run bench -- entity [--section febrl3]
 *
 * Data: febrl3 (5,000 records; truth in rec_id `rec-N-org` / `rec-N-dup-K` → N) and fake_1000
 * (1,000 records; truth in `cluster`), from <repo>/../shared/data/er or GOVHUB_ER_DATA. Each runs with
 * its configuration in bench/data/entity/<name>.json and again with settings built from the columns
 * (label `_auto`). The peer is Splink's published febrl3 F1 (0.965). Ends with key=value lines.
 * A section is one function (Section.run); csvSection makes one for a labelled CSV.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { linkFiles, pairwiseScores, type LinkConfig } from '../src/entity/index.ts';
import { Engine, StageRunner } from '../src/lake/index.ts';
import { arg, printTable, ratio } from './_peers.ts';
import { cn1mSection } from './entityCn.ts';
import { enterpriseSection } from './entityEnt.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIGS = path.join(ROOT, 'bench', 'data', 'entity');
/** Splink's published pairwise F1 on febrl3. */
export const SPLINK_FEBRL3_F1 = 0.965;

export const erDataDir = () => process.env.GOVHUB_ER_DATA ?? path.resolve(ROOT, '..', 'shared', 'data', 'er');

export interface SectionFigures {
  precision: number;
  recall: number;
  f1: number;
  seconds: number;
  records: number;
  comparisons: number;
}

/** One row of the table: a data set linked one way, scored against its truth. */
export interface SectionRow extends SectionFigures {
  /** Prefix of its key=value lines (e.g. febrl3, febrl3_auto). */
  key: string;
}

/**
 * A section of the benchmark: one function that links its data (any way it likes: a CSV through
 * linkFiles, generated records through a Linker with its own comparisons) and returns its rows;
 * extra key=value figures (a ratio to a peer) go in `extra`. Add a data set by adding one to SECTIONS.
 */
export interface Section {
  key: string;
  run: (engine: Engine, log: (s: string) => void) => Promise<{ rows: SectionRow[]; extra?: Record<string, number> } | null>;
}

/** A labelled CSV: its id column, the SQL giving each record's true cluster, its configuration. */
export interface CsvSpec {
  key: string;
  file: () => string;
  idColumn: string;
  /** SQL expression over the records table giving the true cluster. */
  truthSql: string;
  /** Columns holding the truth: never seen by the automatic settings. */
  truthColumns: string[];
  /** Configuration file in bench/data/entity; without one, automatic settings only. */
  config?: string;
  /** A published F1 to compare with: [peer name, F1]. */
  peer?: [string, number];
}

/** Link one CSV as `govhub link` does and score the clusters against the truth. */
export async function scoreCsv(engine: Engine, spec: CsvSpec, config: LinkConfig | undefined): Promise<SectionFigures> {
  return engine.withPrivateConnection(async (c) => {
    const run = new StageRunner(c, `bench.entity.${spec.key}`);
    const res = await linkFiles(run, { inputs: [spec.file()], idColumn: spec.idColumn, config, ignoreColumns: spec.truthColumns });
    await run.run('truth', `CREATE TEMP TABLE truth AS SELECT __rid AS rid, ${spec.truthSql} AS truth FROM ${res.recordsTable}`);
    await run.run('predicted', `CREATE TEMP TABLE predicted AS SELECT id AS rid, "cluster" FROM ${res.clustersTable}`);
    const sc = await pairwiseScores(run, 'predicted', 'truth');
    return { precision: sc.precision, recall: sc.recall, f1: sc.f1, seconds: res.seconds, records: res.records, comparisons: res.predict.candidatePairs };
  });
}

/** The section of a labelled CSV: with its configuration (key), then automatic settings (key_auto). */
export function csvSection(spec: CsvSpec): Section {
  return {
    key: spec.key,
    async run(engine, log) {
      if (!fs.existsSync(spec.file())) {
        log(`${spec.key}: ${spec.file()} not found; skipped (set GOVHUB_ER_DATA)`);
        return null;
      }
      const runs: Array<[string, LinkConfig | undefined]> = [];
      if (spec.config) runs.push([spec.key, JSON.parse(fs.readFileSync(path.join(CONFIGS, spec.config), 'utf8')) as LinkConfig]);
      runs.push([spec.config ? `${spec.key}_auto` : spec.key, undefined]);
      const rows: SectionRow[] = [];
      for (const [key, config] of runs) rows.push({ key, ...(await scoreCsv(engine, spec, config)) });
      const extra: Record<string, number> = {};
      if (spec.peer) extra[`${spec.key}_f1_vs_${spec.peer[0]}`] = ratio(r4(rows[0]!.f1), spec.peer[1])!;
      return { rows, extra };
    },
  };
}

/** A section whose own module generates, links and scores, returning its `<key>_*` figures. */
function figuresSection(key: string, fn: (log: (s: string) => void) => Promise<Record<string, number>>): Section {
  return {
    key,
    async run(_engine, log) {
      const f = await fn(log);
      const at = (name: string) => f[`${key}_${name}`] ?? 0;
      return { rows: [{ key, records: at('records'), comparisons: at('candidate_pairs'), precision: at('precision'), recall: at('recall'), f1: at('f1'), seconds: at('seconds') }], extra: f };
    },
  };
}

export const SECTIONS: Section[] = [
  csvSection({
    key: 'febrl3',
    file: () => path.join(erDataDir(), 'febrl3.csv'),
    idColumn: 'rec_id',
    truthSql: `regexp_extract(rec_id, 'rec-(\\d+)', 1)`,
    truthColumns: [],
    config: 'febrl3.json',
    peer: ['splink', SPLINK_FEBRL3_F1],
  }),
  csvSection({
    key: 'fake1000',
    file: () => path.join(erDataDir(), 'fake_1000.csv'),
    idColumn: 'unique_id',
    truthSql: 'CAST("cluster" AS VARCHAR)',
    truthColumns: ['cluster'],
    config: 'fake_1000.json',
  }),
  // enterprises of four departments in their common variants, generated with their truth (bench/entityEnt.ts)
  figuresSection('ent', () => enterpriseSection()),
  // Chinese people of six departments, generated with their truth (bench/entityCn.ts)
  figuresSection('cn1m', (log) => cn1mSection({ log })),
];

const r4 = (x: number) => Math.round(x * 10000) / 10000;

/** Run the sections (or the one named), print the table, then one key=value line per figure. */
export async function entityBench(log: (s: string) => void, only?: string): Promise<Record<string, number>> {
  const engine = await Engine.create({ threads: 2 });
  const figures: Record<string, number> = {};
  const table: string[][] = [];
  try {
    for (const section of SECTIONS.filter((x) => !only || x.key === only)) {
      const out = await section.run(engine, log);
      if (!out) continue;
      for (const f of out.rows) {
        table.push([f.key, String(f.records), String(f.comparisons), f.precision.toFixed(4), f.recall.toFixed(4), f.f1.toFixed(4), f.seconds.toFixed(2)]);
        Object.assign(figures, { [`${f.key}_precision`]: r4(f.precision), [`${f.key}_recall`]: r4(f.recall), [`${f.key}_f1`]: r4(f.f1), [`${f.key}_seconds`]: Math.round(f.seconds * 100) / 100 });
      }
      Object.assign(figures, out.extra ?? {});
    }
  } finally {
    engine.close();
  }
  printTable(log, ['set', 'records', 'pairs scored', 'precision', 'recall', 'F1', 'seconds'], table);
  for (const [k, v] of Object.entries(figures)) log(`${k}=${v}`);
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await entityBench((s) => console.log(s), arg('--section'));
}
