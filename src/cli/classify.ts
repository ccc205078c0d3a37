import fs from 'node:fs';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import iconv from 'iconv-lite';
import { Problem } from '../kernel/index.ts';
import { detectEncoding } from '../ingest/index.ts';
import { taxonomyLexicon, trainClassifier, type Example } from '../apps/cases/classify/index.ts';
import { progressBar } from './progress.ts';

/** Inputs longer than this many cases show a progress bar. */
const PROGRESS_FROM = 2000;

const ICONV: Record<string, string> = { 'utf-8': 'utf8', 'utf-8-bom': 'utf8', gbk: 'gb18030', gb18030: 'gb18030', 'utf-16le': 'utf16le', 'utf-16be': 'utf16be' };

/** A text file as a string: its encoding detected (UTF-8 with or without BOM, UTF-16, GBK, GB18030), the BOM dropped. */
function readText(file: string, what: [string, string]): string {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    throw new Error(`无法读取${what[0]} / cannot read the ${what[1]}: ${file}`);
  }
  try {
    const { encoding } = detectEncoding(buf, true);
    return iconv.decode(buf, ICONV[encoding]!).replace(/^\ufeff/, '');
  } catch (err) {
    if (err instanceof Problem) throw new Error(`${file}: ${err.detail ?? err.title}`);
    throw err;
  }
}

/** The rows of a CSV file, keyed by lower-cased column names; throws naming the first missing column. */
function readRows(file: string, what: [string, string], required: string[]): Record<string, string>[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readText(file, what), {
      columns: (head: string[]) => head.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      relax_column_count: true,
    }) as Record<string, string>[];
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('CSV_')) throw new Error(`${file}: 不是有效的 CSV / not a valid CSV: ${(err as Error).message}`);
    throw err;
  }
  const head = rows.length ? Object.keys(rows[0]!) : parseHead(readText(file, what));
  for (const c of required) if (!head.includes(c)) throw new Error(`${file}: 缺少列 ${c} / column "${c}" is missing (columns: ${head.join(', ') || 'none'})`);
  return rows;
}

/** The column names of a CSV with no data rows. */
function parseHead(text: string): string[] {
  const first = (parse(text, { to_line: 1, relax_column_count: true }) as string[][])[0] ?? [];
  return first.map((h) => h.trim().toLowerCase());
}

/**
 * `govhub classify`: train the case classifier on labelled reports (id,title,text,category) and
 * write the proposed category of each report of the input (id,title,text) with its confidence and
 * the top three candidates.
 */
export function classifyCommand() {
  return new Command('classify')
    .description('市民诉求文本分类：用已分类的诉求训练，给出每条诉求的类别、置信度与前三候选 / classify citizen reports: train on labelled reports, propose each report\'s category with its confidence and top-3 candidates')
    .requiredOption('--train <file>', '训练 CSV：id,title,text,category / training CSV: id,title,text,category')
    .requiredOption('--input <file>', '待分类 CSV：id,title,text / CSV to classify: id,title,text')
    .requiredOption('--out <file>', '输出 CSV：id,category,confidence,candidates / output CSV: id,category,confidence,candidates')
    .option('--lexicon <file>', '分类表 CSV（level1,level2,level3），其名称作为先验 / taxonomy CSV (level1,level2,level3) whose names are a prior')
    .action((o: { train: string; input: string; out: string; lexicon?: string }) => {
      const trainRows = readRows(o.train, ['训练文件', 'training file'], ['text', 'category']);
      const inputRows = readRows(o.input, ['输入文件', 'input file'], ['id', 'text']);
      const lexicon = o.lexicon ? taxonomyLexicon(readText(o.lexicon, ['分类表', 'taxonomy file'])) : undefined;
      const examples: Example[] = trainRows
        .filter((r) => (r.category ?? '').trim() && ((r.text ?? '').trim() || (r.title ?? '').trim()))
        .map((r) => ({ title: r.title ?? '', text: r.text ?? '', category: r.category!.trim() }));

      process.stderr.write(`classify: training on ${examples.length} cases…\n`);
      const t0 = performance.now();
      const model = trainClassifier(examples, { lexicon });
      const trainSeconds = (performance.now() - t0) / 1000;

      const bar = inputRows.length >= PROGRESS_FROM ? progressBar('classify', inputRows.length, 'cases') : null;
      const out: string[][] = [];
      const t1 = performance.now();
      try {
        for (const [i, r] of inputRows.entries()) {
          const p = model.predict({ title: r.title ?? '', text: r.text ?? '' });
          out.push([r.id ?? '', p.category, p.confidence.toFixed(4), p.candidates.map((c) => c.category).join('|')]);
          if (bar && i % 200 === 0) bar.update(i);
        }
        bar?.update(inputRows.length);
      } finally {
        bar?.stop();
      }
      const classifySeconds = (performance.now() - t1) / 1000;
      fs.writeFileSync(o.out, stringify(out, { header: true, columns: ['id', 'category', 'confidence', 'candidates'] }));
      process.stdout.write(
        `OK: trained on ${examples.length} cases (${model.categories.length} categories) in ${trainSeconds.toFixed(2)} s; ` +
          `classified ${out.length} cases in ${classifySeconds.toFixed(2)} s → ${o.out}\n`,
      );
    });
}
