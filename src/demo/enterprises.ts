/**
 * A generated enterprise linkage set with exact truth (企业关联测试集).
 *
 * Enterprises of the demo city (示范市) as four departments hold them:
 *  - 市场监管 SC_QYDJ: the registered name, the USCC, legal representative, address, founding date;
 *  - 税务 SW_NSRDJ: taxpayer id as the USCC or the old 15-character form (area + organisation code);
 *  - 生态环境 HB_PWXK: the USCC or the old organisation code (`12345678-9`);
 *  - 人社 RS_SBCB: the employer's name as typed at enrolment, a USCC, an old registration number or no code.
 * Names come in their common variants (有限责任公司 / 有限公司, full / half-width brackets, the
 * city in front, in brackets or left out, （集团）, traditional characters, spaces, a mistyped
 * trade-name character) and codes in full-width, lower case or with spaces. Hard negatives are
 * enterprises of their own: branches (分公司) whose records sometimes carry the head office's code,
 * namesakes registered in another city (同名不同地) and the same trade name in another industry
 * (恒达科技 / 恒达贸易), often with the same legal representative.
 */
import { regNoCheckDigit, registerRegionName } from '../entity/index.ts';
import { loadRows, type StageRunner } from '../lake/index.ts';
import { toTraditional } from '../standards/index.ts';
import { CITY, DISTRICTS, ROADS } from './city.ts';
import { UsccIssuer, dayFromIso, isoFromDay, toFullWidth } from './ids.ts';
import { TYPO_PAIRS, drawGivenName, drawSurname } from './names.ts';
import { Prng } from './prng.ts';

/** One record as a department holds it (columns already mapped to these names). */
export interface RawEnterpriseRecord {
  rid: string;
  source: 'SC_QYDJ' | 'SW_NSRDJ' | 'HB_PWXK' | 'RS_SBCB';
  name: string;
  uscc: string | null;
  org_code: string | null;
  reg_no: string | null;
  taxpayer_id: string | null;
  legal_rep: string | null;
  address: string | null;
  established: string | null;
  /** Truth: the enterprise the record is about. */
  entity: string;
}

/** Why an enterprise was made: an ordinary one, or a hard negative of another. */
export type EnterpriseRole = 'plain' | 'branch' | 'namesake' | 'other_industry';

export interface TestEnterprise {
  eid: string;
  role: EnterpriseRole;
  /** For a hard negative: the enterprise it must not merge with. */
  of: string | null;
  uscc: string;
  regNo: string | null;
  name: string;
}

export interface EnterpriseTestSet {
  records: RawEnterpriseRecord[];
  enterprises: TestEnterprise[];
}

export const DEMO_CITY_SHORT = CITY.name.replace(/市$/, '');

/** The demo city is not in GB/T 2260 under its name: make the name normaliser know it. */
export function registerDemoCity(): void {
  registerRegionName(CITY.name, { short: DEMO_CITY_SHORT, level: 'region' });
}

const TRADE = '恒达盛华鑫瑞嘉汇通宏信诚兴泰博远创新安和永丰金银中天德立隆昌海峰云智聚源明辉'.split('');
const INDUSTRIES = ['科技', '网络科技', '贸易', '商贸', '建筑工程', '物业管理', '餐饮管理', '服饰', '机械制造', '新材料', '生物医药', '文化传媒', '物流', '环保科技', '食品', '家居', '汽车服务', '电子', '实业', '投资'];
const SHOPS = ['便利店', '小吃店', '理发店', '五金店', '水果店', '服装店', '维修部', '早餐店'];
const COOPS = ['茶叶', '蔬菜', '水果', '竹笋', '花卉'];
/** Other cities for namesakes: [name, short, a county-level area code there, a district]. */
const OTHER_CITIES: Array<[string, string, string, string]> = [
  ['宁波市', '宁波', '330203', '海曙区'], ['厦门市', '厦门', '350203', '思明区'], ['福州市', '福州', '350102', '鼓楼区'],
  ['苏州市', '苏州', '320508', '姑苏区'], ['温州市', '温州', '330302', '鹿城区'], ['合肥市', '合肥', '340104', '蜀山区'],
];

interface Draft {
  eid: string;
  role: EnterpriseRole;
  of: string | null;
  kind: '91' | '92' | '93';
  core: string;
  industry: string;
  /** Written form, e.g. 有限公司 (variants may write 有限责任公司). */
  form: string;
  group: boolean;
  /** City part of the registered name: [full, short]. */
  city: [string, string];
  /** District in the name (个体工商户, 合作社), full name. */
  nameDistrict: string | null;
  branch: string | null;
  headName: string | null;
  uscc: string;
  regNo: string | null;
  legalRep: string;
  address: string;
  cityAddress: string;
  founded: string;
  /** Code the branch's records use by mistake: the head office's USCC. */
  headUscc: string | null;
}

function registeredName(d: Draft): string {
  if (d.branch) return d.headName! + d.branch;
  if (d.kind === '92') return `${d.city[0]}${d.nameDistrict}${d.core}${d.industry}`;
  if (d.kind === '93') return `${d.city[0]}${d.nameDistrict}${d.core}${d.industry}专业合作社`;
  return `${d.city[0]}${d.core}${d.industry}${d.group ? '（集团）' : ''}${d.form}`;
}

/** A name as another clerk writes it. `messy` raises the odds of each variant. */
function variantName(rng: Prng, d: Draft, messy: number): string {
  if (d.branch) {
    // the head part varies like any company name; the branch part is kept
    return variantName(rng, { ...d, branch: null, headName: null }, messy) + d.branch;
  }
  let name: string;
  if (d.kind === '91') {
    const form = d.form === '有限公司' && rng.chance(0.4 * messy) ? '有限责任公司' : d.form;
    const group = d.group ? (rng.chance(0.5) ? '（集团）' : '集团') : '';
    const body = d.core + d.industry + group;
    // a namesake from another city is only known apart by its city: its clerks always write it
    const place = d.role === 'namesake' ? 0.2 * messy + rng.next() * 0.25 * messy : rng.next();
    const [open, close] = rng.chance(0.5) ? ['（', '）'] : ['(', ')'];
    if (place < 0.2 * messy) name = body + form; // no city
    else if (place < 0.35 * messy) name = `${d.core}${d.industry}${open}${rng.chance(0.5) ? d.city[1] : d.city[0]}${close}${group}${form}`;
    else if (place < 0.45 * messy) name = d.city[1] + body + form;
    else name = d.city[0] + body + form;
  } else {
    name = registeredName(d);
    if (rng.chance(0.3 * messy) && d.role !== 'namesake') name = name.replace(d.city[0], '');
  }
  if (rng.chance(0.05 * messy)) name = toTraditional(name);
  if (rng.chance(0.05 * messy)) name = name.replace(d.core, d.core + ' ');
  if (rng.chance(0.06 * messy)) {
    const chars = [...d.core];
    const i = chars.findIndex((c) => TYPO_PAIRS[c]);
    if (i >= 0) name = name.replace(d.core, chars.map((c, j) => (j === i ? TYPO_PAIRS[c]! : c)).join(''));
  }
  return name;
}

/** A code as a clerk types it: sometimes full-width, lower case, or with spaces. */
function typedCode(rng: Prng, code: string): string {
  const r = rng.next();
  if (r < 0.05) return toFullWidth(code);
  if (r < 0.08) return code.toLowerCase();
  if (r < 0.1) return code.slice(0, 6) + ' ' + code.slice(6);
  return code;
}

function variantAddress(rng: Prng, d: Draft): string {
  const r = rng.next();
  if (r < 0.3) return d.address.replace(d.cityAddress, '');
  if (r < 0.4) return d.address.replace(/\d+/, (n) => toFullWidth(n));
  return d.address;
}

function variantPerson(rng: Prng, name: string): string {
  if (rng.chance(0.04)) {
    const chars = [...name];
    const i = chars.findIndex((c, j) => j > 0 && TYPO_PAIRS[c]);
    if (i > 0) return chars.map((c, j) => (j === i ? TYPO_PAIRS[c]! : c)).join('');
  }
  return name;
}

/**
 * Generate the set: `enterprises` ordinary enterprises plus their hard negatives (about a
 * fifth as many), each held by one to four departments. Deterministic by seed.
 */
export function generateEnterpriseSet(opts: { enterprises: number; seed?: number }): EnterpriseTestSet {
  registerDemoCity();
  const rng = new Prng(opts.seed ?? 20261206);
  const issuer = new UsccIssuer();
  const drafts: Draft[] = [];
  const taken = new Set<string>();
  let regSeq = 0;
  const city: [string, string] = [CITY.name, DEMO_CITY_SHORT];

  const person = () => {
    const surname = drawSurname(rng);
    return surname + drawGivenName(rng, rng.chance(0.7), rng.between(1950, 1998));
  };
  const regNo = (area: string) => {
    const first14 = area + String(++regSeq).padStart(8, '0');
    return first14 + regNoCheckDigit(first14);
  };
  const place = (districtName: string, cityFull: string, streets: string[]) => {
    const cityAddress = cityFull;
    return { cityAddress, address: `${cityFull}${districtName}${rng.pick(streets)}${rng.pick(ROADS)}${rng.between(1, 999)}号` };
  };
  const newDraft = (base: Partial<Draft> & Pick<Draft, 'role' | 'of' | 'kind' | 'core' | 'industry' | 'form'>): Draft => {
    const district = rng.pick(DISTRICTS);
    const founded = isoFromDay(rng.between(dayFromIso('1996-01-01'), dayFromIso('2024-12-31')));
    const year = Number(founded.slice(0, 4));
    const where = place(district.name, CITY.name, district.streets);
    const d: Draft = {
      eid: 'E' + String(drafts.length + 1).padStart(6, '0'),
      group: false,
      city,
      nameDistrict: base.kind === '91' ? null : district.name,
      branch: null,
      headName: null,
      uscc: issuer.issue(rng, base.kind, district.code, year),
      regNo: year < 2015 ? regNo(district.code) : null,
      legalRep: person(),
      ...where,
      founded,
      headUscc: null,
      ...base,
    };
    drafts.push(d);
    return d;
  };

  for (let i = 0; i < opts.enterprises; i++) {
    const r = rng.next();
    const kind = r < 0.85 ? '91' : r < 0.95 ? '92' : '93';
    let core = '';
    let industry = '';
    for (let tries = 0; tries < 50; tries++) {
      core = kind === '92' ? person() : rng.pick(TRADE) + rng.pick(TRADE);
      industry = kind === '91' ? rng.pick(INDUSTRIES) : kind === '92' ? rng.pick(SHOPS) : rng.pick(COOPS);
      if (!taken.has(core + industry)) break;
    }
    taken.add(core + industry);
    const d = newDraft({ role: 'plain', of: null, kind, core, industry, form: kind === '91' ? (rng.chance(0.05) ? '股份有限公司' : '有限公司') : '', group: kind === '91' && rng.chance(0.03) });
    if (kind === '92') d.legalRep = core;
    if (kind !== '91') continue;

    const hard = rng.next();
    if (hard < 0.08) {
      // a branch: its own code and address, run by a manager, named after its head office
      const district = rng.pick(DISTRICTS);
      const b = newDraft({
        role: 'branch', of: d.eid, kind, core, industry, form: d.form, group: d.group,
        branch: `${district.name.replace(/(区|县|市)$/, '')}分公司`, headName: registeredName(d), headUscc: d.uscc, legalRep: rng.chance(0.3) ? d.legalRep : person(),
      });
      Object.assign(b, place(district.name, CITY.name, district.streets));
    } else if (hard < 0.14) {
      // the same name registered in another city
      const [full, short, area, districtName] = rng.pick(OTHER_CITIES);
      const n = newDraft({ role: 'namesake', of: d.eid, kind, core, industry, form: d.form, city: [full, short] });
      n.uscc = issuer.issue(rng, kind, area, Number(n.founded.slice(0, 4)));
      Object.assign(n, place(districtName, full, ['中山路', '人民路', '解放路']));
    } else if (hard < 0.2) {
      // the same trade name in another industry, often the same owner
      const other = rng.pick(INDUSTRIES.filter((x) => x !== industry && !taken.has(core + x)));
      taken.add(core + other);
      newDraft({ role: 'other_industry', of: d.eid, kind, core, industry: other, form: '有限公司', legalRep: rng.chance(0.5) ? d.legalRep : person() });
    }
  }

  const records: RawEnterpriseRecord[] = [];
  const add = (d: Draft, source: RawEnterpriseRecord['source'], fields: Partial<RawEnterpriseRecord>) => {
    records.push({
      rid: `${source}-${String(records.length + 1).padStart(7, '0')}`,
      source, name: '', uscc: null, org_code: null, reg_no: null, taxpayer_id: null, legal_rep: null, address: null, established: null,
      entity: d.eid, ...fields,
    });
  };
  const orgDashed = (uscc: string) => `${uscc.slice(8, 16)}-${uscc[16]}`;
  for (const d of drafts) {
    // a namesake is registered and insures its staff in its own city; here it pays tax or holds a permit
    const inCity = d.role !== 'namesake';
    if (inCity) {
      add(d, 'SC_QYDJ', { name: registeredName(d), uscc: typedCode(rng, d.uscc), legal_rep: d.legalRep, address: d.address, established: d.founded });
    }
    if (rng.chance(inCity ? 0.85 : 0.6)) {
      const t = rng.next();
      const taxpayer = t < 0.6 ? typedCode(rng, d.uscc) : t < 0.9 && d.kind !== '92' ? d.uscc.slice(2, 8) + d.uscc.slice(8, 17) : null;
      add(d, 'SW_NSRDJ', {
        name: variantName(rng, d, 0.6), taxpayer_id: taxpayer, legal_rep: variantPerson(rng, d.legalRep),
        address: rng.chance(0.8) ? variantAddress(rng, d) : null, established: rng.chance(0.7) ? d.founded : null,
      });
    }
    if (d.kind === '91' && rng.chance(inCity ? 0.35 : 0.6)) {
      const c = rng.next();
      const code = d.headUscc && rng.chance(0.3) ? d.headUscc : d.uscc;
      add(d, 'HB_PWXK', {
        name: variantName(rng, d, 0.8), uscc: c < 0.5 ? code : null, org_code: c >= 0.5 && c < 0.8 ? orgDashed(code) : null,
        legal_rep: rng.chance(0.6) ? variantPerson(rng, d.legalRep) : null, address: variantAddress(rng, d),
      });
    }
    if (inCity && d.kind !== '93' && rng.chance(0.6)) {
      const c = rng.next();
      const code = d.headUscc && rng.chance(0.3) ? d.headUscc : d.uscc;
      add(d, 'RS_SBCB', {
        name: variantName(rng, d, 1), uscc: c < 0.4 ? typedCode(rng, code) : null, reg_no: c >= 0.4 && c < 0.6 ? d.regNo : null,
        address: rng.chance(0.3) ? variantAddress(rng, d) : null,
      });
    }
  }
  const enterprises = drafts.map((d) => ({ eid: d.eid, role: d.role, of: d.of, uscc: d.uscc, regNo: d.regNo, name: registeredName(d) }));
  return { records, enterprises };
}

/** Columns of the raw records table (`entity` is the truth and stays out of the features). */
export const RAW_COLUMNS = ['rid', 'source', 'name', 'uscc', 'org_code', 'reg_no', 'taxpayer_id', 'legal_rep', 'address', 'established', 'entity'] as const;

/** Load the records into `table` (all VARCHAR). */
export async function loadEnterpriseSet(run: StageRunner, set: EnterpriseTestSet, table: string): Promise<void> {
  await loadRows(run, 'enterprise.testset.load', table, RAW_COLUMNS, set.records.map((r) => RAW_COLUMNS.map((c) => r[c])));
}
