import type { Dataset } from '../types.ts';
import { openRule } from '../openData.ts';
import { FACET_LABELS, FACET_VALUE, FACETS, type Facet, type FacetCount } from './facets.ts';
import { withPrefix } from './prefix.ts';
import { indexTerms, isCjk, normalize, pinyinTerms, queryTerms } from './tokenize.ts';
import type { Audience } from './audience.ts';

/** Where a term was found. A field that open data drops is a bit of its own, so public searches can leave it out. */
const TITLE = 1, CODE = 2, PINYIN = 4, KEYWORDS = 8, FIELDS = 16, CLOSED_FIELDS = 32, DESCRIPTION = 64;
const ALL = 127;
/** How much a hit in each place weighs: the title first, then keywords, then fields, then the description. */
const WEIGHT: [number, number][] = [[TITLE, 10], [CODE, 10], [PINYIN, 6], [KEYWORDS, 5], [FIELDS, 3], [CLOSED_FIELDS, 3], [DESCRIPTION, 1]];
export type MatchedIn = 'title' | 'keywords' | 'fields' | 'description';
const MATCHED: [number, MatchedIn][] = [[TITLE | CODE | PINYIN, 'title'], [KEYWORDS, 'keywords'], [FIELDS | CLOSED_FIELDS, 'fields'], [DESCRIPTION, 'description']];
/** A term found by prefix only (养 → 养老) weighs this much of an exact one. */
const PREFIX_FACTOR = 0.6;
/** A query word is expanded to at most this many terms that start with it. */
const MAX_EXPANSION = 200;
/** Tie-breakers: up to +5% for fresh data (half-life 90 days) and +5% for a quality score of 100. */
const FRESH_BOOST = 0.05, QUALITY_BOOST = 0.05, HALF_LIFE_DAYS = 90;
export const MAX_LIMIT = 100;

const bestWeight = new Float32Array(ALL + 1).map((_, m) => Math.max(0, ...WEIGHT.filter(([b]) => m & b).map(([, w]) => w)));
const matchedNames: MatchedIn[][] = Array.from({ length: ALL + 1 }, (_, m) => MATCHED.filter(([b]) => m & b).map(([, n]) => n));

export type SearchSort = 'relevance' | 'updated' | 'name';
export interface SearchQuery {
  q?: string;
  filters?: Partial<Record<Facet, string[]>>;
  sort?: SearchSort;
  limit?: number;
  offset?: number;
}
export interface SearchHit {
  dataset: Dataset;
  score: number;
  matched: MatchedIn[];
}
export interface SearchResult {
  total: number;
  limit: number;
  offset: number;
  /** and: every query word matched; or: none matched all, entries matching any are shown; all: no query words. */
  mode: 'and' | 'or' | 'all';
  items: SearchHit[];
  facets: Record<Facet, FacetCount[]>;
}

/** The postings of one term: entries `docs[from..to)` and where the term was found in each (`masks`). */
interface Postings {
  from: number;
  to: number;
}

/** The terms of a dataset and where each is found, into `terms` (emptied first). */
function documentTerms(d: Dataset, terms: Map<string, number>): void {
  terms.clear();
  const add = (words: readonly string[], bit: number) => {
    for (const w of words) terms.set(w, (terms.get(w) ?? 0) | bit);
  };
  const addOne = (w: string, bit: number) => terms.set(w, (terms.get(w) ?? 0) | bit);
  add(indexTerms(d.name), TITLE);
  addOne(d.code.toLowerCase(), CODE);
  add(indexTerms(d.code), CODE);
  add(pinyinTerms(d.name), PINYIN);
  for (const k of d.keywords) {
    addOne(normalize(k), KEYWORDS);
    add(indexTerms(k), KEYWORDS);
  }
  for (const f of d.fields) {
    const bit = openRule(f) === 'drop' ? CLOSED_FIELDS : FIELDS;
    addOne(f.name, bit);
    add(indexTerms(f.title), bit);
    add(indexTerms(f.element), bit);
    add(indexTerms(f.description), bit);
  }
  add(indexTerms(d.description), DESCRIPTION);
}

/** A growable pair of int columns: (term id, entry << 8 | where) per posting, in entry order. */
class PostingLog {
  terms = new Int32Array(1 << 16);
  entries = new Int32Array(1 << 16);
  length = 0;
  push(term: number, entry: number, mask: number): void {
    if (this.length === this.terms.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.terms = grow(this.terms);
      this.entries = grow(this.entries);
    }
    this.terms[this.length] = term;
    this.entries[this.length++] = (entry << 8) | mask;
  }
}

/**
 * An in-memory inverted index of catalog entries: term → (entry, where found). Built whole from a
 * list of datasets; a change means a new index (see CatalogSearch). Queries are answered for an
 * audience: only the entries it sees are matched, counted and returned.
 */
export class SearchIndex {
  /** Term → its postings' range in `postingEntries` and `postingMasks` (one array each for all terms, by term, entries ascending). */
  private readonly postings = new Map<string, Postings>();
  private readonly postingEntries: Int32Array;
  private readonly postingMasks: Uint8Array;
  /** Every term, sorted: the prefix index. */
  private readonly terms: string[];
  private readonly boost: Float32Array;
  private readonly updated: Float64Array;
  private readonly nameRank: Int32Array;
  /** Per facet: each entry's value as a number (-1: none), and the values by number. */
  private readonly facetCodes: Record<Facet, { codes: Int32Array; values: string[] }>;
  private readonly departmentNames: Map<string, string>;
  private readonly visible = new Map<string, { mask: Uint8Array; list: number[] }>();
  private readonly scratch: { score: Float32Array; hits: Uint8Array; where: Uint8Array; best: Float32Array };

  private constructor(private readonly docs: Dataset[], now: number) {
    const ids = new Map<string, number>();
    const log = new PostingLog();
    const terms = new Map<string, number>();
    docs.forEach((d, i) => {
      documentTerms(d, terms);
      for (const [t, mask] of terms) {
        let id = ids.get(t);
        if (id === undefined) ids.set(t, (id = ids.size));
        log.push(id, i, mask);
      }
    });
    // counting sort of the log by term: each term's postings stay in entry order
    const start = new Int32Array(ids.size + 1);
    for (let k = 0; k < log.length; k++) start[log.terms[k]! + 1]!++;
    for (let t = 0; t < ids.size; t++) start[t + 1]! += start[t]!;
    const next = start.slice(0, ids.size);
    this.postingEntries = new Int32Array(log.length);
    this.postingMasks = new Uint8Array(log.length);
    for (let k = 0; k < log.length; k++) {
      const at = next[log.terms[k]!]!++;
      this.postingEntries[at] = log.entries[k]! >>> 8;
      this.postingMasks[at] = log.entries[k]! & 0xff;
    }
    for (const [t, id] of ids) this.postings.set(t, { from: start[id]!, to: start[id + 1]! });
    this.terms = [...ids.keys()].sort();
    this.updated = Float64Array.from(docs, (d) => Date.parse(d.dataUpdatedAt ?? d.updatedAt));
    this.boost = Float32Array.from(docs, (d, i) => {
      const ageDays = Math.max(0, (now - this.updated[i]!) / 86_400_000);
      return FRESH_BOOST * 0.5 ** (ageDays / HALF_LIFE_DAYS) + QUALITY_BOOST * Math.min(1, Math.max(0, (d.quality ?? 0) / 100));
    });
    const collator = new Intl.Collator('zh-CN');
    const byName = docs.map((_, i) => i).sort((a, b) => collator.compare(docs[a]!.name, docs[b]!.name) || (docs[a]!.code < docs[b]!.code ? -1 : 1));
    this.nameRank = new Int32Array(docs.length);
    byName.forEach((doc, rank) => (this.nameRank[doc] = rank));
    const n = docs.length;
    this.scratch = { score: new Float32Array(n), hits: new Uint8Array(n), where: new Uint8Array(n), best: new Float32Array(n) };
    this.departmentNames = new Map(docs.map((d) => [d.departmentCode, d.departmentName]));
    this.facetCodes = Object.fromEntries(FACETS.map((f) => {
      const values: string[] = [];
      const numbers = new Map<string, number>();
      const codes = Int32Array.from(docs, (d) => {
        const v = FACET_VALUE[f](d);
        if (v === null || v === '') return -1;
        let c = numbers.get(v);
        if (c === undefined) numbers.set(v, (c = values.push(v) - 1));
        return c;
      });
      return [f, { codes, values }];
    })) as Record<Facet, { codes: Int32Array; values: string[] }>;
  }

  static build(datasets: readonly Dataset[], opts: { now?: number } = {}): SearchIndex {
    return new SearchIndex([...datasets], opts.now ?? Date.now());
  }

  get size(): number {
    return this.docs.length;
  }

  get termCount(): number {
    return this.terms.length;
  }

  /** The terms a query word is looked up under: itself, and for a short Chinese word or any Latin word the terms it starts. */
  private expand(word: string): { term: string; prefix: boolean }[] {
    const out = this.postings.has(word) ? [{ term: word, prefix: false }] : [];
    const short = isCjk(word) ? word.length <= 2 : /^[a-z0-9_.-]+$/.test(word); // Latin: pinyin and codes
    if (short) for (const t of withPrefix(this.terms, word, MAX_EXPANSION)) if (t !== word) out.push({ term: t, prefix: true });
    return out;
  }

  /** Which entries an audience sees: worked out once per index and audience key (a few hundred keys at most: the departments). */
  private visibleTo(audience: Audience): { mask: Uint8Array; list: number[] } {
    let v = this.visible.get(audience.key);
    if (!v) {
      const mask = new Uint8Array(this.docs.length);
      const list: number[] = [];
      this.docs.forEach((d, i) => {
        if (audience.sees(d)) {
          mask[i] = 1;
          list.push(i);
        }
      });
      if (this.visible.size >= 1024) this.visible.clear();
      this.visible.set(audience.key, (v = { mask, list }));
    }
    return v;
  }

  search(query: SearchQuery, audience: Audience): SearchResult {
    const n = this.docs.length;
    const visible = this.visibleTo(audience);
    const allowed = audience.openFieldsOnly ? ALL & ~CLOSED_FIELDS : ALL;
    const words = queryTerms(query.q ?? '');
    // per entry: score, query words matched, where; the scratch arrays are zeroed again before returning
    const { score, hits, where, best } = this.scratch;
    const touched: number[] = [];
    let mode: SearchResult['mode'] = 'all';
    let candidates: number[] = [];
    try {
      if (!words.length) {
        candidates = visible.list;
      } else {
        for (const word of words) {
          const seen: number[] = [];
          for (const { term, prefix } of this.expand(word)) {
            const p = this.postings.get(term)!;
            const idf = Math.log(1 + n / (p.to - p.from)) * (prefix ? PREFIX_FACTOR : 1);
            for (let k = p.from; k < p.to; k++) {
              const i = this.postingEntries[k]!;
              const m = this.postingMasks[k]! & allowed;
              if (!m || !visible.mask[i]) continue;
              const s = idf * bestWeight[m]!;
              if (best[i] === 0) seen.push(i);
              if (s > best[i]!) best[i] = s;
              if (where[i] === 0) touched.push(i);
              where[i]! |= m;
            }
          }
          for (const i of seen) {
            score[i]! += best[i]!;
            hits[i]!++;
            best[i] = 0;
          }
        }
        candidates = touched.filter((i) => hits[i] === words.length);
        mode = 'and';
        if (!candidates.length) {
          mode = 'or';
          candidates = touched;
        }
      }
      // with query words: relevance times (1 + tie-breaker boost); without: the boost alone
      for (const i of candidates) score[i] = mode === 'all' ? this.boost[i]! : score[i]! * (1 + this.boost[i]!);
      const { matching, facets } = this.filterAndCount(candidates, query.filters ?? {});
      const sort = query.sort ?? 'relevance';
      const byName = (a: number, b: number) => this.nameRank[a]! - this.nameRank[b]!;
      matching.sort(
        sort === 'name' ? byName
          : sort === 'updated' ? (a, b) => this.updated[b]! - this.updated[a]! || byName(a, b)
          : (a, b) => score[b]! - score[a]! || byName(a, b),
      );
      const limit = Math.min(MAX_LIMIT, Math.max(1, Math.floor(query.limit ?? 20)));
      const offset = Math.max(0, Math.floor(query.offset ?? 0));
      const items = matching.slice(offset, offset + limit).map((i) => ({
        dataset: this.docs[i]!, score: Math.round(score[i]! * 10_000) / 10_000, matched: matchedNames[where[i]!]!,
      }));
      return { total: matching.length, limit, offset, mode, items, facets };
    } finally {
      for (const i of touched) score[i] = hits[i] = where[i] = best[i] = 0;
      if (mode === 'all') for (const i of candidates) score[i] = 0;
    }
  }

  /**
   * The candidates that pass every filter, and the facet counts: each facet counts the candidates
   * that pass every other facet's filter (disjunctive facets: choosing 公安 still shows 民政's count).
   * Facet values are numbered at build time, so counting is array arithmetic.
   */
  private filterAndCount(candidates: number[], filters: Partial<Record<Facet, string[]>>) {
    const active = FACETS.filter((f) => filters[f]?.length).map((f) => {
      const { codes, values } = this.facetCodes[f];
      const chosen = new Uint8Array(values.length);
      for (const v of filters[f]!) {
        const c = values.indexOf(v);
        if (c >= 0) chosen[c] = 1;
      }
      return { f: FACETS.indexOf(f), codes, chosen };
    });
    const columns = FACETS.map((f) => this.facetCodes[f].codes);
    const counts = FACETS.map((f) => new Int32Array(this.facetCodes[f].values.length));
    const matching: number[] = [];
    for (const i of candidates) {
      let failed = -1;
      let failures = 0;
      for (const a of active) {
        const c = a.codes[i]!;
        if (c < 0 || !a.chosen[c]) {
          failed = a.f;
          if (++failures > 1) break;
        }
      }
      if (failures === 0) {
        matching.push(i);
        for (let f = 0; f < columns.length; f++) {
          const c = columns[f]![i]!;
          if (c >= 0) counts[f]![c]!++;
        }
      } else if (failures === 1) {
        const c = columns[failed]![i]!;
        if (c >= 0) counts[failed]![c]!++;
      }
    }
    const facets = Object.fromEntries(FACETS.map((f, k) => {
      const { values } = this.facetCodes[f];
      const list: FacetCount[] = [];
      counts[k]!.forEach((count, c) => {
        if (!count) return;
        const value = values[c]!;
        const label = f === 'department' ? this.departmentNames.get(value) : FACET_LABELS[f]?.[value];
        list.push(label ? { value, label, count } : { value, count });
      });
      return [f, list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))];
    })) as Record<Facet, FacetCount[]>;
    return { matching, facets };
  }
}
