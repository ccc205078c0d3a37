/**
 * PII scanner benchmark: column-level precision and recall of scanColumn on the labelled set in
 * bench/data/pii-columns (see its README), over all of it and per part: the sources the scanner was
 * tuned on, and the held-out `services` source that was never used to change it.
 *
 *   npm run bench -- pii
 *
 * A column is a true positive when the scanner names the labelled kind; a false positive when it
 * names a kind the label does not have (a wrong kind counts here too); a false negative when the
 * label has a kind and the scanner names another or none. Prints the misses, a confusion table and
 * one key=value line per figure.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scanColumn, type PiiFinding } from '../src/share/classify/index.ts';
import { printTable } from './_peers.ts';
import type { LabelledColumn } from './data/pii-columns/demo.ts';

const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'pii-columns');
/** The source kept out of tuning. */
export const HELD_OUT = 'services';

export type { LabelledColumn };

export interface ScoredColumn extends LabelledColumn {
  finding: PiiFinding;
}

export interface PiiFigures {
  precision: number;
  recall: number;
  columns: number;
  tp: number;
  fp: number;
  fn: number;
  /** confusion[label || 'none'][kind || 'none'] = columns */
  confusion: Record<string, Record<string, number>>;
  misses: ScoredColumn[];
}

export function loadLabelledColumns(sources?: string[]): LabelledColumn[] {
  const files = readdirSync(DATA).filter((f) => f.endsWith('.jsonl')).sort();
  return files
    .filter((f) => !sources || sources.includes(f.slice(0, -'.jsonl'.length)))
    .flatMap((f) => readFileSync(path.join(DATA, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as LabelledColumn));
}

export function score(columns: LabelledColumn[]): PiiFigures {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const confusion: Record<string, Record<string, number>> = {};
  const misses: ScoredColumn[] = [];
  for (const col of columns) {
    const finding = scanColumn({ name: col.name, title: col.title, values: col.values });
    const said = finding.kind ?? '';
    const row = (confusion[col.label || 'none'] ??= {});
    row[said || 'none'] = (row[said || 'none'] ?? 0) + 1;
    if (said && said === col.label) tp++;
    if (said && said !== col.label) fp++;
    if (col.label && said !== col.label) fn++;
    if (said !== col.label) misses.push({ ...col, finding });
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);
  return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), columns: columns.length, tp, fp, fn, confusion, misses };
}

/** Figures over the whole labelled set. */
export async function piiFigures(): Promise<PiiFigures> {
  return score(loadLabelledColumns());
}

function report(log: (s: string) => void): void {
  const all = score(loadLabelledColumns());
  const tuned = score(loadLabelledColumns(['demo', 'registers']));
  const messy = score(loadLabelledColumns(['messy']));
  const held = score(loadLabelledColumns([HELD_OUT]));
  log(`misses (${all.misses.length} of ${all.columns} columns):`);
  printTable(
    log,
    ['source', 'dataset', 'name', 'title', 'label', 'scanner', 'evidence'],
    all.misses.map((m) => [m.source, m.dataset, m.name, m.title, m.label || '-', m.finding.kind ?? '-', m.finding.evidence.split(' · ')[1] ?? '']),
  );
  const kinds = [...new Set(Object.values(all.confusion).flatMap((r) => Object.keys(r)).concat(Object.keys(all.confusion)))].sort();
  printTable(log, ['label \\ scanner', ...kinds], Object.entries(all.confusion).sort().map(([label, r]) => [label, ...kinds.map((k) => String(r[k] ?? ''))]));
  printTable(
    log,
    ['part', 'columns', 'tp', 'fp', 'fn', 'precision', 'recall'],
    [
      ['tuned on (demo, registers)', tuned],
      ['messy (run once untuned, then tuned on)', messy],
      [`held out (${HELD_OUT})`, held],
      ['all', all],
    ].map(([name, f]) => {
      const x = f as PiiFigures;
      return [name as string, String(x.columns), String(x.tp), String(x.fp), String(x.fn), x.precision.toFixed(3), x.recall.toFixed(3)];
    }),
  );
  log(`pii_scanner_precision=${all.precision}`);
  log(`pii_scanner_recall=${all.recall}`);
  log(`pii_columns=${all.columns}`);
  log(`pii_scanner_precision_heldout=${held.precision}`);
  log(`pii_scanner_recall_heldout=${held.recall}`);
  log(`pii_columns_heldout=${held.columns}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  report((s) => console.log(s));
}
