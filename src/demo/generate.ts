/**
 * generateCity: a deterministic synthetic city (示范市) — its people, households, houses and
 * enterprises, as the departments' own files with realistic defects — plus a manifest that
 * records the ground truth of every defect and the true entity behind every row.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CITY, DISTRICTS, ROADS, migrantOrigins, type District } from './city.ts';
import { COLLIDE_DATASETS, CollisionPlanter, repairableOnly, type DemoRuleCode, type EnterprisePlan } from './collide.ts';
import { DEFAULT_RATES, type DefectKind, type DefectRates, type RowDefect } from './defects.ts';
import { DEPARTMENTS, FILE_FORMATS, type DemoDataset, type DemoDepartment } from './departments.ts';
import { UsccIssuer, dayFromIso, isoFromDay } from './ids.ts';
import { DatasetWriter, TextSink, csvLine } from './output.ts';
import { Population, REFERENCE_DATE, REFERENCE_DAY, type Household, type Person } from './people.ts';
import { Prng } from './prng.ts';

export interface GenerateCityOptions {
  seed?: number;
  people?: number;
  outDir: string;
  /** Override defect rates (see DEFAULT_RATES). */
  rates?: Partial<DefectRates>;
}

export interface DemoFileManifest {
  /** Relative to outDir, with forward slashes. */
  path: string;
  /** Ground-truth sidecar (CSV: row,entity_id,entity_id2,rejected,defects), relative to outDir. */
  truthPath: string;
  department: string;
  dataset: string;
  format: 'csv' | 'ndjson';
  encoding: 'utf-8' | 'gbk';
  bom: boolean;
  /** CSV only: the first line holds the field names. */
  header: boolean;
  delimiter: ',';
  rowCount: number;
  expectedRejected: number;
  expectedAccepted: number;
  duplicateRows: number;
  defectCounts: Partial<Record<DefectKind, number>>;
  /** Every corrupted row: row number (1-based data row), field, defect kind, verdict. */
  defects: RowDefect[];
}

export interface CityManifest {
  version: 1;
  seed: number;
  people: number;
  households: number;
  enterprises: number;
  referenceDate: string;
  rates: DefectRates;
  city: { name: string; nameEn: string; regionCode: string; basedOn: string; districts: Array<{ code: string; name: string }> };
  departments: DemoDepartment[];
  files: DemoFileManifest[];
  /** Clean registers of the true entities, and the cases of the demo collision rules (relative to outDir). */
  truth: { people: string; enterprises: string; planted: string };
  /** What each demo collision rule must find: its key values, sorted (the roles of every key are in truth/planted.json). */
  planted: Record<DemoRuleCode, string[]>;
  totals: { rows: number; expectedRejected: number; expectedAccepted: number; defectCounts: Partial<Record<DefectKind, number>> };
  outDir: string;
}

interface Enterprise {
  eid: string;
  uscc: string;
  name: string;
  kind: '91' | '92' | '93';
  type: string;
  industry: string;
  legal: Person;
  district: District;
  address: string;
  founded: string;
  capital: number;
  status: string;
}

const TRADE_NAMES = '恒达盛华鑫瑞嘉汇通宏信诚兴泰博远创新安和永丰金银中天德立隆昌海峰云智聚源明辉'.split('');
const INDUSTRIES: Array<[string, string]> = [
  ['科技', '软件和信息技术服务业'], ['网络科技', '互联网和相关服务'], ['电子商务', '零售业'], ['贸易', '批发业'],
  ['建筑工程', '房屋建筑业'], ['物业管理', '房地产业'], ['餐饮管理', '餐饮业'], ['服饰', '纺织服装、服饰业'],
  ['机械制造', '通用设备制造业'], ['新材料', '化学原料和化学制品制造业'], ['生物医药', '医药制造业'], ['文化传媒', '文化艺术业'],
  ['物流', '道路运输业'], ['环保科技', '生态保护和环境治理业'], ['食品', '食品制造业'], ['家居', '家具制造业'],
  ['汽车服务', '机动车、电子产品和日用产品修理业'], ['教育科技', '教育'], ['印染', '纺织业'], ['电子', '计算机、通信和其他电子设备制造业'],
];
const MANUFACTURING = new Set(['通用设备制造业', '化学原料和化学制品制造业', '医药制造业', '食品制造业', '家具制造业', '纺织业', '计算机、通信和其他电子设备制造业', '纺织服装、服饰业']);
const SHOPS = ['便利店', '小吃店', '理发店', '五金店', '水果店', '服装店', '维修部', '早餐店'];
const COOP_PRODUCTS = ['茶叶', '蔬菜', '水果', '竹笋', '蚕桑', '水产', '花卉'];
const VACCINES_CHILD = ['乙肝疫苗', '卡介苗', '脊灰疫苗', '百白破疫苗', '麻腮风疫苗', '乙脑疫苗', 'A群流脑疫苗', '甲肝疫苗', '水痘疫苗'];
const CASE_TYPES = ['占道经营', '乱堆物料', '违规户外广告', '暴露垃圾', '道路破损', '井盖缺失', '违章搭建', '乱张贴', '共享单车乱停放', '噪声扰民'];
const HOSPITALS = ['示范市妇产科医院', '示范市第一人民医院', '示范市儿童医院', '示范市中医院'];
const DISABILITY = ['视力残疾', '听力残疾', '言语残疾', '肢体残疾', '智力残疾', '精神残疾', '多重残疾'];
const GRADES = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级', '九年级', '高一', '高二', '高三'];
const TRANSPORT = ['道路旅客运输驾驶员', '道路货物运输驾驶员', '出租汽车驾驶员', '网络预约出租汽车驾驶员'];

const short = (d: District) => d.name.replace(/[区县市]$/, '');
const sex = (p: Person) => (p.male ? '男' : '女');

/** A random day in [fromDay, toDay] as ISO. */
function dayBetween(rng: Prng, fromDay: number, toDay: number): string {
  const lo = Math.min(fromDay, toDay);
  return isoFromDay(lo + rng.int(Math.max(toDay, fromDay) - lo + 1));
}

function ageDay(p: Person, years: number): number {
  return dayFromIso(p.birthDate) + Math.floor(years * 365.2425);
}

export async function generateCity(options: GenerateCityOptions): Promise<CityManifest> {
  const seed = options.seed ?? 42;
  const target = options.people ?? 2000;
  if (!Number.isInteger(target) || target < 1) throw new RangeError('people must be a positive integer');
  const outDir = resolve(options.outDir);
  const rates: DefectRates = { ...DEFAULT_RATES, ...options.rates };

  await mkdir(join(outDir, 'truth'), { recursive: true });
  for (const d of DEPARTMENTS) await mkdir(join(outDir, 'data', d.code), { recursive: true });

  const writers = new Map<string, DatasetWriter>();
  const files: Array<Omit<DemoFileManifest, 'rowCount' | 'expectedRejected' | 'expectedAccepted' | 'duplicateRows' | 'defectCounts' | 'defects'>> = [];
  for (const d of DEPARTMENTS) {
    for (const ds of d.datasets) {
      const fmt = FILE_FORMATS[ds.code] ?? { format: 'csv' as const, encoding: 'utf-8' as const, bom: false };
      const path = `data/${d.code}/${ds.code}.${fmt.format === 'csv' ? 'csv' : 'ndjson'}`;
      const truthPath = `truth/${ds.code}.truth.csv`;
      const dsRates = COLLIDE_DATASETS.has(ds.code) ? repairableOnly(rates) : rates;
      writers.set(ds.code, new DatasetWriter(ds, fmt, join(outDir, path), join(outDir, truthPath), dsRates, seed));
      files.push({ path, truthPath, department: d.code, dataset: ds.code, format: fmt.format, encoding: fmt.encoding, bom: fmt.bom, header: fmt.format === 'csv', delimiter: ',' });
    }
  }
  const w = (code: string) => writers.get(code)!;

  const peopleSink = new TextSink(join(outDir, 'truth', 'people.csv'));
  peopleSink.write('person_id,id_number,name,sex,birth_date,ethnicity,district_code,household_id,relation,address,mobile,employer_uscc\n');
  const entSink = new TextSink(join(outDir, 'truth', 'enterprises.csv'));
  entSink.write('enterprise_id,uscc,name,legal_person_id,district_code,founded\n');

  const rng = new Prng(seed * 7919 + 17);
  const cityRng = rng;
  const enterprises: Enterprise[] = [];
  const usccIssuer = new UsccIssuer();
  const pop = new Population({
    seed,
    migrantOrigins: migrantOrigins(new Prng(seed ^ 0x0121), 40),
    pickEmployer: (r) => {
      if (enterprises.length === 0) return null;
      const e = enterprises[r.int(enterprises.length)]!;
      return e.kind === '91' ? [e.uscc, e.name] : null;
    },
  });
  const seq = { house: 0, homestead: 0, case: 0, vaccine: 0, dibao: 0, marriage: 0, birth: 0, transport: 0 };
  const names = new Set<string>();

  /** A new enterprise with `p` as legal person; `plan` (the collision planter's) fixes its kind and industry and brings its own draws. */
  const newEnterprise = (p: Person, plan?: EnterprisePlan): Enterprise => {
    const rng = plan?.rng ?? cityRng;
    const h = p.household;
    const r = plan ? 0 : rng.next();
    const kind: Enterprise['kind'] = plan?.kind ?? (r < 0.85 ? '91' : r < 0.95 ? '92' : '93');
    const founded = dayBetween(rng, Math.max(ageDay(p, 22), dayFromIso('1992-01-01')), REFERENCE_DAY - 30);
    const [word, industry] = plan?.industry ?? rng.pick(INDUSTRIES);
    let name: string;
    let type: string;
    if (kind === '92') {
      name = `${CITY.name}${h.district.name}${p.name}${rng.pick(plan?.shops ?? SHOPS)}`;
      type = '个体工商户';
    } else if (kind === '93') {
      name = `${CITY.name}${h.district.name}${rng.pick(TRADE_NAMES)}${rng.pick(TRADE_NAMES)}${rng.pick(COOP_PRODUCTS)}专业合作社`;
      type = '农民专业合作社';
    } else {
      const listed = rng.chance(0.05);
      name = `${CITY.name}${rng.pick(TRADE_NAMES)}${rng.pick(TRADE_NAMES)}${word}${listed ? '股份有限公司' : '有限公司'}`;
      type = listed ? '股份有限公司（非上市、自然人投资或控股）' : rng.chance(0.4) ? '有限责任公司（自然人独资）' : '有限责任公司（自然人投资或控股）';
    }
    for (let i = 2; names.has(name); i++) name = name.replace(/(有限公司|股份有限公司|专业合作社|店|部)$/, `${i}$1`);
    names.add(name);
    const e: Enterprise = {
      eid: 'E' + String(enterprises.length + 1).padStart(6, '0'),
      uscc: usccIssuer.issue(rng, kind, h.district.code, Number(founded.slice(0, 4))),
      name,
      kind,
      type,
      industry: kind === '93' ? '农业' : industry,
      legal: p,
      district: h.district,
      address: `${CITY.name}${h.district.name}${rng.pick(h.district.streets)}${rng.pick(ROADS)}${rng.between(1, 999)}号`,
      founded,
      capital: kind === '92' ? rng.between(1, 50) : rng.between(10, 5000),
      status: rng.chance(0.9) ? '存续' : rng.chance(0.5) ? '注销' : '吊销',
    };
    enterprises.push(e);
    entSink.write(csvLine([e.eid, e.uscc, e.name, p.pid, e.district.code, e.founded]));
    return e;
  };

  const emitEnterprise = (e: Enterprise) => {
    const p = e.legal;
    w('SC_QYDJ').add({
      tyshxydm: e.uscc, qymc: e.name, qylx: e.type, fddbr: p.name, fddbr_gmsfhm: p.idNumber, zczb: e.capital,
      clrq: e.founded, jyfw: e.industry, zs: e.address, djjg: `${CITY.name}市场监督管理局${short(e.district)}分局`, djzt: e.status,
    }, e.eid, p.pid);
    if (e.status !== '吊销' && rng.chance(0.92)) {
      w('SW_NSRDJ').add({
        nsrsbh: e.uscc, nsrmc: e.name, fddbr: p.name, fddbr_gmsfhm: p.idNumber,
        djrq: dayBetween(rng, dayFromIso(e.founded), Math.min(dayFromIso(e.founded) + 60, REFERENCE_DAY)),
        nsrzt: e.status === '注销' ? '注销' : rng.chance(0.95) ? '正常' : '非正常', hy: e.industry,
        nsrlx: e.kind === '91' && rng.chance(0.3) ? '一般纳税人' : '小规模纳税人',
      }, e.eid, p.pid);
    }
    if (e.kind === '91' && MANUFACTURING.has(e.industry) && rng.chance(0.6)) {
      const issued = dayBetween(rng, Math.max(dayFromIso(e.founded), dayFromIso('2017-01-01')), REFERENCE_DAY);
      w('HB_PWXK').add({
        xkzbh: `${e.uscc}001${rng.pick(['P', 'V', 'U'])}`, dwmc: e.name, tyshxydm: e.uscc, hylb: e.industry, scjydz: e.address,
        fzrq: issued, yxqz: isoFromDay(dayFromIso(issued) + 5 * 365), fddbr: p.name,
      }, e.eid, p.pid);
    }
  };

  const emitPerson = (p: Person) => {
    const h = p.household;
    const d = h.district;
    const birthDay = dayFromIso(p.birthDate);
    peopleSink.write(csvLine([p.pid, p.idNumber, p.name, sex(p), p.birthDate, p.ethnicity, d.code, h.hid, p.relation, h.address, p.mobile, p.employerUscc]));

    if (rng.chance(0.96)) {
      w('GA_HJRK').add({
        gmsfhm: p.idNumber, xm: p.name, xb: sex(p), mz: p.ethnicity, csrq: p.birthDate, hh: h.hid, yhzgx: p.relation,
        hjdz: h.address, lxdh: p.mobile, djrq: h.migrant && p.age >= 10 ? dayBetween(rng, ageDay(p, 18), REFERENCE_DAY) : p.birthDate,
      }, p.pid);
    }
    if (rng.chance(0.93)) {
      w('YB_CBRY').add({
        gmsfhm: p.idNumber, xm: p.name, xb: sex(p), csrq: p.birthDate,
        cblx: p.employerUscc ? '职工基本医疗保险' : '城乡居民基本医疗保险',
        cbrq: p.employerUscc ? dayBetween(rng, ageDay(p, 20), REFERENCE_DAY) : dayBetween(rng, Math.max(birthDay, dayFromIso('2008-01-01')), REFERENCE_DAY),
        lxdh: p.mobile, dwmc: p.employerName,
      }, p.pid);
    }
    if ((p.employerUscc && rng.chance(0.95)) || (!p.employerUscc && p.age >= 18 && p.age < 60 && rng.chance(0.1))) {
      const start = dayBetween(rng, ageDay(p, 20), REFERENCE_DAY);
      const base = Math.min(30000, Math.max(4462, Math.round(p.income / 12 / 10) * 10));
      w('RS_SBCB').add({
        gmsfhm: p.idNumber, xm: p.name, xb: sex(p), cbxz: '企业职工基本养老保险', cbrq: start, dwmc: p.employerName,
        tyshxydm: p.employerUscc, jfjs: base, cbzt: rng.chance(0.92) ? '参保缴费' : '暂停缴费',
      }, p.pid);
      if (p.employerUscc && rng.chance(0.3)) {
        w('RS_SBCB').add({
          gmsfhm: p.idNumber, xm: p.name, xb: sex(p), cbxz: '失业保险', cbrq: start, dwmc: p.employerName,
          tyshxydm: p.employerUscc, jfjs: base, cbzt: '参保缴费',
        }, p.pid);
      }
    }
    if (p.age >= 6 && p.age <= 17 && rng.chance(0.97)) {
      const grade = Math.min(11, p.age - 6);
      const school = grade < 6 ? `${d.name}第${rng.between(1, 12)}小学` : grade < 9 ? `${d.name}第${rng.between(1, 8)}中学` : `${CITY.name}第${rng.between(1, 14)}高级中学`;
      const parent = h.members.find((m) => m.relation === '户主' || m.relation === '配偶');
      w('JY_XSXJ').add({
        xjh: 'G' + p.idNumber, xm: p.name, gmsfhm: p.idNumber, xb: sex(p), csrq: p.birthDate, xxmc: school,
        nj: GRADES[grade]!, rxrq: `${Number(REFERENCE_DATE.slice(0, 4)) - (grade < 6 ? grade : grade < 9 ? grade - 6 : grade - 9) - 1}-09-01`,
        jhrxm: parent?.name ?? '', jhrlxdh: parent?.mobile ?? '',
      }, p.pid);
    }
    const vaccines = p.age <= 12 ? rng.between(1, 3) : p.age >= 60 && rng.chance(0.2) ? 1 : !p.male && p.age >= 18 && p.age <= 45 && rng.chance(0.05) ? 1 : 0;
    for (let i = 0; i < vaccines; i++) {
      const name = p.age <= 12 ? rng.pick(VACCINES_CHILD) : p.age >= 60 ? rng.pick(['流感疫苗', '23价肺炎球菌多糖疫苗']) : 'HPV疫苗';
      w('WJ_YMJZ').add({
        jzbh: 'YM' + String(++seq.vaccine).padStart(9, '0'), xm: p.name, gmsfhm: p.idNumber, ymmc: name, jc: i + 1,
        jzrq: dayBetween(rng, birthDay + 1, Math.min(REFERENCE_DAY, birthDay + (p.age <= 12 ? 365 * 6 : 365 * 80))),
        jzdw: `${d.name}${h.street.replace(/(街道|镇)$/, '')}社区卫生服务中心`,
      }, p.pid);
    }
    if (p.age <= 5 && rng.chance(0.9)) {
      const mother = h.members.find((m) => !m.male && (m.relation === '户主' || m.relation === '配偶'));
      const father = h.members.find((m) => m.male && (m.relation === '户主' || m.relation === '配偶'));
      if (mother) {
        w('WJ_CSYX').add({
          cszbh: rng.pick(['Q', 'R', 'S']) + '330' + String(++seq.birth).padStart(6, '0'), xsexm: p.name, xb: sex(p), csrq: p.birthDate,
          cstz: rng.between(2500, 4200), mqxm: mother.name, mq_gmsfhm: mother.idNumber, fqxm: father?.name ?? '', fq_gmsfhm: father?.idNumber ?? '',
          csdd: rng.chance(0.7) ? rng.pick(HOSPITALS) : `${d.name}妇幼保健院`,
        }, p.pid, mother.pid);
      }
    }
    if (p.age >= 18 && rng.chance(0.012)) {
      const day = dayBetween(rng, REFERENCE_DAY - 730, REFERENCE_DAY);
      const closed = rng.chance(0.8);
      const cd = rng.pick(DISTRICTS);
      w('CG_SRAJ').add({
        ajbh: `CG${day.slice(0, 4)}${String(++seq.case).padStart(7, '0')}`, ajlx: rng.pick(CASE_TYPES),
        fsdz: `${CITY.name}${cd.name}${rng.pick(cd.streets)}${rng.pick(ROADS)}${rng.between(1, 999)}号附近`, sbrq: day,
        sbrxm: p.name, sbrdh: p.mobile, clzt: closed ? '已结案' : rng.chance(0.5) ? '处理中' : '待受理',
        jarq: closed ? isoFromDay(Math.min(REFERENCE_DAY, dayFromIso(day) + rng.between(1, 15))) : '',
      }, p.pid);
    }
    if ((p.male && p.age >= 22 && p.age <= 60 && rng.chance(0.025)) || (!p.male && p.age >= 22 && p.age <= 55 && rng.chance(0.003))) {
      const issued = dayBetween(rng, ageDay(p, 21), REFERENCE_DAY);
      w('JT_CYRY').add({
        cyzgzh: 'CY' + String(++seq.transport).padStart(10, '0'), xm: p.name, gmsfhm: p.idNumber, xb: sex(p), zglb: rng.pick(TRANSPORT),
        fzrq: issued, yxqz: isoFromDay(dayFromIso(issued) + 6 * 365), lxdh: p.mobile,
      }, p.pid);
    }
    if (rng.chance(p.age < 18 ? 0.008 : p.age < 60 ? 0.015 : 0.05)) {
      const kind = rng.int(DISABILITY.length);
      const grade = rng.between(1, 4);
      w('CL_CJR').add({
        cjzh: `${p.idNumber}${kind + 1}${grade}`, xm: p.name, gmsfhm: p.idNumber, xb: sex(p), cjlb: DISABILITY[kind]!,
        cjdj: ['一级', '二级', '三级', '四级'][grade - 1]!, fzrq: dayBetween(rng, Math.max(birthDay + 365, dayFromIso('2010-01-01')), REFERENCE_DAY),
        jzdz: h.address, lxdh: p.mobile,
      }, p.pid);
    }
    if ((p.male && p.age >= 22 && p.age <= 80 && rng.chance(0.045)) || (!p.male && p.age >= 22 && p.age <= 60 && rng.chance(0.003))) {
      const enlisted = dayBetween(rng, ageDay(p, 18), ageDay(p, 20));
      const left = Math.min(REFERENCE_DAY - 1, dayFromIso(enlisted) + rng.between(2, 16) * 365);
      w('TY_TYJR').add({
        xm: p.name, gmsfhm: p.idNumber, xb: sex(p), rwrq: enlisted, tyrq: isoFromDay(left),
        tylb: rng.pick(['退役士兵', '退役士兵', '退役士兵', '退役士兵', '转业干部', '复员干部', '退休干部']), jzdz: h.address, lxdh: p.mobile,
      }, p.pid);
    }
    if (p.age >= 25 && p.age <= 65 && rng.chance(0.045)) emitEnterprise(newEnterprise(p));
  };

  const emitHousehold = (h: Household) => {
    const head = h.members[0]!;
    const spouse = h.members.find((m) => m.relation === '配偶');
    const owner = spouse && rng.chance(0.3) ? spouse : head;
    if (owner.age >= 20 && !(h.district.rural && h.address.includes('组')) && rng.chance(0.7)) {
      const day = dayBetween(rng, Math.max(ageDay(owner, 23), dayFromIso('1998-01-01')), REFERENCE_DAY);
      w('ZJ_FWDJ').add({
        bdcqzh: `浙(${day.slice(0, 4)})${CITY.name}不动产权第${String(++seq.house).padStart(7, '0')}号`, fwzl: h.address,
        jzmj: Math.round((40 + rng.next() * 140) * 100) / 100, fwyt: rng.chance(0.95) ? '住宅' : '商业服务', qlr: owner.name, qlr_gmsfhm: owner.idNumber, djrq: day,
      }, owner.pid);
    }
    if (h.district.rural && owner.age >= 20 && rng.chance(0.25)) {
      const day = dayBetween(rng, Math.max(ageDay(owner, 23), dayFromIso('2016-01-01')), REFERENCE_DAY);
      w('ZR_ZJDDJ').add({
        bdcqzh: `浙(${day.slice(0, 4)})${CITY.name}不动产权第${String(++seq.homestead + 5_000_000).padStart(7, '0')}号`, qlr: owner.name,
        qlr_gmsfhm: owner.idNumber, zdzl: h.address, zdmj: Math.round((80 + rng.next() * 220) * 100) / 100, djrq: day,
      }, owner.pid);
    }
    const poor = head.income < 20000 && (head.age >= 60 || h.members.length >= 3);
    if (head.age >= 18 && rng.chance(poor ? 0.12 : 0.008)) {
      w('MZ_DBJZ').add({
        jzdxbh: `DB${h.district.code}${String(++seq.dibao).padStart(6, '0')}`, xm: head.name, gmsfhm: head.idNumber, xb: sex(head),
        jtrks: h.members.length, bzje: 1245 * h.members.length, jzdz: h.address,
        sqrq: dayBetween(rng, Math.max(ageDay(head, 18), REFERENCE_DAY - 365 * 8), REFERENCE_DAY), lxdh: head.mobile,
      }, head.pid);
    }
    if (spouse && head.marital === '已婚' && rng.chance(0.55)) {
      const husband = head.male ? head : spouse;
      const wife = head.male ? spouse : head;
      const from = Math.max(ageDay(husband, 22), ageDay(wife, 20), dayFromIso('1990-01-01'));
      const kidsBirth = h.members.filter((m) => m.relation === '子' || m.relation === '女').map((m) => dayFromIso(m.birthDate));
      const to = Math.max(from, Math.min(REFERENCE_DAY, ...kidsBirth.map((k) => k - 1)));
      const day = dayBetween(rng, from, to);
      w('MZ_HYDJ').add({
        djbh: `J${h.district.code}-${day.slice(0, 4)}-${String(++seq.marriage).padStart(6, '0')}`, djlx: '结婚',
        nf_xm: husband.name, nf_gmsfhm: husband.idNumber, nv_xm: wife.name, nv_gmsfhm: wife.idNumber, djrq: day,
        djjg: `${CITY.name}${h.district.name}民政局婚姻登记处`,
      }, husband.pid, wife.pid);
    }
  };

  const planter = new CollisionPlanter(seed, w, (p, plan) => {
    const e = newEnterprise(p, plan);
    emitEnterprise(e);
    return e;
  });
  for (let n = 0; pop.people < target; n++) {
    const h = pop.nextHousehold(target - pop.people);
    for (const p of h.members) {
      emitPerson(p);
      planter.person(p);
    }
    emitHousehold(h);
    planter.household(h);
    if ((n & 63) === 63) {
      for (const wr of writers.values()) await wr.maybeFlush();
      await peopleSink.maybeFlush();
      await entSink.maybeFlush();
    }
  }
  planter.finish(enterprises);
  for (const wr of writers.values()) await wr.close();
  await peopleSink.close();
  await entSink.close();
  const planted = await planter.truth(outDir);
  await writeFile(join(outDir, 'truth', 'planted.json'), JSON.stringify(planted, null, 1) + '\n');

  const fileManifests: DemoFileManifest[] = files.map((f) => {
    const s = writers.get(f.dataset)!.stats;
    return {
      ...f,
      rowCount: s.rowCount,
      expectedRejected: s.expectedRejected,
      expectedAccepted: s.rowCount - s.expectedRejected,
      duplicateRows: s.duplicateRows,
      defectCounts: s.defectCounts,
      defects: s.defects,
    };
  });
  const totals = { rows: 0, expectedRejected: 0, expectedAccepted: 0, defectCounts: {} as Partial<Record<DefectKind, number>> };
  for (const f of fileManifests) {
    totals.rows += f.rowCount;
    totals.expectedRejected += f.expectedRejected;
    totals.expectedAccepted += f.expectedAccepted;
    for (const [k, v] of Object.entries(f.defectCounts)) totals.defectCounts[k as DefectKind] = (totals.defectCounts[k as DefectKind] ?? 0) + v;
  }
  const manifest: CityManifest = {
    version: 1,
    seed,
    people: pop.people,
    households: pop.households,
    enterprises: enterprises.length,
    referenceDate: REFERENCE_DATE,
    rates,
    city: { name: CITY.name, nameEn: CITY.nameEn, regionCode: CITY.regionCode, basedOn: CITY.basedOn, districts: DISTRICTS.map((d) => ({ code: d.code, name: d.name })) },
    departments: DEPARTMENTS,
    files: fileManifests,
    truth: { people: 'truth/people.csv', enterprises: 'truth/enterprises.csv', planted: 'truth/planted.json' },
    planted: planted.rules,
    totals,
    outDir,
  };
  // The file copy omits outDir so that two runs into different folders stay byte-identical.
  const { outDir: _omit, ...portable } = manifest;
  await writeFile(join(outDir, 'manifest.json'), JSON.stringify(portable) + '\n');
  return manifest;
}

export type { DemoDataset };
