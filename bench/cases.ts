/**
 * Case-handling benchmark. Each section is one function returning its key=value figures; the run
 * prints what each section measured, then all figures, one key=value line each.
 *
 *   npm run bench -- cases [--section classify|route|list] [--folds 5] [--repeats 3] [--train-size 100000] [--cases 1000000]
 *
 * classify — the citizen-report classifier (src/apps/cases/classify) on the labelled messages of
 * <repo>/../shared/data/cases (or GOVHUB_CASES_DATA): repeated stratified k-fold, the model trained
 * on k−1 folds and scored on the fold it has not seen (top-1 and top-3 accuracy, per fold and mean),
 * the taxonomy names of categories.csv as its lexicon. The peer, in the same folds, is multinomial
 * naive Bayes on single characters (the plain text-classification baseline); the majority class is
 * printed for scale. Training time is measured on the whole file and on the file's messages repeated
 * to 100,000 cases (a synthetic size: the same texts, cut and counted again); the classify latency is
 * per case, over every held-out prediction.
 *
 * route, list — the case service on a control plane (bench/_casesService.ts): locate + classify +
 * route per report on PGlite and PostgreSQL; the case list at 1,000,000 cases on PostgreSQL against
 * the exact-count page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'csv-parse/sync';
import { taxonomyLexicon, trainClassifier, type Example } from '../src/apps/cases/classify/index.ts';
import { Prng } from '../src/demo/prng.ts';
import { arg, runSections, type Section, printTable, ratio } from './_peers.ts';
import { listSection, routeSection } from './_casesService.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const casesDataDir = () => process.env.GOVHUB_CASES_DATA ?? path.resolve(ROOT, '..', 'shared', 'data', 'cases');

type Log = (s: string) => void;

const r4 = (x: number) => Math.round(x * 10000) / 10000;
const intArg = (name: string, dflt: number) => {
  const v = arg(name);
  const n = Number(v ?? dflt);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer: ${v}`);
  return n;
};

function readCsv(file: string): Record<string, string>[] {
  return parse(fs.readFileSync(file, 'utf8').replace(/^\ufeff/, ''), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** Stratified folds: each category's messages shuffled and dealt round the k folds in turn. Returns the fold of each message. */
export function stratifiedFolds(labels: string[], k: number, seed: number): number[] {
  const rnd = new Prng(seed);
  const fold = new Array<number>(labels.length).fill(0);
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => (byLabel.get(l) ?? byLabel.set(l, []).get(l)!).push(i));
  let offset = 0;
  for (const [, idx] of [...byLabel].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rnd.int(i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx.forEach((m, p) => (fold[m] = (p + offset) % k));
    offset += idx.length;
  }
  return fold;
}

/** The peer: multinomial naive Bayes over single characters (Laplace smoothing), ranked categories out. */
function charNaiveBayes(train: Example[]) {
  const cats = [...new Set(train.map((e) => e.category))];
  const chars = (e: { title?: string; text: string }) => [...`${e.title ?? ''}${e.text}`].filter((c) => /[\p{L}\p{N}]/u.test(c));
  const counts = cats.map(() => new Map<string, number>());
  const totals = cats.map(() => 0);
  const prior = cats.map((c) => Math.log(train.filter((e) => e.category === c).length / train.length));
  const vocab = new Set<string>();
  for (const e of train) {
    const c = cats.indexOf(e.category);
    for (const ch of chars(e)) {
      counts[c]!.set(ch, (counts[c]!.get(ch) ?? 0) + 1);
      totals[c]!++;
      vocab.add(ch);
    }
  }
  return (e: { title?: string; text: string }) => {
    const score = cats.map((_, c) => prior[c]! + chars(e).reduce((s, ch) => s + Math.log(((counts[c]!.get(ch) ?? 0) + 1) / (totals[c]! + vocab.size)), 0));
    return [...cats.keys()].sort((a, b) => score[b]! - score[a]!).map((c) => cats[c]!);
  };
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? 0;

/** Classification: held-out accuracy by repeated stratified k-fold, training time, latency per case. */
export async function classifySection(log: Log): Promise<Record<string, number> | null> {
  const dir = casesDataDir();
  const messagesFile = path.join(dir, 'messages_train.csv');
  if (!fs.existsSync(messagesFile)) {
    log(`classify: ${messagesFile} not found; skipped (set GOVHUB_CASES_DATA)`);
    return null;
  }
  const k = intArg('--folds', 5);
  const repeats = intArg('--repeats', 3);
  const trainSize = intArg('--train-size', 100_000);
  const examples: Example[] = readCsv(messagesFile).map((r) => ({ title: r.title, text: r.text ?? '', category: r.category ?? '' }));
  const taxonomyFile = path.join(dir, 'categories.csv');
  const lexicon = fs.existsSync(taxonomyFile) ? taxonomyLexicon(fs.readFileSync(taxonomyFile, 'utf8')) : undefined;
  const categories = new Set(examples.map((e) => e.category));
  log(`classify: ${examples.length} messages, ${categories.size} categories; ${repeats} × stratified ${k}-fold${lexicon ? '; lexicon: categories.csv' : ''}`);

  const latencies: number[] = [];
  const rows: string[][] = [];
  const sums = { top1: 0, top3: 0, noLex: 0, peer1: 0, peer3: 0, majority: 0 };
  const folds = repeats * k;
  for (let rep = 0; rep < repeats; rep++) {
    const fold = stratifiedFolds(examples.map((e) => e.category), k, 1000 + rep);
    for (let f = 0; f < k; f++) {
      const train = examples.filter((_, i) => fold[i] !== f);
      const test = examples.filter((_, i) => fold[i] === f);
      const model = trainClassifier(train, { lexicon });
      const plain = lexicon ? trainClassifier(train, {}) : model;
      const peer = charNaiveBayes(train);
      const byCount = new Map<string, number>();
      for (const e of train) byCount.set(e.category, (byCount.get(e.category) ?? 0) + 1);
      const majority = [...byCount].sort((a, b) => b[1] - a[1])[0]![0];
      let top1 = 0, top3 = 0, noLex = 0, peer1 = 0, peer3 = 0, maj = 0;
      for (const e of test) {
        const t0 = performance.now();
        const p = model.predict(e);
        latencies.push(performance.now() - t0);
        if (p.category === e.category) top1++;
        if (p.candidates.some((c) => c.category === e.category)) top3++;
        if (plain.predict(e).category === e.category) noLex++;
        const ranked = peer(e);
        if (ranked[0] === e.category) peer1++;
        if (ranked.slice(0, 3).includes(e.category)) peer3++;
        if (majority === e.category) maj++;
      }
      const n = test.length;
      sums.top1 += top1 / n; sums.top3 += top3 / n; sums.noLex += noLex / n;
      sums.peer1 += peer1 / n; sums.peer3 += peer3 / n; sums.majority += maj / n;
      rows.push([`${rep + 1}.${f + 1}`, String(train.length), String(n), (top1 / n).toFixed(4), (top3 / n).toFixed(4), (noLex / n).toFixed(4), (peer1 / n).toFixed(4), (peer3 / n).toFixed(4)]);
    }
  }
  printTable(log, ['fold', 'train', 'held out', 'top-1', 'top-3', 'top-1 no lexicon', 'peer top-1', 'peer top-3'], rows);

  let t0 = performance.now();
  const full = trainClassifier(examples, { lexicon });
  const trainSeconds = (performance.now() - t0) / 1000;
  const big: Example[] = Array.from({ length: trainSize }, (_, i) => examples[i % examples.length]!);
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const bigModel = trainClassifier(big, { lexicon });
  const bigSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const bigCpuSeconds = (cpu.user + cpu.system) / 1e6;
  log(
    `classify: trained on all ${examples.length} messages in ${trainSeconds.toFixed(2)} s; on ${trainSize} cases (the messages repeated: synthetic size) ` +
      `in ${bigSeconds.toFixed(2)} s (${bigCpuSeconds.toFixed(2)} s of CPU); ${full.categories.length} / ${bigModel.categories.length} categories`,
  );
  const sizeKey = `train_${trainSize >= 1000 ? `${Math.round(trainSize / 1000)}k` : trainSize}_synthetic`;

  const top1 = sums.top1 / folds;
  const peer1 = sums.peer1 / folds;
  return {
    classify_top1: r4(top1),
    classify_top3: r4(sums.top3 / folds),
    classify_top1_no_lexicon: r4(sums.noLex / folds),
    classify_peer_char_nb_top1: r4(peer1),
    classify_peer_char_nb_top3: r4(sums.peer3 / folds),
    classify_majority_top1: r4(sums.majority / folds),
    classify_top1_vs_char_nb: ratio(top1, peer1) ?? 0,
    classify_folds: folds,
    train_seconds: Math.round(trainSeconds * 1000) / 1000,
    [`${sizeKey}_seconds`]: Math.round(bigSeconds * 100) / 100,
    [`${sizeKey}_cpu_seconds`]: Math.round(bigCpuSeconds * 100) / 100,
    classify_ms_p95: Math.round(p95(latencies) * 1000) / 1000,
    classify_ms_mean: Math.round((latencies.reduce((s, x) => s + x, 0) / latencies.length) * 1000) / 1000,
  };
}

/** The sections, in the order they run; add a section by adding an entry. */
export const SECTIONS: Section[] = [
  { key: 'classify', run: classifySection },
  { key: 'route', run: (log) => routeSection(log, path.join(casesDataDir(), 'messages_train.csv')) },
  { key: 'list', run: (log) => listSection(log, intArg('--cases', 1_000_000)) },
];

/** Run the sections (or the one named), then print one key=value line per figure. */
export const casesBench = (log: Log, only?: string) => runSections(SECTIONS, log, only);

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await casesBench((s) => console.log(s), arg('--section'));
}
