/**
 * Writes the labelled PII column set: one JSONL file per source (demo, registers, services, messy), one
 * column a line: { source, dataset, name, title, label, values }.
 *
 *   node --import tsx bench/data/pii-columns/generate.ts
 *
 * Seeded throughout, so running it again writes the same files.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Prng } from '../../../src/demo/index.ts';
import { demoColumns, type LabelledColumn } from './demo.ts';
import { MESSY, REGISTERS, SERVICES, type DatasetSpec } from './synthetic.ts';

const SEED = 20260715;
const PER_COLUMN = 30;
const here = dirname(fileURLToPath(import.meta.url));

function synthetic(source: string, specs: DatasetSpec[], seed: number): LabelledColumn[] {
  const rng = new Prng(seed);
  return specs.flatMap((ds) =>
    ds.columns.map((col) => {
      const r = rng.fork(col.name.length);
      const values = Array.from({ length: PER_COLUMN }, () => (r.chance(col.blank ?? 0.05) ? null : col.make(r)));
      return { source, dataset: ds.dataset, name: col.name, title: col.title, label: col.label, values };
    }),
  );
}

async function write(source: string, columns: LabelledColumn[]): Promise<void> {
  await writeFile(join(here, `${source}.jsonl`), columns.map((c) => JSON.stringify(c)).join('\n') + '\n');
  console.log(`${source}: ${columns.length} columns, ${columns.filter((c) => c.label).length} labelled with a kind`);
}

await write('demo', await demoColumns(SEED, PER_COLUMN));
await write('registers', synthetic('registers', REGISTERS, SEED + 1));
await write('services', synthetic('services', SERVICES, SEED + 2));
await write('messy', synthetic('messy', MESSY, SEED + 3));
