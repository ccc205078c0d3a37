/**
 * Chinese text to search terms. jieba (@node-rs/jieba) cuts the text; the index takes every word of
 * its search mode (words inside longer compounds too: 城乡居民养老保险 gives 城乡, 居民, 城乡居民, 养老,
 * 保险, 养老保险), a query its precise cut, so each query word is a term of the texts that hold it.
 * Text is NFKC-normalised (full-width letters and digits become ASCII) and lower-cased.
 * Titles also get pinyin terms (pinyin-pro) for typing without an input method.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { pinyin } from 'pinyin-pro';

let jieba: Jieba | undefined;
/** One segmenter per process, made on first use (loading the dictionary takes a moment). */
const segmenter = () => (jieba ??= Jieba.withDict(dict));

/** A term holds a letter or digit: spaces and punctuation are no terms. */
const WORDLIKE = /[\p{L}\p{N}]/u;
const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g;
const CJK = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
/** Pinyin terms cover at most this many syllables from their start (long enough for any query). */
const PINYIN_SPAN = 12;

/** NFKC (skipped for plain ASCII and common CJK, which it leaves as they are) and lower case. */
export const normalize = (s: string) => (/^[\u0000-\u007f\u4e00-\u9fff]*$/.test(s) ? s : s.normalize('NFKC')).toLowerCase();

const keep = (words: string[]) => {
  const out = new Set<string>();
  for (const w of words) {
    const t = w.trim();
    if (t && WORDLIKE.test(t)) out.add(t);
  }
  return [...out];
};

/**
 * Terms of the texts seen lately (a rebuild after one edit cuts only the changed texts; field titles
 * repeat across entries). Emptied when full. Callers must not change the arrays it hands out.
 */
const memo = new Map<string, readonly string[]>();
const MEMO_SIZE = 200_000;
function remembered(key: string, make: () => string[]): readonly string[] {
  let terms = memo.get(key);
  if (!terms) {
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(key, (terms = make()));
  }
  return terms;
}

const NO_TERMS: readonly string[] = [];

/** The terms a text is indexed under: jieba's search-mode words, distinct. */
export function indexTerms(text: string | null | undefined): readonly string[] {
  return text ? remembered(`w${text}`, () => keep(segmenter().cutForSearch(normalize(text), true))) : NO_TERMS;
}

/** The terms of a query: jieba's precise cut, distinct. */
export function queryTerms(q: string): string[] {
  return keep(segmenter().cut(normalize(q), true));
}

/** Is the term Chinese (all CJK characters)? */
export const isCjk = (term: string) => CJK.test(term);

/**
 * Pinyin terms of a title: from the start of each word, the full pinyin of the following syllables
 * and their initials. 城乡居民养老保险 gives chengxiangjuminyanglaobaoxian and cxjmylbx (from 城),
 * yanglaobaoxian and ylbx (from 养老), … so that "ylbx" or "yanglao" find it by prefix.
 */
export function pinyinTerms(title: string): readonly string[] {
  return remembered(`p${title}`, () => titlePinyin(title));
}

function titlePinyin(title: string): string[] {
  const out = new Set<string>();
  for (const [run] of normalize(title).matchAll(CJK_RUN)) {
    const syllables = pinyin(run, { toneType: 'none', type: 'array', v: true });
    if (syllables.length !== run.length) continue; // not one syllable per character: leave it out rather than misalign
    const starts = new Set([0]);
    for (const w of segmenter().cutForSearch(run, true)) for (let at = run.indexOf(w); at >= 0; at = run.indexOf(w, at + 1)) starts.add(at);
    for (const s of starts) {
      const span = syllables.slice(s, s + PINYIN_SPAN);
      if (span.length < 2) continue;
      out.add(span.join(''));
      out.add(span.map((x) => x[0]).join(''));
    }
  }
  return [...out];
}
