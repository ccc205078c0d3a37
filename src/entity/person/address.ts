/**
 * Chinese addresses cut into the levels linkage compares: 省 / 市 / 区县 / 街道·镇·乡 / 社区·村 /
 * 路·街·巷 + 号 / the rest (幢, 单元, 室). Written forms are folded first: full-width digits,
 * traditional characters (號 → 号, 區 → 区), 〇 used as a zero, 栋 for 幢, spaces.
 *
 * A district written without its city (上城区…) or a county-level city standing alone (建德市…) is
 * told apart from a prefecture city by the GB/T 2260 names: a 市 that is a county-level name is
 * the district.
 */
import { listAreas, toHalfWidth, toSimplified } from '../../standards/index.ts';

export interface ParsedAddress {
  province: string | null;
  city: string | null;
  /** 区 / 县 / county-level 市 / 旗. */
  district: string | null;
  /** 街道 / 镇 / 乡. */
  street: string | null;
  /** 社区 / 村 when written, else road + door number (门牌): the smallest place shared by neighbours. */
  community: string | null;
  road: string | null;
  /** Door number, e.g. "12号". */
  number: string | null;
  /** The address from the district down, in one written form: comparable across departments. */
  norm: string | null;
}

// A level's name never holds a character that ends a higher level or a road, so "市心路" after a
// district is not a city, while lower levels may hold 市 and 区 ("米市巷街道", "翠苑一区社区").
const PROVINCE_RE = /^([^省市区县]{2,7}?(?:省|自治区|特别行政区))/;
const CITY_RE = /^([^省市区县旗街道镇乡村路号]{2,7}?(?:市|自治州|地区|盟))/;
const DISTRICT_RE = /^([^省市区县旗街道镇乡村路号]{2,7}?(?:区|县|市|旗))/;
const STREET_RE = /^([^省县旗街道镇乡村路号]{2,8}?(?:街道|镇|乡))/;
const COMMUNITY_RE = /^([^省县旗街道镇乡村路号]{1,8}?(?:社区|村))/;
const ROAD_RE = /^(.{1,10}?(?:大道|路|街|巷|弄|胡同))/;
const NUMBER_RE = /^(\d+(?:-\d+)?号)/;

let countyNames: Set<string> | null = null;

/** GB/T 2260 county-level names (区, 县, 县级市 …), past and present. */
function isCountyName(name: string): boolean {
  if (!countyNames) {
    countyNames = new Set();
    for (const a of listAreas()) if (!a.code.endsWith('00')) countyNames.add(a.name);
  }
  return countyNames.has(name);
}

/** Written forms folded: half-width, simplified, no spaces, 〇 between or beside digits → 0, 栋 → 幢. */
export function foldAddress(raw: string): string {
  let s = toSimplified(toHalfWidth(raw)).replace(/\s+/g, '');
  if (s.includes('〇')) s = s.replace(/〇(?=[\d〇])|(?<=\d)〇/g, '0').replace(/〇(?=[号幢单室])/g, '0');
  return s.replace(/栋/g, '幢').replace(/([\d]+)室?$/, (m, d: string) => `${d}室`);
}

/** Parse one address; null fields where a level is not written. */
export function parseAddress(raw: unknown): ParsedAddress {
  const empty: ParsedAddress = { province: null, city: null, district: null, street: null, community: null, road: null, number: null, norm: null };
  if (raw === null || raw === undefined) return empty;
  let s = foldAddress(String(raw));
  if (s === '') return empty;
  const take = (re: RegExp): string | null => {
    const m = re.exec(s);
    if (!m) return null;
    s = s.slice(m[1]!.length);
    return m[1]!;
  };
  const out: ParsedAddress = { ...empty };
  out.province = take(PROVINCE_RE);
  out.city = take(CITY_RE);
  out.district = take(DISTRICT_RE);
  if (out.city && !out.district && isCountyName(out.city)) {
    out.district = out.city;
    out.city = null;
  }
  out.street = take(STREET_RE);
  const community = take(COMMUNITY_RE);
  out.road = take(ROAD_RE);
  out.number = out.road ? take(NUMBER_RE) : null;
  out.community = community ?? (out.road && out.number ? out.road + out.number : null);
  const norm = [out.district, out.street, community, out.road, out.number, s].filter(Boolean).join('');
  out.norm = norm === '' ? null : norm;
  return out;
}
