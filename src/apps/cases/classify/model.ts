/**
 * The case classifier: TF-IDF over jieba words and character bigrams (sublinear tf, smoothed idf,
 * L2-normalised; the title counts more than the text), two linear models over those vectors, and
 * the mean of their probabilities:
 *  - multinomial logistic regression (softmax, L2), trained by stochastic gradient descent;
 *  - complement naive Bayes (Rennie et al. 2003), which holds up on the small categories.
 * The taxonomy (level-2 / level-3 names of each category) can join the training as one example per
 * category, weighing as much as `lexiconWeight` cases: a prior that fades as the history grows.
 * Training is one pass to cut and count terms and a fixed budget of gradient steps (at least one
 * pass), so its time grows linearly with the cases, most of it cutting words; predicting a case is
 * one cut and two sparse dot products.
 */
import { nameTerms, termCounts } from './tokens.ts';

export interface Example { title?: string; text: string; category: string }
export interface Candidate { category: string; confidence: number }
/** The best category, its confidence, and the top three (best first; confidences in [0, 1], summing to at most 1). */
export interface Prediction { category: string; confidence: number; candidates: Candidate[] }
export interface Classifier {
  readonly categories: string[];
  predict(input: { title?: string; text: string }): Prediction;
  toJSON(): unknown;
}

/** How the classifier is built; the defaults were chosen by repeated cross-validation on the case history. */
export interface Settings {
  /** Each title term counts this many times. */
  titleWeight: number;
  /**
   * Only the first this many characters of the text count (0: all): a report states its matter first;
   * what follows (the story, quoted regulations) adds more noise than signal.
   */
  textChars: number;
  /** A term must occur in this many training cases (1 below 2,000 cases, else 2). */
  minDf?: number;
  /** L2 penalty of the logistic regression. */
  lambda: number;
  /** Gradient steps of the logistic regression (at least `minEpochs` passes over the cases, at most `maxEpochs`). */
  steps: number;
  minEpochs: number;
  maxEpochs: number;
  /** Additive smoothing of the naive Bayes counts. */
  alpha: number;
  /** Sharpness of the naive Bayes probabilities (its scores are multiplied by this before the softmax). */
  nbScale: number;
  /** Share of the naive Bayes probabilities in the mean (0: logistic regression alone). */
  nbShare: number;
  /**
   * Weight of a category's taxonomy example, in cases: a prior that guides the model while the history
   * is short and fades as it grows.
   */
  lexiconWeight: number;
  /** Seed of the order the gradient steps visit the cases in (training is deterministic). */
  seed: number;
}

export const DEFAULT_SETTINGS: Settings = {
  titleWeight: 5,
  textChars: 200,
  lambda: 1e-4,
  steps: 20_000,
  minEpochs: 1,
  maxEpochs: 60,
  alpha: 0.3,
  nbScale: 20,
  nbShare: 0.5,
  lexiconWeight: 80,
  seed: 1,
};

const FORMAT = 'govhub.cases.classifier';
const VERSION = 1;

/** A sparse TF-IDF vector: feature indexes and their values (L2 norm 1, or empty). */
interface Vec { idx: Int32Array; val: Float32Array }

/** The TF-IDF vector of term counts: (1 + ln tf) × idf, L2-normalised. */
function tfidf(idx: ArrayLike<number>, counts: ArrayLike<number>, idf: Float32Array): Vec {
  const out = { idx: Int32Array.from(idx), val: new Float32Array(idx.length) };
  let norm = 0;
  for (let k = 0; k < idx.length; k++) {
    const v = (1 + Math.log(counts[k]!)) * idf[idx[k]!]!;
    out.val[k] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < idx.length; k++) out.val[k]! /= norm;
  return out;
}

/** The vocabulary and idf a case's terms are turned into a vector with. */
class Vectorizer {
  readonly index = new Map<string, number>();
  constructor(readonly terms: string[], readonly idf: Float32Array, readonly titleWeight: number, readonly textChars: number) {
    terms.forEach((t, i) => this.index.set(t, i));
  }

  fromCounts(counts: Map<string, number>): Vec {
    const idx: number[] = [];
    const n: number[] = [];
    for (const [t, c] of counts) {
      const j = this.index.get(t);
      if (j !== undefined) idx.push(j), n.push(c);
    }
    return tfidf(idx, n, this.idf);
  }

  vector(input: { title?: string; text: string }): Vec {
    return this.fromCounts(termCounts(input, this.titleWeight, this.textChars));
  }
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmaxInPlace(s: Float64Array): Float64Array {
  let max = -Infinity;
  for (const x of s) if (x > max) max = x;
  let sum = 0;
  for (let c = 0; c < s.length; c++) sum += s[c] = Math.exp(s[c]! - max);
  for (let c = 0; c < s.length; c++) s[c]! /= sum;
  return s;
}

/** The trained weights: feature-major (weight of feature j for category c at j * K + c). */
interface Weights {
  categories: string[];
  terms: string[];
  idf: Float32Array;
  titleWeight: number;
  textChars: number;
  lr: Float32Array;
  lrBias: Float64Array;
  nb: Float32Array;
  nbScale: number;
  nbShare: number;
}

class LinearClassifier implements Classifier {
  readonly categories: string[];
  private readonly vectorizer: Vectorizer;
  constructor(private readonly w: Weights) {
    this.categories = [...w.categories];
    this.vectorizer = new Vectorizer(w.terms, w.idf, w.titleWeight, w.textChars);
  }

  /** Probability of each category, in the order of `categories`. */
  probabilities(input: { title?: string; text: string }): Float64Array {
    const K = this.categories.length;
    const x = this.vectorizer.vector(input);
    const lr = Float64Array.from(this.w.lrBias);
    const nb = new Float64Array(K);
    for (let k = 0; k < x.idx.length; k++) {
      const base = x.idx[k]! * K;
      const v = x.val[k]!;
      for (let c = 0; c < K; c++) {
        lr[c]! += this.w.lr[base + c]! * v;
        nb[c]! += this.w.nb[base + c]! * v;
      }
    }
    for (let c = 0; c < K; c++) nb[c]! *= this.w.nbScale;
    softmaxInPlace(lr);
    softmaxInPlace(nb);
    const s = this.w.nbShare;
    for (let c = 0; c < K; c++) lr[c] = (1 - s) * lr[c]! + s * nb[c]!;
    return lr;
  }

  predict(input: { title?: string; text: string }): Prediction {
    if (!input || typeof input.text !== 'string') throw new Error('预测需要文本 / predict needs { text }');
    const p = this.probabilities(input);
    const ranked = [...p.keys()].sort((a, b) => p[b]! - p[a]! || a - b);
    const candidates = ranked.slice(0, 3).map((c) => ({ category: this.categories[c]!, confidence: Math.min(1, Math.max(0, p[c]!)) }));
    return { category: candidates[0]!.category, confidence: candidates[0]!.confidence, candidates };
  }

  toJSON() {
    const w = this.w;
    return {
      format: FORMAT,
      version: VERSION,
      categories: w.categories,
      titleWeight: w.titleWeight,
      textChars: w.textChars,
      nbScale: w.nbScale,
      nbShare: w.nbShare,
      terms: w.terms,
      idf: base64(w.idf),
      lr: base64(w.lr),
      lrBias: [...w.lrBias],
      nb: base64(w.nb),
    };
  }
}

const base64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** Terms of a category's taxonomy names: each name's words and bigrams, once each. */
function lexiconCounts(names: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of names) for (const t of [...nameTerms(name), name.toLowerCase()]) counts.set(t, 1);
  return counts;
}

/**
 * Train on the cases (and the taxonomy names of their categories, when given). Categories are those
 * of the cases, in order of first appearance; a lexicon entry for a category no case has is left out.
 */
export function trainClassifier(examples: Example[], opts: { lexicon?: Record<string, string[]>; settings?: Partial<Settings> } = {}): Classifier {
  const st = { ...DEFAULT_SETTINGS, ...opts.settings };
  if (!Array.isArray(examples) || examples.length === 0) throw new Error('没有训练样本 / no training examples');
  const categories: string[] = [];
  const catIndex = new Map<string, number>();
  for (const [i, e] of examples.entries()) {
    if (!e || typeof e.text !== 'string' || typeof e.category !== 'string' || !e.category.trim()) {
      throw new Error(`第 ${i + 1} 个样本缺少文本或类别 / example ${i + 1} has no text or no category`);
    }
    const c = e.category.trim();
    if (!catIndex.has(c)) {
      catIndex.set(c, categories.length);
      categories.push(c);
    }
  }
  if (categories.length < 2) throw new Error(`至少需要两个类别，样本只有 ${categories.length} 个 / need at least 2 categories, the examples have ${categories.length}`);
  const K = categories.length;

  // every distinct term gets a number when first seen; a document is its terms' numbers and counts
  const seen = new Map<string, number>();
  const names: string[] = [];
  const df: number[] = [];
  const encode = (counts: Map<string, number>, isCase: boolean) => {
    const idx = new Int32Array(counts.size);
    const n = new Float32Array(counts.size);
    let k = 0;
    for (const [t, c] of counts) {
      let j = seen.get(t);
      if (j === undefined) seen.set(t, (j = names.push(t) - 1)), df.push(0);
      if (isCase) df[j]!++;
      idx[k] = j;
      n[k++] = c;
    }
    return { idx, n };
  };
  // the documents: the cases, then one taxonomy example per category that has names
  const docs = examples.map((e) => ({ ...encode(termCounts(e, st.titleWeight, st.textChars), true), y: catIndex.get(e.category.trim())!, weight: 1 }));
  const nCases = docs.length;
  for (const [cat, entry] of Object.entries(opts.lexicon ?? {})) {
    const y = catIndex.get(cat);
    if (y !== undefined && entry.length) docs.push({ ...encode(lexiconCounts(entry), false), y, weight: st.lexiconWeight });
  }

  // vocabulary: terms in at least minDf cases, and every taxonomy term; idf over the cases
  const minDf = st.minDf ?? (nCases >= 2000 ? 2 : 1);
  const keep = df.map((d) => d >= minDf);
  for (let i = nCases; i < docs.length; i++) for (const j of docs[i]!.idx) keep[j] = true;
  const column = new Int32Array(names.length).fill(-1);
  const terms: string[] = [];
  const idfs: number[] = [];
  for (let j = 0; j < names.length; j++) {
    if (!keep[j]) continue;
    column[j] = terms.push(names[j]!) - 1;
    idfs.push(Math.log((1 + nCases) / (1 + df[j]!)) + 1);
  }
  const idf = Float32Array.from(idfs);
  const X = docs.map((d) => {
    const idx: number[] = [];
    const n: number[] = [];
    for (let k = 0; k < d.idx.length; k++) if (column[d.idx[k]!]! >= 0) idx.push(column[d.idx[k]!]!), n.push(d.n[k]!);
    return tfidf(idx, n, idf);
  });
  const V = terms.length;

  const lr = logisticRegression(X, docs, K, V, st);
  const nb = complementNaiveBayes(X, docs, K, V, st.alpha);
  return new LinearClassifier({ categories, terms, idf, titleWeight: st.titleWeight, textChars: st.textChars, lr: lr.w, lrBias: lr.b, nb, nbScale: st.nbScale, nbShare: st.nbShare });
}

/** The intercepts move at this share of the step, as for sparse data in scikit-learn's SGD: a step on a few features must not swing them. */
const INTERCEPT_DECAY = 0.01;

/**
 * Softmax regression with an L2 penalty by SGD (Bottou's step size η_t = η0 / (1 + η0 λ t); the
 * penalty's shrinking kept as one scale factor so a step costs the case's features, not the vocabulary).
 */
function logisticRegression(X: Vec[], docs: { y: number; weight: number }[], K: number, V: number, st: Settings) {
  const w = new Float64Array(V * K);
  const b = new Float64Array(K);
  // a heavy example (the taxonomy's) is visited as often as it weighs, each visit a plain step
  const visits: number[] = [];
  const stepWeight = new Float64Array(X.length);
  for (const [i, d] of docs.entries()) {
    const times = Math.max(1, Math.round(d.weight));
    stepWeight[i] = d.weight / times;
    for (let k = 0; k < times; k++) visits.push(i);
  }
  const n = visits.length;
  const epochs = Math.min(st.maxEpochs, Math.max(st.minEpochs, Math.ceil(st.steps / n)));
  const eta0 = 0.5;
  const rnd = random(st.seed);
  const order = Int32Array.from(visits);
  const s = new Float64Array(K);
  let scale = 1;
  let t = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) {
      const x = X[i]!;
      const eta = eta0 / (1 + eta0 * st.lambda * t++);
      s.set(b);
      for (let k = 0; k < x.idx.length; k++) {
        const base = x.idx[k]! * K;
        const v = x.val[k]! * scale;
        for (let c = 0; c < K; c++) s[c]! += w[base + c]! * v;
      }
      softmaxInPlace(s);
      s[docs[i]!.y]! -= 1; // gradient of the loss by the scores: p - y
      scale *= 1 - eta * st.lambda;
      const step = (eta * stepWeight[i]!) / scale;
      for (let k = 0; k < x.idx.length; k++) {
        const base = x.idx[k]! * K;
        const v = x.val[k]! * step;
        for (let c = 0; c < K; c++) w[base + c]! -= s[c]! * v;
      }
      for (let c = 0; c < K; c++) b[c]! -= INTERCEPT_DECAY * eta * stepWeight[i]! * s[c]!;
      if (scale < 1e-6) {
        for (let j = 0; j < w.length; j++) w[j]! *= scale;
        scale = 1;
      }
    }
  }
  const out = new Float32Array(V * K);
  for (let j = 0; j < w.length; j++) out[j] = w[j]! * scale;
  return { w: out, b };
}

/**
 * Complement naive Bayes over the TF-IDF vectors: a category's weight for a term is minus the log of
 * the term's smoothed share among the other categories' cases, normalised per category (Rennie et
 * al. 2003, "weight-normalised CNB"), so a big category does not win by its size.
 */
function complementNaiveBayes(X: Vec[], docs: { y: number; weight: number }[], K: number, V: number, alpha: number): Float32Array {
  const perClass = new Float64Array(V * K);
  const total = new Float64Array(V);
  for (const [i, x] of X.entries()) {
    const { y, weight } = docs[i]!;
    for (let k = 0; k < x.idx.length; k++) {
      const j = x.idx[k]!;
      perClass[j * K + y]! += x.val[k]! * weight;
      total[j]! += x.val[k]! * weight;
    }
  }
  const out = new Float32Array(V * K);
  let grand = 0;
  for (const t of total) grand += t;
  for (let c = 0; c < K; c++) {
    let classSum = 0;
    for (let j = 0; j < V; j++) classSum += perClass[j * K + c]!;
    const denom = grand - classSum + alpha * V;
    let norm = 0;
    for (let j = 0; j < V; j++) {
      const wj = -Math.log((total[j]! - perClass[j * K + c]! + alpha) / denom);
      out[j * K + c] = wj;
      norm += Math.abs(wj);
    }
    for (let j = 0; j < V; j++) out[j * K + c]! /= norm / V || 1;
  }
  // centre each term's weights across the categories: only the differences matter to the softmax
  for (let j = 0; j < V; j++) {
    let m = 0;
    for (let c = 0; c < K; c++) m += out[j * K + c]!;
    m /= K;
    for (let c = 0; c < K; c++) out[j * K + c]! -= m;
  }
  return out;
}

/** A model saved by `toJSON`, checked field by field. */
export function loadClassifier(json: unknown): Classifier {
  const bad = (why: string): never => {
    throw new Error(`分类模型无效 / not a valid classifier model: ${why}`);
  };
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json);
    } catch {
      bad('not JSON');
    }
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) bad('not an object');
  const m = json as Record<string, unknown>;
  if (m.format !== FORMAT) bad(`format is ${JSON.stringify(m.format)}, expected "${FORMAT}"`);
  if (m.version !== VERSION) bad(`version ${JSON.stringify(m.version)} is not ${VERSION}`);
  const strings = (v: unknown, name: string) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : bad(`${name} must be a list of strings`));
  const num = (v: unknown, name: string) => (typeof v === 'number' && Number.isFinite(v) ? v : bad(`${name} must be a number`));
  const categories = strings(m.categories, 'categories');
  if (categories.length < 2 || new Set(categories).size !== categories.length) bad('categories must be at least 2, all different');
  const terms = strings(m.terms, 'terms');
  const K = categories.length;
  const V = terms.length;
  const floats = (v: unknown, name: string, length: number) => {
    if (typeof v !== 'string') bad(`${name} must be base64 text`);
    const buf = Buffer.from(v as string, 'base64');
    if (buf.length !== length * 4) bad(`${name} holds ${buf.length / 4} numbers, expected ${length}`);
    const a = new Float32Array(length);
    Buffer.from(a.buffer).set(buf);
    if (!a.every(Number.isFinite)) bad(`${name} holds a number that is not finite`);
    return a;
  };
  const lrBias = Array.isArray(m.lrBias) && m.lrBias.length === K ? Float64Array.from(m.lrBias, (x, i) => num(x, `lrBias[${i}]`)) : bad(`lrBias must be ${K} numbers`);
  const nbShare = num(m.nbShare, 'nbShare');
  if (nbShare < 0 || nbShare > 1) bad('nbShare must be in [0, 1]');
  return new LinearClassifier({
    categories,
    terms,
    idf: floats(m.idf, 'idf', V),
    titleWeight: num(m.titleWeight, 'titleWeight'),
    textChars: num(m.textChars, 'textChars'),
    lr: floats(m.lr, 'lr', V * K),
    lrBias,
    nb: floats(m.nb, 'nb', V * K),
    nbScale: num(m.nbScale, 'nbScale'),
    nbShare,
  });
}
