/**
 * Enterprise name normalisation (企业名称规范化).
 *
 * A registered name is 行政区划 + 字号 + 行业 + 组织形式 (e.g. 示范市 恒达 科技 有限公司), and the
 * departments write it in variants that name one enterprise: 有限责任公司 / 有限公司, full- or
 * half-width brackets, a region prefix present or absent or moved into brackets
 * (恒达科技（杭州）有限公司), （集团） with or without brackets, traditional characters. The
 * normalised name (`name_norm`) is the same for all of them; the parts are kept as features.
 *
 * A branch (分公司, 营业部, 分店, 办事处, 门市部 …) is not its head office: its branch part stays in
 * `name_norm` and in `branch`, so the head office and each branch keep distinct keys.
 */
import { cleanText, toSimplified } from '../../standards/index.ts';
import { leadingRegion, regionOf } from './regions.ts';

export interface NameFeatures {
  /** Normalised name without the place: core + industry + 集团 + form + branch part. */
  name_norm: string;
  /** Trade name (字号), e.g. 恒达. */
  core: string;
  /** Industry word (行业表述), e.g. 科技; '' when none is recognised. */
  industry: string;
  /** Organisation form, canonical (有限公司, 股份有限公司, 合伙企业 …); 个体工商户 for a name ending in 店 / 部 … without one; '' when none. */
  form: string;
  /** Branch part (e.g. 西湖分公司); '' for a head office or a stand-alone enterprise. */
  branch: string;
  /** Short name of the province / prefecture in the name (杭州); null when none. */
  region: string | null;
  /** County-level unit in the name (西湖区); null when none. */
  district: string | null;
  /** The name carries 集团. */
  group: boolean;
}

/** Organisation forms at the end of a name, longest first, with their canonical form. */
export const ORG_FORMS: ReadonlyArray<readonly [string, string]> = [
  ['股份有限公司', '股份有限公司'],
  ['有限责任公司', '有限公司'],
  ['有限公司', '有限公司'],
  ['(有限合伙)', '有限合伙企业'],
  ['(普通合伙)', '普通合伙企业'],
  ['(特殊普通合伙)', '普通合伙企业'],
  ['合伙企业', '合伙企业'],
  ['个人独资企业', '个人独资企业'],
  ['(个体工商户)', '个体工商户'],
  ['农民专业合作社', '农民专业合作社'],
  ['专业合作社', '农民专业合作社'],
  ['股份经济合作社', '股份经济合作社'],
  ['合作社', '合作社'],
  ['公司', '公司'],
];

/** Words after which what follows is a place of business of a 个体工商户 (no legal form in its name). */
const SHOP_WORDS = ['工作室', '店', '馆', '部', '坊', '铺'];

/** Branch suffixes: the part of the name from the head office's form to here is the branch. */
export const BRANCH_SUFFIXES = ['分公司', '营业部', '分店', '办事处', '门市部', '分厂', '分社', '经营部', '分理处', '支行', '分行', '分部', '服务部'];

/** Industry words (行业表述), longest first when matched. */
export const INDUSTRY_WORDS = [
  '信息技术', '网络科技', '环保科技', '教育科技', '生物科技', '智能科技', '电子科技', '科技', '技术', '软件', '信息',
  '电子商务', '商贸', '贸易', '进出口', '国际贸易', '实业', '投资', '控股', '投资管理', '资产管理', '企业管理', '管理咨询', '咨询',
  '建筑工程', '建筑', '工程', '建设', '装饰工程', '装饰', '房地产开发', '房地产', '置业', '物业管理', '物业', '餐饮管理', '餐饮',
  '服饰', '服装', '纺织', '印染', '机械制造', '机械', '设备', '新材料', '材料', '化工', '生物医药', '医药', '医疗器械', '文化传媒',
  '传媒', '文化', '广告', '物流', '运输', '供应链', '食品', '农业', '家居', '家具', '汽车服务', '汽车', '电子', '电器', '能源',
  '环保', '人力资源', '劳务', '教育', '旅游', '酒店管理', '酒店', '保安服务', '安防', '印务', '包装', '五金', '茶叶', '蔬菜',
  '水果', '竹笋', '蚕桑', '水产', '花卉', '便利店', '小吃店', '理发店', '五金店', '水果店', '服装店', '维修部', '早餐店',
].sort((a, b) => b.length - a.length);

const BRACKETS: Record<string, string> = { '（': '(', '）': ')', '【': '(', '】': ')', '〔': '(', '〕': ')', '[': '(', ']': ')', '［': '(', '］': ')', '｛': '(', '｝': ')' };

/** Half-width, simplified, no spaces, one kind of bracket: the text every later step reads. */
export function cleanChinese(raw: unknown): string {
  const s = cleanText(raw);
  if (!s) return '';
  return toSimplified(s)
    .replace(/[（）【】〔〕［］｛｝[\]]/g, (ch) => BRACKETS[ch] ?? ch)
    .replace(/[\s\u3000·•・.,，、"'“”‘’]/g, '');
}

function splitBranch(s: string): { head: string; branch: string } {
  const suffix = BRANCH_SUFFIXES.find((b) => s.endsWith(b) && s.length > b.length);
  if (!suffix) return { head: s, branch: '' };
  // the branch part starts after the head office's organisation form
  let cut = -1;
  for (const [form] of ORG_FORMS) {
    const at = s.lastIndexOf(form, s.length - suffix.length - 1);
    if (at >= 0 && at + form.length <= s.length - suffix.length) cut = Math.max(cut, at + form.length);
  }
  if (cut < 0) return suffix === '分公司' ? { head: s.slice(0, -suffix.length), branch: suffix } : { head: s, branch: '' };
  return { head: s.slice(0, cut), branch: s.slice(cut) };
}

/**
 * A branch part with place names in short form; a city before a district is dropped, so
 * 杭州市西湖区分公司 ≡ 西湖分公司 while 杭州分公司 and 宁波分公司 stay apart.
 */
function normalizeBranch(branch: string): string {
  let rest = branch;
  const places: string[] = [];
  let districtSeen = false;
  for (;;) {
    const r = leadingRegion(rest);
    if (!r) break;
    if (r.hit.district) {
      districtSeen = true;
      places.push(r.hit.district.replace(/(区|县|市)$/, ''));
    } else places.push('\u0000' + r.hit.region!);
    rest = rest.slice(r.name.length);
  }
  const kept = places.filter((p) => !(districtSeen && p.startsWith('\u0000'))).map((p) => p.replace('\u0000', ''));
  return kept.join('') + rest;
}

function splitForm(s: string): { rest: string; form: string; implicit: boolean } {
  for (const [suffix, form] of ORG_FORMS) {
    if (s.endsWith(suffix) && s.length > suffix.length) {
      let rest = s.slice(0, -suffix.length);
      // 合伙企业（有限合伙）: the bracket already says the form
      if (form.endsWith('合伙企业') && rest.endsWith('合伙企业')) rest = rest.slice(0, -4);
      return { rest, form, implicit: false };
    }
  }
  return { rest: s, form: SHOP_WORDS.some((w) => s.endsWith(w)) ? '个体工商户' : '', implicit: true };
}

function splitIndustry(s: string): { core: string; industry: string } {
  const word = INDUSTRY_WORDS.find((w) => s.endsWith(w) && s.length > w.length);
  return word ? { core: s.slice(0, -word.length), industry: word } : { core: s, industry: '' };
}

/** Normalise one enterprise name; null for a blank one. */
export function normalizeEnterpriseName(raw: unknown): NameFeatures | null {
  const s = cleanChinese(raw);
  if (!s) return null;
  let region: string | null = null;
  let district: string | null = null;
  const note = (hit: { region: string | null; district: string | null }) => {
    // 福建省厦门市: the later, more specific name wins
    region = hit.region ?? region;
    district = hit.district ?? district;
  };

  const { head, branch } = splitBranch(s);
  const split = splitForm(head);
  const form = split.form;
  let rest = split.rest;

  // place names and 中国 in brackets, wherever they stand; other bracketed words lose the brackets
  rest = rest.replace(/\(([^()]*)\)/g, (_, inner: string) => {
    const hit = regionOf(inner);
    if (hit) {
      note(hit);
      return '';
    }
    return inner === '中国' ? '' : inner;
  });

  const group = rest.endsWith('集团') && rest.length > 2;
  if (group) rest = rest.slice(0, -2);

  // leading place names, as long as a trade name remains (中山科技 keeps 中山)
  for (;;) {
    const r = leadingRegion(rest);
    if (!r) break;
    const after = rest.slice(r.name.length);
    if (after === '' || INDUSTRY_WORDS.includes(after)) break;
    note(r.hit);
    rest = after;
  }

  const { core, industry } = splitIndustry(rest);
  const branchNorm = branch ? normalizeBranch(branch) : '';
  return {
    name_norm: core + industry + (group ? '集团' : '') + (split.implicit ? '' : form) + branchNorm,
    core,
    industry,
    form,
    branch: branchNorm,
    region,
    district,
    group,
  };
}

/** Address with the province and city prefixes dropped and the county-level unit found. */
export function normalizeAddress(raw: unknown): { addr_norm: string; region: string | null; district: string | null } | null {
  let rest = cleanChinese(raw).replace(/[()]/g, '');
  if (!rest) return null;
  let region: string | null = null;
  let district: string | null = null;
  for (;;) {
    const r = leadingRegion(rest);
    if (!r) break;
    region ??= r.hit.region;
    if (r.hit.district) {
      district = r.hit.district;
      break; // the county stays in the address: it is the most telling part of it
    }
    rest = rest.slice(r.name.length);
  }
  return { addr_norm: rest, region, district };
}

/** A person's name as written by another clerk: simplified, no spaces or middle dots. */
export function normalizePersonName(raw: unknown): string | null {
  const s = cleanChinese(raw);
  return s === '' ? null : s;
}
