import type { Dataset } from '../types.ts';
import { openRule } from '../openness.ts';
import { FACET_LABELS, FACET_VALUE, FACETS, type Facet, type FacetCount } from './facets.ts';
import { withPrefix } from './prefix.ts';
import { indexTerms, isCjk, pinyinTerms, queryTerms } from './tokenize.ts';
import type { Audience } from './visibility.ts';

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

interface Postings {
  docs: Int32Array;
  masks: Uint8Array;
}

/** Terms of a dataset and where each is found. */
function documentTerms(d: Dataset): Map<string, number> {
  const terms = new Map<string, number>();
  const add = (words: string[], bit: number) => {
    for (const w of words) terms.set(w, (terms.get(w) ?? 0) | bit);
  };
  add(indexTerms(d.name), TITLE);
  add([d.code.toLowerCase(), ...indexTerms(d.code)], CODE);
  add(pinyinTerms(d.name), PINYIN);
  for (const k of d.keywords) add([k.normalize('NFKC').toLowerCase(), ...indexTerms(k)], KEYWORDS);
  for (const f of d.fields) {
    const bit = openRule(f) === 'drop' ? CLOSED_FIELDS : FIELDS;
    add([f.name, ...indexTerms(f.title), ...indexTerms(f.element), ...indexTerms(f.description)], bit);
  }
  add(indexTerms(d.description), DESCRIPTION);
  return terms;
}

/**
 * An in-memory inverted index of catalog entries: term → (entry, where found). Built whole from a
 * list of datasets; a change means a new index (see CatalogSearch). Queries are answered for an
 * audience: only the entries it sees are matched, counted and returned.
 */
export class SearchIndex {
  private readonly postings = new Map<string, Postings>();
  /** Every term, sorted: the prefix index. */
  private readonly terms: string[];
  private readonly boost: Float32Array;
  private readonly updated: Float64Array;
  private readonly nameRank: Int32Array;
  private readonly facetValues: Record<Facet, (string | null)[]>;
  private readonly departmentNames: Map<string, string>;

  private constructor(private readonly docs: Dataset[], now: number) {
    const lists = new Map<string, number[]>();
    docs.forEach((d, i) => {
      for (const [t, mask] of documentTerms(d)) {
        const l = lists.get(t);
        if (l) l.push(i, mask);
        else lists.set(t, [i, mask]);
      }
    });
    for (const [t, l] of lists) {
      const n = l.length / 2;
      const p: Postings = { docs: new Int32Array(n), masks: new Uint8Array(n) };
      for (let k = 0; k < n; k++) {
        p.docs[k] = l[2 * k]!;
        p.masks[k] = l[2 * k + 1]!;
      }
      this.postings.set(t, p);
    }
    this.terms = [...lists.keys()].sort();
    this.updated = Float64Array.from(docs, (d) => Date.parse(d.dataUpdatedAt ?? d.updatedAt));
    this.boost = Float32Array.from(docs, (d, i) => {
      const ageDays = Math.max(0, (now - this.updated[i]!) / 86_400_000);
      return FRESH_BOOST * 0.5 ** (ageDays / HALF_LIFE_DAYS) + QUALITY_BOOST * Math.min(1, Math.max(0, (d.quality ?? 0) / 100));
    });
    const collator = new Intl.Collator('zh-CN');
    const byName = docs.map((_, i) => i).sort((a, b) => collator.compare(docs[a]!.name, docs[b]!.name) || (docs[a]!.code < docs[b]!.code ? -1 : 1));
    this.nameRank = new Int32Array(docs.length);
    byName.forEach((doc, rank) => (this.nameRank[doc] = rank));
    this.departmentNames = new Map(docs.map((d) => [d.departmentCode, d.departmentName]));
    this.facetValues = Object.fromEntries(FACETS.map((f) => [f, docs.map(FACET_VALUE[f])])) as Record<Facet, (string | null)[]>;
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
    const short = isCjk(word) ? word.length <= 2 : /^[a-z0-9]+$/.test(word);
    if (short) for (const t of withPrefix(this.terms, word, MAX_EXPANSION)) if (t !== word) out.push({ term: t, prefix: true });
    return out;
  }

  search(query: SearchQuery, audience: Audience): SearchResult {
    const n = this.docs.length;
    const visible = new Uint8Array(n);
    for (let i = 0; i < n; i++) visible[i] = audience.sees(this.docs[i]!) ? 1 : 0;
    const allowed = audience.openFieldsOnly ? ALL & ~CLOSED_FIELDS : ALL;
    const words = queryTerms(query.q ?? '');
    const score = new Float32Array(n);
    const where = new Uint8Array(n);
    const hits = new Uint8Array(n);
    let mode: SearchResult['mode'] = 'all';
    let candidates: number[] = [];
    if (!words.length) {
      for (let i = 0; i < n; i++) if (visible[i]) candidates.push(i);
    } else {
      const best = new Float32Array(n);
      for (const word of words) {
        const touched: number[] = [];
        for (const { term, prefix } of this.expand(word)) {
          const p = this.postings.get(term)!;
          const idf = Math.log(1 + n / p.docs.length) * (prefix ? PREFIX_FACTOR : 1);
          for (let k = 0; k < p.docs.length; k++) {
            const i = p.docs[k]!;
            const m = p.masks[k]! & allowed;
            if (!m || !visible[i]) continue;
            const s = idf * bestWeight[m]!;
            if (best[i] === 0) touched.push(i);
            if (s > best[i]!) best[i] = s;
            where[i]! |= m;
          }
        }
        for (const i of touched) {
          score[i]! += best[i]!;
          hits[i]!++;
          best[i] = 0;
        }
      }
      const all = words.length;
      for (let i = 0; i < n; i++) if (hits[i] === all) candidates.push(i);
      mode = 'and';
      if (!candidates.length) {
        mode = 'or';
        for (let i = 0; i < n; i++) if (hits[i]) candidates.push(i);
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
  }

  /**
   * The candidates that pass every filter, and the facet counts: each facet counts the candidates
   * that pass every other facet's filter (disjunctive facets: choosing 公安 still shows 民政's count).
   */
  private filterAndCount(candidates: number[], filters: Partial<Record<Facet, string[]>>) {
    const active = FACETS.filter((f) => filters[f]?.length).map((f) => ({ f, values: new Set(filters[f]), of: this.facetValues[f] }));
    const counts = Object.fromEntries(FACETS.map((f) => [f, new Map<string, number>()])) as Record<Facet, Map<string, number>>;
    const count = (f: Facet, i: number) => {
      const v = this.facetValues[f][i];
      if (v !== null && v !== undefined && v !== '') counts[f].set(v, (counts[f].get(v) ?? 0) + 1);
    };
    const matching: number[] = [];
    for (const i of candidates) {
      let failed: Facet | null = null;
      let failures = 0;
      for (const a of active) {
        if (!a.values.has(a.of[i] ?? '')) {
          failed = a.f;
          if (++failures > 1) break;
        }
      }
      if (failures === 0) {
        matching.push(i);
        for (const f of FACETS) count(f, i);
      } else if (failures === 1) count(failed!, i);
    }
    const facets = Object.fromEntries(FACETS.map((f) => [f, [...counts[f]]
      .map(([value, c]): FacetCount => {
        const label = f === 'department' ? this.departmentNames.get(value) : FACET_LABELS[f]?.[value];
        return label ? { value, label, count: c } : { value, count: c };
      })
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))])) as Record<Facet, FacetCount[]>;
    return { matching, facets };
  }
}
