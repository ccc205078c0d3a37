/**
 * scanColumn: which kind of personal information one column holds, from its name, its title and a
 * sample of its values.
 *
 * Each kind's per-value test gives a match share over the non-blank sample; values already masked
 * by their system (138****5678) count for their kind. The name and title give a prior: a kind they
 * point to needs a smaller share (half the sample) than one they do not (three quarters), its
 * looser forms count too (a local number without area code, 出生年月, a pinyin name), and a kind
 * they rule out is not named (a 名称 column holds no person names; a column named as a code is
 * not taken for a passport or a plate on shape alone). Among the kinds that clear their bar the
 * best share wins, the prior adding a little; ties go to the kind with the stricter check. Dates
 * are births only when the name says so, or — for a column named nothing in particular — when
 * their spread looks like a population's births. Person names must also be mostly distinct (a
 * category column repeats its few values). Mobiles and landlines mixed in one contact column
 * clear the bar together.
 */
import { looksLikeBirthDates } from './birthDates.ts';
import { KIND_POLICY, PII_KINDS, type Level, type PiiKind } from './kinds.ts';
import { namePrior, type NamePrior } from './namePrior.ts';
import { asText, dateOnly, NAMED_MATCHERS, VALUE_MATCHERS } from './valueMatchers.ts';

export interface PiiColumn {
  name: string;
  title?: string;
  values: unknown[];
}

export interface PiiFinding {
  kind: PiiKind | null;
  /** 0..1: how sure the scanner is of `kind` (of "no personal information" when kind is null). */
  confidence: number;
  level: Level | null;
  /** Data element id (src/standards) to attach, when the platform has one. */
  element: string | null;
  /** Mask kind to apply when the field is shown masked. */
  mask: string | null;
  /** Why, in Chinese then English. */
  evidence: string;
  /** Sample values that pass the kind's test. */
  matched: number;
  /** Non-blank values looked at. */
  sampled: number;
}

/** At most this many non-blank values are tested. */
export const MAX_SAMPLE = 1000;
/** Share a kind needs when the name or title points to it, and when they do not. */
const BAR_WITH_PRIOR = 0.5;
const BAR_WITHOUT_PRIOR = 0.75;
/** What pointing to a kind adds to its share when kinds compete. */
const PRIOR_WEIGHT = 0.25;
/** A person-name column: at least this share of the matching values distinct. */
const MIN_DISTINCT_NAMES = 0.5;

// Kinds whose values have a shape but no check digit: a column named as some code (设备编号 of
// E-numbered devices, 订单号 …) is not taken for them on shape alone.
const FORMAT_ONLY = new Set<PiiKind>(['passport', 'licence_plate', 'landline']);

// Tie order: the kinds with the stricter per-value check first.
const SPECIFICITY: PiiKind[] = ['id_card', 'uscc', 'bank_card', 'passport', 'email', 'mobile', 'landline', 'licence_plate', 'birth_date', 'address', 'person_name'];

const CHECK_TEXT: Record<PiiKind, [string, string]> = {
  id_card: ['通过 GB 11643 校验（地区码、出生日期、校验码）或为脱敏身份证号', 'pass the GB 11643 check (area, birth date, check digit) or are masked ID numbers'],
  uscc: ['通过 GB 32100 校验码校验', 'pass the GB 32100 check character'],
  bank_card: ['为 16–19 位卡号且通过 Luhn 校验', 'are 16–19 digit card numbers passing Luhn'],
  passport: ['符合护照号格式', 'match a passport number form'],
  email: ['为电子邮箱地址', 'are email addresses'],
  mobile: ['为 1[3-9] 开头的 11 位手机号（含脱敏）', 'are 11-digit 1[3-9] mobile numbers (or masked ones)'],
  landline: ['为带区号的固定电话', 'are landline numbers with an area code'],
  licence_plate: ['符合机动车号牌格式', 'match the licence plate forms'],
  birth_date: ['为日期', 'are dates'],
  address: ['为具体到门牌、楼栋或村组的地址', 'are addresses down to the door, building or village group'],
  person_name: ['为中文姓名（常见姓氏 + 名）', 'are Chinese person names (a known surname and a given name)'],
};

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Non-blank values of the sample as text, at most MAX_SAMPLE of them. */
function sampleOf(values: unknown[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const t = asText(v);
    if (t !== null) out.push(t);
    if (out.length >= MAX_SAMPLE) break;
  }
  return out;
}

/** The per-value test of a kind for this column: the strict one, and the looser one when the name points to the kind. */
function testFor(kind: PiiKind, prior: NamePrior): (v: string) => boolean {
  const strict = VALUE_MATCHERS[kind];
  const named = prior.kinds.has(kind) ? NAMED_MATCHERS[kind] : undefined;
  return named ? (v: string) => strict(v) || named(v) : strict;
}

/** Whether a column of dates counts as births: named so, or unnamed and spread like births. */
function datesAreBirths(sample: string[], prior: NamePrior): boolean {
  if (prior.kinds.has('birth_date')) return true;
  if (prior.otherDate || prior.kinds.size > 0) return false;
  return looksLikeBirthDates(sample.map(dateOnly).filter((d): d is string => d !== null));
}

function namesAreDistinct(names: string[]): boolean {
  return names.length > 0 && new Set(names).size / names.length >= MIN_DISTINCT_NAMES;
}

interface Candidate {
  kind: PiiKind;
  matched: number;
  share: number;
  prior: boolean;
  /** The share is over its kind's bar. */
  clears: boolean;
}

/**
 * A contact column often mixes mobiles and landlines: together they clear the bar for the more
 * frequent of the two (no value is both: mobiles start with 1, area codes with 0).
 */
function mixedPhones(candidates: Candidate[]): void {
  const phones = candidates.filter((c) => c.kind === 'mobile' || c.kind === 'landline').sort((a, b) => b.share - a.share);
  if (phones.length < 2) return;
  const major = phones[0]!;
  major.clears ||= major.share + phones[1]!.share >= (major.prior ? BAR_WITH_PRIOR : BAR_WITHOUT_PRIOR);
}

/**
 * Every kind the column could be, with its share: kinds the name rules out, dates that are not
 * births and repeated category words are left out. Best first.
 */
function assess(sample: string[], prior: NamePrior): Candidate[] {
  const out: Candidate[] = [];
  for (const kind of PII_KINDS) {
    if (prior.excluded.has(kind)) continue;
    if (prior.codeName && FORMAT_ONLY.has(kind)) continue;
    const hits = sample.filter(testFor(kind, prior));
    if (hits.length === 0) continue;
    if (kind === 'birth_date' && !datesAreBirths(sample, prior)) continue;
    if (kind === 'person_name' && !namesAreDistinct(hits)) continue;
    const matched = hits.length;
    const share = matched / sample.length;
    const hasPrior = prior.kinds.has(kind);
    out.push({ kind, matched, share, prior: hasPrior, clears: share >= (hasPrior ? BAR_WITH_PRIOR : BAR_WITHOUT_PRIOR) });
  }
  mixedPhones(out);
  const score = (c: Candidate) => c.share + (c.prior ? PRIOR_WEIGHT : 0);
  return out.sort((a, b) => Number(b.clears) - Number(a.clears) || score(b) - score(a) || SPECIFICITY.indexOf(a.kind) - SPECIFICITY.indexOf(b.kind));
}

function priorText(prior: NamePrior, kind: PiiKind): [string, string] {
  if (!prior.kinds.has(kind) || prior.hints.length === 0) return ['', ''];
  const words = prior.hints.map((h) => `“${h}”`).join('、');
  return [`；列名/标题 ${words} 亦指${KIND_POLICY[kind].zh}`, `; the name/title ${prior.hints.map((h) => `"${h}"`).join(', ')} points to it too`];
}

function found(c: Candidate, sampled: number, prior: NamePrior): PiiFinding {
  const p = KIND_POLICY[c.kind];
  const [checkZh, checkEn] = CHECK_TEXT[c.kind];
  const [priorZh, priorEn] = priorText(prior, c.kind);
  const birthZh = c.kind === 'birth_date' && !c.prior ? '，且分布跨越数十年，像出生日期' : '';
  const birthEn = c.kind === 'birth_date' && !c.prior ? ', spread over decades like births' : '';
  return {
    kind: c.kind,
    confidence: round2(Math.min(0.99, c.share * (c.prior ? 1 : 0.85))),
    level: p.level,
    element: p.element,
    mask: p.mask,
    evidence: `${p.zh}：${c.matched}/${sampled} 个值${checkZh}${birthZh}${priorZh} · ${p.en}: ${c.matched}/${sampled} values ${checkEn}${birthEn}${priorEn}`,
    matched: c.matched,
    sampled,
  };
}

function nothing(sampled: number, near: Candidate | undefined): PiiFinding {
  const none = { kind: null, level: null, element: null, mask: null, matched: 0, sampled };
  if (sampled === 0) return { ...none, confidence: 0, evidence: '无非空样本值，无法判断 · no non-blank sample values to judge' };
  // The closest kind, to say how near the column came.
  const nearZh = near ? `；最接近的是${KIND_POLICY[near.kind].zh}（${Math.round(near.share * 100)}% 的值）` : '';
  const nearEn = near ? `; nearest: ${KIND_POLICY[near.kind].en} (${Math.round(near.share * 100)}% of values)` : '';
  return { ...none, confidence: round2(1 - (near?.share ?? 0)), evidence: `未发现个人信息${nearZh} · no personal information found${nearEn}` };
}

export function scanColumn(col: PiiColumn): PiiFinding {
  const prior = namePrior(col.name, col.title ?? '');
  const sample = sampleOf(col.values);
  const best = sample.length ? assess(sample, prior)[0] : undefined;
  return best?.clears ? found(best, sample.length, prior) : nothing(sample.length, best);
}
