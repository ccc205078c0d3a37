/**
 * Columns of the demo city (src/demo): the departments' own files, with their realistic defects
 * (full-width digits, stray spaces, typos, blanks), read back from a generated city. The label of
 * each field is written here by hand from the field's meaning, not from its data element.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { DEPARTMENTS, generateCity, Prng } from '../../../src/demo/index.ts';

/** Label of a demo field by name; a field absent here holds no personal information of a scanned kind. */
const LABELS: Record<string, string> = {
  xm: 'person_name', nf_xm: 'person_name', nv_xm: 'person_name', xsexm: 'person_name', mqxm: 'person_name', fqxm: 'person_name',
  jhrxm: 'person_name', sbrxm: 'person_name', fddbr: 'person_name', qlr: 'person_name',
  gmsfhm: 'id_card', nf_gmsfhm: 'id_card', nv_gmsfhm: 'id_card', fddbr_gmsfhm: 'id_card', qlr_gmsfhm: 'id_card', mq_gmsfhm: 'id_card', fq_gmsfhm: 'id_card',
  csrq: 'birth_date',
  lxdh: 'mobile', jhrlxdh: 'mobile', sbrdh: 'mobile',
  // Door-level addresses: homes, registered residences, premises, house and plot locations, case sites.
  jzdz: 'address', hjdz: 'address', zs: 'address', fwzl: 'address', zdzl: 'address', scjydz: 'address', fsdz: 'address',
  tyshxydm: 'uscc', nsrsbh: 'uscc',
};
// Not labelled, on purpose: 残疾人证号 cjzh and 学籍号 xjh embed an ID number but are certificate
// numbers; 户号 hh is a household key; 登记日期 djrq of the household register often equals the birth
// date but is a registration date; 出生地点 csdd holds hospital names.

export interface LabelledColumn {
  source: string;
  dataset: string;
  name: string;
  title: string;
  label: string;
  values: (string | number | null)[];
}

async function readRows(path: string, format: 'csv' | 'ndjson', encoding: 'utf-8' | 'gbk'): Promise<Record<string, unknown>[]> {
  const buf = await readFile(path);
  const text = encoding === 'gbk' ? iconv.decode(buf, 'gbk') : buf.toString('utf8').replace(/^\uFEFF/, '');
  if (format === 'ndjson') return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  return parse(text, { columns: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, unknown>[];
}

/** Pick up to n rows spread over the file, seeded. */
function sample<T>(rows: T[], n: number, rng: Prng): T[] {
  if (rows.length <= n) return rows;
  const out: T[] = [];
  const step = rows.length / n;
  for (let i = 0; i < n; i++) out.push(rows[Math.min(rows.length - 1, Math.floor(i * step + rng.next() * step))]!);
  return out;
}

export async function demoColumns(seed: number, perColumn: number): Promise<LabelledColumn[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pii-demo-'));
  try {
    const manifest = await generateCity({ outDir: dir, people: 3000, seed });
    const rng = new Prng(seed);
    const out: LabelledColumn[] = [];
    for (const file of manifest.files) {
      const rows = sample(await readRows(join(dir, file.path), file.format, file.encoding), perColumn, rng);
      if (rows.length < 10) continue;
      const ds = DEPARTMENTS.flatMap((d) => d.datasets).find((d) => d.code === file.dataset)!;
      for (const f of ds.fields) {
        const values = rows.map((r) => {
          const x = r[f.name];
          return x === undefined || x === null || x === '' ? null : typeof x === 'number' ? x : String(x);
        });
        out.push({ source: 'demo', dataset: `${ds.code} ${ds.name}`, name: f.name, title: f.title, label: LABELS[f.name] ?? '', values });
      }
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
