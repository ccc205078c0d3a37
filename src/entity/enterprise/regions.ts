/**
 * Place names that open an enterprise name or an address (企业名称中的行政区划).
 *
 * A name is 行政区划 + 字号 + 行业 + 组织形式, and clerks write the first part in full
 * (浙江省杭州市), short (杭州), in brackets after the trade name (恒达科技（杭州）有限公司) or
 * not at all. The table is GB/T 2260 (codes in force): provinces and prefectures in full and
 * short form, county-level units in full form (and short form for county-level cities, as in
 * 义乌XX贸易). Local names that GB/T 2260 does not know (a renamed city, the demo city) are
 * added with `registerRegionName`.
 */
import { listAreas } from '../../standards/index.ts';

export interface RegionHit {
  /** Short name of the province or prefecture, e.g. 杭州; null for a county-level name. */
  region: string | null;
  /** Full name of the county-level unit, e.g. 西湖区; null above county level. */
  district: string | null;
}

const NAMES = new Map<string, RegionHit>();
let prefixRe: RegExp | null = null;

const PROVINCE_SUFFIX = /(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$/;
const PREFECTURE_SUFFIX = /(市|地区|盟)$/;

function add(name: string, hit: RegionHit): void {
  // the first meaning of a name wins: provinces and prefectures are added before counties
  if (name.length >= 2 && !NAMES.has(name)) NAMES.set(name, hit);
  prefixRe = null;
}

function build(): void {
  for (const a of listAreas({ currentOnly: true })) {
    if (a.name.includes('-') || a.name === '市辖区' || a.name === '县') continue;
    if (a.code.endsWith('0000')) {
      const short = a.name.replace(PROVINCE_SUFFIX, '');
      add(a.name, { region: short, district: null });
      add(short, { region: short, district: null });
    }
  }
  for (const a of listAreas({ currentOnly: true })) {
    if (a.name.includes('-') || a.name === '市辖区' || a.name === '县') continue;
    if (a.code.endsWith('00') && !a.code.endsWith('0000')) {
      const short = PREFECTURE_SUFFIX.test(a.name) ? a.name.replace(PREFECTURE_SUFFIX, '') : a.name;
      add(a.name, { region: short, district: null });
      add(short, { region: short, district: null });
    }
  }
  for (const a of listAreas({ currentOnly: true })) {
    if (a.code.endsWith('00') || a.name === '市辖区') continue;
    add(a.name, { region: null, district: a.name });
    if (a.name.endsWith('市')) add(a.name.slice(0, -1), { region: null, district: a.name });
  }
}
build();

/**
 * Add a local place name (e.g. a city not in GB/T 2260 under that name). `short` is also
 * recognised; for a county-level name `district` is the full name.
 */
export function registerRegionName(name: string, opts: { short?: string; level: 'region' | 'district' }): void {
  const hit: RegionHit = opts.level === 'region' ? { region: opts.short ?? name, district: null } : { region: null, district: name };
  NAMES.delete(name);
  add(name, hit);
  if (opts.short) {
    NAMES.delete(opts.short);
    add(opts.short, hit);
  }
}

/** What a place name means, or undefined when it is not one. */
export function regionOf(name: string): RegionHit | undefined {
  return NAMES.get(name);
}

/** The longest place name at the start of `s`, or null. */
export function leadingRegion(s: string): { name: string; hit: RegionHit } | null {
  if (!prefixRe) {
    const all = [...NAMES.keys()].sort((a, b) => b.length - a.length);
    prefixRe = new RegExp(`^(?:${all.join('|')})`);
  }
  const m = prefixRe.exec(s);
  return m ? { name: m[0], hit: NAMES.get(m[0])! } : null;
}
