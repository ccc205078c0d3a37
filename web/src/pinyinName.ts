// A field name (lower-case letters, digits, _) suggested from a Chinese title by its pinyin:
// 身份证号 → shen_fen_zheng_hao, or by initials → sfzh. pinyin-pro is loaded on first use.
const NAME_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Make any text a valid field name: lower case, `_` between words, no leading digit, at most 63 characters. */
export function toFieldName(words: string[]): string {
  let s = words.join('_').toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_|_$/g, '');
  if (/^[0-9]/.test(s)) s = `f_${s}`;
  s = s.slice(0, 63).replace(/_$/, '');
  return NAME_RE.test(s) ? s : '';
}

export interface NameSuggestion {
  /** Full pinyin, syllables joined by `_`: shen_fen_zheng_hao. */
  full: string;
  /** Initials: sfzh. */
  initials: string;
}

/** Suggested names for a title with Chinese characters (null for a title without any). */
export async function suggestFieldName(title: string): Promise<NameSuggestion | null> {
  if (!/\p{Script=Han}/u.test(title)) return null;
  const { pinyin } = await import('pinyin-pro');
  const full = toFieldName(pinyin(title, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }));
  const initials = toFieldName([pinyin(title, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive' }).join('')]);
  return full ? { full, initials: initials || full } : null;
}
