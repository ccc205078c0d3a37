/**
 * Chinese personal names for linkage: simplified characters, surname and given name, toneless
 * pinyin, and a fuzzy key that folds the sounds and shapes clerks confuse, so that 张伟 / 張偉 /
 * 张玮 / 章伟 land on one key while 张伟 / 张强 do not.
 *
 * Pinyin and traditional → simplified conversion are costly per call; the caches below hold one
 * entry per character, so a million names cost a few thousand conversions.
 */
import { pinyin } from 'pinyin-pro';
import { toHalfWidth, toSimplified } from '../../standards/index.ts';

/** Two-character surnames (复姓) in use today; longest first is not needed — all have two characters. */
export const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕',
  '令狐', '端木', '独孤', '南宫', '西门', '百里', '呼延', '万俟', '申屠', '澹台', '太史', '闻人', '钟离', '赫连',
  '第五', '东郭', '公冶', '濮阳', '淳于', '单于', '公羊', '仲孙', '司空', '司寇', '亓官', '拓跋', '左丘', '梁丘',
]);

/**
 * Characters written for one another by their shape (形近字); each group maps to its first member.
 * Only pairs that occur in names or that OCR and hand-copying confuse.
 */
const SHAPE_GROUPS = [
  '己已巳', '未末', '戊戌戍', '土士', '日曰', '人入', '王玉', '千干', '天夭', '免兔', '拔拨', '侯候',
  '祟崇', '汩汨', '赢嬴', '刺剌', '晴睛', '准淮', '茶荼', '壶壸', '洒酒', '余佘', '刁刀', '田由甲申',
];
const SHAPE_KEY = new Map<string, string>();
for (const g of SHAPE_GROUPS) for (const ch of g.slice(1)) if (!SHAPE_KEY.has(ch)) SHAPE_KEY.set(ch, g[0]!);

/** The character standing for `ch`'s look-alike group. */
export function shapeKey(ch: string): string {
  return SHAPE_KEY.get(ch) ?? ch;
}

// Interpuncts of minority names (买买提·艾力), full stops typed instead, spaces of any width.
const NAME_NOISE_RE = /[\s·•・．.\u00b7\u2022\u30fb\u3000-]/g;

/** A name as linkage compares it: half-width, no spaces or interpuncts, simplified characters. Null when empty. */
export function cleanName(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const s = toSimplified(toHalfWidth(String(raw)).replace(NAME_NOISE_RE, ''));
  return s === '' ? null : s;
}

/** Surname and given name; a name of three or more characters starting with a compound surname keeps both characters. */
export function splitName(name: string): { surname: string; given: string } {
  const chars = [...name];
  const two = chars.length >= 3 && COMPOUND_SURNAMES.has(chars[0]! + chars[1]!);
  const n = two ? 2 : 1;
  return { surname: chars.slice(0, n).join(''), given: chars.slice(n).join('') };
}

const charPinyin = new Map<string, string>();
const surnamePinyin = new Map<string, string>();

/** Toneless pinyin of one character (its most common reading); the character itself when it has none. */
function pinyinOfChar(ch: string): string {
  let p = charPinyin.get(ch);
  if (p === undefined) {
    p = (pinyin(ch, { toneType: 'none', v: true }) || ch).toLowerCase();
    charPinyin.set(ch, p);
  }
  return p;
}

/** Toneless pinyin of a surname, read as a surname (单 shan, 曾 zeng, 仇 qiu), syllables space-separated. */
export function surnamePinyinOf(surname: string): string {
  let p = surnamePinyin.get(surname);
  if (p === undefined) {
    p = (pinyin(surname, { toneType: 'none', mode: 'surname', type: 'array', v: true }) as string[]).join(' ').toLowerCase();
    surnamePinyin.set(surname, p);
  }
  return p;
}

/** Toneless pinyin of a whole name, syllables separated by spaces: 张伟 → "zhang wei". */
export function namePinyin(name: string): string {
  const { surname, given } = splitName(name);
  const parts = [surnamePinyinOf(surname)];
  for (const ch of given) parts.push(pinyinOfChar(ch));
  return parts.join(' ');
}

/**
 * One syllable with the sounds southern speakers and hurried clerks merge folded together:
 * zh/z, ch/c, sh/s, n/l, f/h initials and -ng/-n finals.
 */
export function fuzzySyllable(py: string): string {
  let s = py;
  if (s.startsWith('zh') || s.startsWith('ch') || s.startsWith('sh')) s = s[0] + s.slice(2);
  else if (s[0] === 'n' && s.length > 1) s = 'l' + s.slice(1);
  else if (s[0] === 'f') s = 'h' + s.slice(1);
  if (s.endsWith('ang') || s.endsWith('eng') || s.endsWith('ing')) s = s.slice(0, -1);
  return s;
}

const fuzzyChar = new Map<string, string>();

/** The fuzzy key of a name: each character folded by shape, read, and the reading folded by sound. */
export function nameFuzzyKey(name: string): string {
  const { surname, given } = splitName(name);
  const parts = surnamePinyinOf(shapeKeyAll(surname)).split(' ').map(fuzzySyllable);
  for (const ch of given) {
    let k = fuzzyChar.get(ch);
    if (k === undefined) {
      k = fuzzySyllable(pinyinOfChar(shapeKey(ch)));
      fuzzyChar.set(ch, k);
    }
    parts.push(k);
  }
  return parts.join(' ');
}

function shapeKeyAll(s: string): string {
  let out = '';
  for (const ch of s) out += shapeKey(ch);
  return out;
}

/** Everything linkage derives from a name. */
export interface NameFeatures {
  name: string;
  surname: string;
  given: string;
  name_len: number;
  name_py: string;
  surname_py: string;
  name_fuzzy: string;
}

export function nameFeatures(raw: unknown): NameFeatures | null {
  const name = cleanName(raw);
  if (name === null) return null;
  const { surname, given } = splitName(name);
  return {
    name,
    surname,
    given,
    name_len: [...name].length,
    name_py: namePinyin(name),
    surname_py: surnamePinyinOf(surname),
    name_fuzzy: nameFuzzyKey(name),
  };
}
