/**
 * Text cleaning shared by every element, identical in TS and SQL:
 *  - full-width ASCII (U+FF01–U+FF5E, e.g. "１２３", "ＡＢ", "＠") becomes ASCII;
 *  - ideographic space U+3000 and no-break space U+00A0 become a plain space;
 *  - leading / trailing spaces, tabs, CR and LF are removed.
 */
import { macro, sqlString } from './sql.ts';

const FULL_FROM = Array.from({ length: 0xff5e - 0xff01 + 1 }, (_, i) => String.fromCharCode(0xff01 + i)).join('') + '\u3000\u00a0';
const FULL_TO = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join('') + '  ';

const FULL_RE = /[\uff01-\uff5e\u3000\u00a0]/g;
const EDGE_RE = /^[ \t\r\n]+|[ \t\r\n]+$/g;
const HAS_FULL_RE = /[\uff01-\uff5e\u3000\u00a0]/;

/** Fold full-width characters to ASCII without trimming. */
export function toHalfWidth(s: string): string {
  return s.replace(FULL_RE, (ch) => {
    const code = ch.charCodeAt(0);
    return code >= 0xff01 && code <= 0xff5e ? String.fromCharCode(code - 0xfee0) : ' ';
  });
}

/** Clean a raw cell value: full-width → ASCII, trim. `null` for null/undefined. */
export function cleanText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let s = typeof value === 'string' ? value : String(value);
  if (HAS_FULL_RE.test(s)) s = toHalfWidth(s);
  if (s.length === 0) return s;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  return isEdgeSpace(first) || isEdgeSpace(last) ? s.replace(EDGE_RE, '') : s;
}

function isEdgeSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** True for null, undefined or a value that is empty after cleaning. */
export function isBlank(value: unknown): boolean {
  const c = cleanText(value);
  return c === null || c === '';
}

/** Macro `std_clean(s)`: the SQL twin of `cleanText`. Input without multi-byte characters skips the translate (and the trim, when no edge is a space). */
export function cleanMacros(): string[] {
  const ws = `' ' || chr(9) || chr(10) || chr(13)`;
  // trim() with a character set is costly per value (about a fifth of an ID card check); plain
  // ASCII values (nearly all) are trimmed only when their first or last character is a space
  const edges = `[' ', chr(9), chr(10), chr(13)]`;
  return [
    macro(
      'std_clean',
      's',
      `CASE WHEN strlen(s) = length(s)
          THEN CASE WHEN list_contains(${edges}, s[1]) OR list_contains(${edges}, s[-1]) THEN trim(s, ${ws}) ELSE s END
        ELSE trim(translate(s, ${sqlString(FULL_FROM)}, ${sqlString(FULL_TO)}), ${ws}) END`,
    ),
  ];
}

let todayCache = { at: 0, iso: '' };

/** Local date today as YYYY-MM-DD (recomputed at most once a minute; validators call it per value). */
export function todayIso(): string {
  const now = Date.now();
  if (now - todayCache.at > 60_000) {
    const d = new Date(now);
    const p = (n: number) => String(n).padStart(2, '0');
    todayCache = { at: now, iso: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}` };
  }
  return todayCache.iso;
}
