/**
 * Traditional and simplified Chinese characters (OpenCC, shipped with the app: nothing is fetched).
 * Department records from Hong Kong, Macao or Taiwan registrations, or typed by an old system, hold
 * traditional forms; comparisons are made on simplified text.
 */
import * as OpenCC from 'opencc-js';

let t2s: ((s: string) => string) | null = null;
let s2t: ((s: string) => string) | null = null;
/** Characters OpenCC leaves as they are (nearly all of a simplified text): such text skips the converter. */
const alreadySimplified = new Map<number, boolean>();

/** Traditional → simplified (Taiwan and Hong Kong forms included); simplified text comes back as it is, fast. */
export function toSimplified(s: string): string {
  const convert = (t2s ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  let clean = true;
  for (let i = 0; i < s.length && clean; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x2e80) continue;
    let same = alreadySimplified.get(c);
    if (same === undefined) {
      const ch = String.fromCharCode(c);
      same = convert(ch) === ch;
      alreadySimplified.set(c, same);
    }
    clean = same;
  }
  // phrase-level conversion (乾隆 vs 干净) needs the whole text, so any changed character sends it all
  return clean ? s : convert(s);
}

/** Simplified → traditional (to write test data as a Hong Kong or Taiwan clerk would). */
export function toTraditional(s: string): string {
  return (s2t ??= OpenCC.Converter({ from: 'cn', to: 't' }))(s);
}
