/**
 * The terms of a citizen's message: jieba's words (precise cut, HMM on for names it does not know)
 * and the character bigrams of every run of Chinese characters, which catch what a wrong cut or a
 * typo hides. Text is NFKC-normalised (full-width letters and digits become ASCII) and lower-cased;
 * punctuation, spaces and bare numbers are no terms. Bigrams carry a leading '#' so that a bigram
 * and the two-character word it spells stay two features.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | undefined;
/** One segmenter per process, made on first use (loading the dictionary takes a moment). */
const segmenter = () => (jieba ??= Jieba.withDict(dict));

const WORDLIKE = /[\p{L}\p{N}]/u;
const NUMBER = /^[\p{N}.,%]+$/u;
const CJK_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2,}/g;

/** NFKC (skipped for plain ASCII and common CJK, which it leaves as they are) and lower case. */
const normalize = (s: string) => (/^[\u0000-\u007f\u4e00-\u9fff]*$/.test(s) ? s : s.normalize('NFKC')).toLowerCase();

/** Add the words of a text to `counts`, each `weight` times. */
function addWords(counts: Map<string, number>, text: string, weight: number): void {
  for (const w of segmenter().cut(normalize(text), true)) {
    const c = w.charCodeAt(0);
    if (c >= 0x4e00 && c <= 0x9fff) {
      counts.set(w, (counts.get(w) ?? 0) + weight); // a Chinese word, the common case: nothing to test
    } else {
      const t = w.trim();
      if (t && WORDLIKE.test(t) && !NUMBER.test(t)) counts.set(t, (counts.get(t) ?? 0) + weight);
    }
  }
}

/** Add the character bigrams of the Chinese runs of a text ('#' + two characters) to `counts`, each `weight` times. */
function addBigrams(counts: Map<string, number>, text: string, weight: number): void {
  for (const [run] of normalize(text).matchAll(CJK_RUN)) {
    for (let i = 0; i + 1 < run.length; i++) {
      const t = '#' + run.slice(i, i + 2);
      counts.set(t, (counts.get(t) ?? 0) + weight);
    }
  }
}

/**
 * Term counts of a message: the title's terms count `titleWeight` times each; of the text only the
 * first `textChars` characters count (0: all of it).
 */
export function termCounts(input: { title?: string; text: string }, titleWeight: number, textChars = 0): Map<string, number> {
  const counts = new Map<string, number>();
  const text = textChars > 0 ? (input.text ?? '').slice(0, textChars) : (input.text ?? '');
  addWords(counts, text, 1);
  addBigrams(counts, text, 1);
  if (input.title) {
    addWords(counts, input.title, titleWeight);
    addBigrams(counts, input.title, titleWeight);
  }
  return counts;
}

/** The distinct terms of a name (a taxonomy entry): its words and bigrams. */
export function nameTerms(name: string): string[] {
  const counts = new Map<string, number>();
  addWords(counts, name, 1);
  addBigrams(counts, name, 1);
  return [...counts.keys()];
}
