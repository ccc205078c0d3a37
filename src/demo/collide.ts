/**
 * Planted cross-checks (碰): the rows of the datasets the demo city's collision rules compare —
 * police incidents and lease registrations, death certificates and pension payments, the
 * dishonest-debtor list and subsidies, food licences — with the cases each rule must find written
 * down as truth, and look-alikes it must not find ("decoys") beside them.
 *
 * The planter draws from its own random stream and runs beside the main generator (a hook per
 * person and per household, the enterprise part at the end), so the city's other files do not
 * change. The datasets it writes carry only the defects cleaning repairs (spaces, date forms,
 * full-width digits, duplicates, name typos) and none that reject a row, so their truth is exact.
 * Two rules also read files that do carry rejecting defects (the household register, student
 * enrolment, business registration); their truth is computed from the rows ingest accepts, as the
 * truth sidecars record them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CITY, type District } from './city.ts';
import type { DefectRates } from './defects.ts';
import { dayFromIso, isoFromDay } from './ids.ts';
import { drawGivenName, drawSurname } from './names.ts';
import type { DatasetWriter } from './output.ts';
import { REFERENCE_DATE, REFERENCE_DAY, type Household, type Person } from './people.ts';
import { Prng } from './prng.ts';

/** The evaluation date of the demo rules: the demo city's reference date. */
export const DEMO_AS_OF = REFERENCE_DATE;

export const DEMO_RULE_CODES = [
  'COLLIDE_RENTAL_UNDECLARED',
  'COLLIDE_DECEASED_PENSION',
  'COLLIDE_DISHONEST_SUBSIDY',
  'COLLIDE_SCHOOL_AGE_UNENROLLED',
  'COLLIDE_UNLICENSED_BUSINESS',
] as const;
export type DemoRuleCode = (typeof DEMO_RULE_CODES)[number];

/** The datasets the planter writes. */
export const COLLIDE_DATASETS = new Set(['GA_JQXX', 'ZJ_FWZL', 'WJ_SWYX', 'RS_YLJFF', 'FY_SXBZXR', 'CZ_QYBT', 'SC_SPXK']);

/** Defect rates for the planter's datasets: what cleaning repairs, nothing that rejects a row. */
export const repairableOnly = (rates: DefectRates): DefectRates => ({ ...rates, invalidId: 0, invalidUscc: 0, missingRequired: 0 });

/**
 * What every demo rule must find (sorted key values, computed from the rows), and the role the
 * planter gave each key it touched: the roles in POSITIVE_ROLES are what the rule must find, every
 * other role a look-alike it must not find.
 */
export interface PlantedTruth {
  asOf: string;
  rules: Record<DemoRuleCode, string[]>;
  roles: Record<DemoRuleCode, Record<string, string[]>>;
}

/** Roles of keys a rule must find (planted on purpose, or for school age left by the data's own gaps). */
export const POSITIVE_ROLES = new Set(['planted', 'expired', 'unlicensed', 'unenrolled']);

/** The part of an enterprise the planter reads (the generator's enterprise has more). */
export interface PlantEnterprise {
  eid: string;
  uscc: string;
  name: string;
  kind: '91' | '92' | '93';
  industry: string;
  legal: Person;
  district: District;
  address: string;
  founded: string;
  status: string;
}

/** How the generator is asked to found a planted business. */
export interface EnterprisePlan {
  rng: Prng;
  kind: '91' | '92';
  /** [name word, industry]; absent: the generator draws one. */
  industry?: readonly [string, string];
  shops?: readonly string[];
}

/** Full years of age on `at` (both YYYY-MM-DD). */
export function fullYears(birth: string, at: string): number {
  const years = Number(at.slice(0, 4)) - Number(birth.slice(0, 4));
  return at.slice(5) < birth.slice(5) ? years - 1 : years;
}

/** The same day `n` years later (29 February becomes 28 February). */
function addYears(iso: string, n: number): string {
  const md = iso.slice(5) === '02-29' ? '02-28' : iso.slice(5);
  return `${Number(iso.slice(0, 4)) + n}-${md}`;
}

const day = dayFromIso;
const iso = isoFromDay;
const AS_OF_DAY = REFERENCE_DAY;
const FOOD = new Set(['餐饮业', '食品制造业']);
const PAY_MONTHS = ['2024-01-01', '2024-02-01', '2024-03-01', '2024-04-01', '2024-05-01', '2024-06-01'];
const FOOD_SHOPS = ['小吃店', '早餐店', '面馆', '快餐店', '饭店', '奶茶店'];
const INCIDENTS = ['纠纷', '噪声扰民', '盗窃', '求助', '治安案件', '消防隐患', '可疑人员'];
const DEATH_PLACES = ['医疗卫生机构', '医疗卫生机构', '家中', '家中', '养老服务机构', '来院途中'];
const DEATH_CAUSES = ['脑血管病', '缺血性心脏病', '慢性阻塞性肺疾病', '肺癌', '肝癌', '胃癌', '高血压病', '糖尿病', '肺炎', '跌倒'];
const DISHONESTY = [
  '有履行能力而拒不履行生效法律文书确定义务', '以伪造证据、暴力、威胁等方法妨碍、抗拒执行',
  '以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行', '违反财产报告制度', '违反限制消费令',
];
const SUBSIDIES: Array<[string, string]> = [
  ['稳岗返还', '人力资源和社会保障局'], ['吸纳就业补贴', '人力资源和社会保障局'], ['研发费用补助', '科学技术局'],
  ['专精特新企业奖励', '经济和信息化局'], ['技术改造补助', '经济和信息化局'], ['中小企业数字化改造补助', '经济和信息化局'],
  ['外贸稳增长补助', '商务局'],
];
const FOOD_LINES: Record<string, { ztyt: string; jyxm: string[] }> = {
  餐饮业: { ztyt: '餐饮服务经营者', jyxm: ['热食类食品制售', '热食类食品制售；冷食类食品制售', '热食类食品制售；自制饮品制售', '糕点类食品（含裱花蛋糕）制售'] },
  食品制造业: { ztyt: '食品生产者', jyxm: ['糕点', '速冻食品', '饮料', '调味品', '方便食品', '蔬菜制品'] },
};

type Labeled = Map<string, Set<string>>;

/** Entity ids whose rows a dataset's ingest accepts (from the truth sidecar: row,entity_id,entity_id2,rejected,defects). */
async function acceptedEntities(outDir: string, code: string): Promise<Set<string>> {
  const out = new Set<string>();
  const text = await readFile(join(outDir, 'truth', `${code}.truth.csv`), 'utf8');
  for (const line of text.split('\n').slice(1)) {
    const cells = line.split(',');
    if (cells.length >= 4 && cells[3] === '0') out.add(cells[1]!);
  }
  return out;
}

export class CollisionPlanter {
  private readonly rng: Prng;
  private readonly seq = { incident: 0, lease: 0, death: 0, pay: 0, listing: 0, subsidy: 0, licence: 0 };
  /** Addresses a planted house took (so no two planted roles share one). */
  private readonly houses = new Set<string>();
  private readonly rentedIncidents = new Set<string>();
  private readonly leased = new Set<string>();
  private readonly deaths = new Map<string, string>();
  private readonly lastPaid = new Map<string, string>();
  private readonly listings = new Map<string, { lrrq: string; ycrq: string }>();
  private readonly subsidised = new Map<string, string>();
  private readonly food: Array<{ eid: string; uscc: string; open: boolean; licensed: boolean }> = [];
  private readonly children: Array<{ pid: string; id: string; age: number }> = [];
  private readonly founders: Array<{ p: Person; food: boolean }> = [];
  private readonly roles = new Map<DemoRuleCode, Labeled>(DEMO_RULE_CODES.map((c) => [c, new Map()]));

  constructor(
    seed: number,
    private readonly w: (code: string) => DatasetWriter,
    private readonly found: (p: Person, plan: EnterprisePlan) => PlantEnterprise,
  ) {
    this.rng = new Prng((Math.imul(seed ^ 0xc011, 0x9e3779b1) >>> 0) || 1);
  }

  private label(rule: DemoRuleCode, kind: string, key: string): void {
    const m = this.roles.get(rule)!;
    if (!m.has(kind)) m.set(kind, new Set());
    m.get(kind)!.add(key);
  }

  /** A random day in [from, to] (day numbers), or null when the range is empty. */
  private dayIn(from: number, to: number): number | null {
    return to < from ? null : from + this.rng.int(to - from + 1);
  }

  /** Called for every person, in the generator's order. */
  person(p: Person): void {
    const age = fullYears(p.birthDate, DEMO_AS_OF);
    if (age >= 5 && age <= 17) this.children.push({ pid: p.pid, id: p.idNumber, age });
    if (age >= (p.male ? 60 : 55)) this.elder(p);
    else if (age >= 25 && age <= 60) {
      // more businesses than the city's own few: food businesses and companies the credit checks can look at
      const r = this.rng.next();
      if (r < 0.055) this.founders.push({ p, food: r < 0.025 });
    }
  }

  /** Called for every household, after its members. */
  household(h: Household): void {
    const roll = this.rng.next();
    if (roll >= 0.1 || this.houses.has(h.address)) return;
    this.houses.add(h.address);
    const rule = 'COLLIDE_RENTAL_UNDECLARED';
    if (roll < 0.025) {
      this.incidents(h, '是', this.rng.between(1, 2));
      this.label(rule, 'planted', h.address);
    } else if (roll < 0.05) {
      this.lease(h);
      this.incidents(h, '是', this.rng.between(1, 2));
      this.label(rule, 'declared', h.address);
    } else if (roll < 0.07) {
      this.lease(h);
      this.label(rule, 'declaredQuiet', h.address);
    } else {
      this.incidents(h, '否', 1);
      this.label(rule, 'notRented', h.address);
    }
  }

  private incidents(h: Household, rented: '是' | '否', n: number): void {
    const station = `${h.district.name}公安分局${h.street.replace(/(街道|镇)$/, '')}派出所`;
    for (let i = 0; i < n; i++) {
      const d = iso(this.dayIn(day('2023-07-01'), AS_OF_DAY)!);
      this.w('GA_JQXX').add({
        jqbh: `J${h.district.code}${d.replace(/-/g, '')}${String(++this.seq.incident).padStart(5, '0')}`, jqlb: this.rng.pick(INCIDENTS),
        bjsj: d, fsdz: h.address, cjdw: station, sfczfw: rented,
      }, h.hid);
    }
    if (rented === '是') this.rentedIncidents.add(h.address);
  }

  private lease(h: Household): void {
    const owner = h.members[0]!;
    const filed = this.dayIn(AS_OF_DAY - 360, AS_OF_DAY - 10)!;
    const tenantMale = this.rng.chance(0.5);
    const tenantBorn = 1965 + this.rng.int(40);
    this.w('ZJ_FWZL').add({
      bazh: `${iso(filed).slice(0, 4)}${h.district.code}ZL${String(++this.seq.lease).padStart(6, '0')}`, fwzl: h.address,
      czr: owner.name, czr_gmsfhm: owner.idNumber, czrxm: drawSurname(this.rng) + drawGivenName(this.rng, tenantMale, tenantBorn),
      yzj: this.rng.between(15, 80) * 100, barq: iso(filed), zlqz: addYears(iso(filed), this.rng.between(1, 3)),
    }, owner.pid);
    this.leased.add(h.address);
  }

  /** A person of pension age: maybe a pension, maybe a death certificate. */
  private elder(p: Person): void {
    const r = this.rng;
    const pension = r.chance(0.6)
      ? { dylb: '企业职工基本养老金', amount: r.between(2800, 6500) }
      : r.chance(0.5) ? { dylb: '城乡居民基本养老金', amount: r.between(230, 460) } : null;
    const rule = 'COLLIDE_DECEASED_PENSION';
    if (!r.chance(pension ? 0.08 : 0.02)) {
      if (pension) this.pay(p, pension, PAY_MONTHS);
      return;
    }
    if (!pension) {
      this.death(p, this.dayIn(day('2023-07-01'), AS_OF_DAY)!);
      this.label(rule, 'noPension', p.idNumber);
      return;
    }
    const roll = r.next();
    if (roll < 0.5) {
      // the pension keeps being paid after the death
      this.death(p, this.dayIn(day('2024-01-01'), day('2024-05-31'))!);
      this.pay(p, pension, PAY_MONTHS);
      this.label(rule, 'planted', p.idNumber);
    } else if (roll < 0.85) {
      // stopped in time: the last payment is the one for the month of death
      const died = this.dayIn(day('2024-01-01'), AS_OF_DAY)!;
      this.death(p, died);
      this.pay(p, pension, PAY_MONTHS.filter((m) => day(m) <= died));
      this.label(rule, 'stopped', p.idNumber);
    } else {
      this.death(p, this.dayIn(day('2023-07-01'), day('2023-12-31'))!);
      this.label(rule, 'diedBeforePayments', p.idNumber);
    }
  }

  private death(p: Person, died: number): void {
    const d = iso(died);
    this.w('WJ_SWYX').add({
      swzbh: `SW${p.household.district.code}${d.slice(0, 4)}${String(++this.seq.death).padStart(6, '0')}`, xm: p.name, gmsfhm: p.idNumber,
      xb: p.male ? '男' : '女', swrq: d, swdd: this.rng.pick(DEATH_PLACES), swyy: this.rng.pick(DEATH_CAUSES),
    }, p.pid);
    this.deaths.set(p.idNumber, d);
  }

  private pay(p: Person, pension: { dylb: string; amount: number }, months: string[]): void {
    for (const m of months) {
      this.w('RS_YLJFF').add({
        ffbh: `YL${m.slice(0, 7).replace('-', '')}${String(++this.seq.pay).padStart(8, '0')}`, gmsfhm: p.idNumber, xm: p.name,
        dylb: pension.dylb, ffny: m, ffje: pension.amount,
      }, p.pid);
      this.lastPaid.set(p.idNumber, m);
    }
  }

  /**
   * After the last household, before the files close: found the planted food businesses (the
   * generator's `found` writes their registration), then licences, the dishonest-debtor list and
   * subsidies over every enterprise of the city.
   */
  finish(enterprises: PlantEnterprise[]): void {
    for (const { p, food } of this.founders) {
      const r = this.rng.next();
      const plan: EnterprisePlan = !food ? { rng: this.rng, kind: '91' } : r < 0.45
        ? { rng: this.rng, kind: '92', industry: ['餐饮', '餐饮业'], shops: FOOD_SHOPS }
        : r < 0.7 ? { rng: this.rng, kind: '91', industry: ['餐饮管理', '餐饮业'] } : { rng: this.rng, kind: '91', industry: ['食品', '食品制造业'] };
      this.found(p, plan);
    }
    for (const e of enterprises) {
      if (FOOD.has(e.industry)) this.licences(e);
      this.credit(e);
    }
  }

  private licences(e: PlantEnterprise): void {
    const founded = day(e.founded);
    const open = e.status === '存续';
    let licensed = false;
    const issue = (from: string) => {
      const until = iso(day(addYears(from, 5)) - 1);
      const line = FOOD_LINES[e.industry]!;
      const prefix = e.industry === '食品制造业' ? 'SC1' : 'JY2';
      this.w('SC_SPXK').add({
        xkzbh: `${prefix}${e.district.code}${String(++this.seq.licence).padStart(6, '0')}${this.rng.int(10)}`, tyshxydm: e.uscc, jyzmc: e.name,
        fddbr: e.legal.name, jycs: e.address, ztyt: line.ztyt, jyxm: this.rng.pick(line.jyxm), fzrq: from, yxqz: until,
      }, e.eid, e.legal.pid);
      if (from <= DEMO_AS_OF && until >= DEMO_AS_OF) licensed = true;
    };
    /** First day of a licence that expires on a day in [lo, hi] and was issued after founding; null when none fits. */
    const expiring = (lo: number, hi: number): string | null => {
      const until = this.dayIn(lo, hi);
      if (until === null) return null;
      const from = addYears(iso(until + 1), -5);
      return day(from) >= founded ? from : null;
    };
    const rule = 'COLLIDE_UNLICENSED_BUSINESS';
    const roll = this.rng.next();
    let kind: string;
    if (!open) {
      const old = roll < 0.5 ? expiring(AS_OF_DAY - 1500, AS_OF_DAY - 1) : null;
      if (old) issue(old);
      kind = 'closed';
    } else if (roll < 0.45) {
      // valid on the as-of date; one in six expires on that very day
      const edge = this.rng.chance(1 / 6) ? expiring(AS_OF_DAY, AS_OF_DAY) : null;
      issue(edge ?? iso(this.dayIn(Math.max(founded, day(addYears(DEMO_AS_OF, -5)) + 1), AS_OF_DAY - 1)!));
      kind = edge ? 'validUntilAsOf' : 'valid';
    } else if (roll < 0.8) {
      const old = expiring(AS_OF_DAY - 1100, AS_OF_DAY - 1);
      if (old) issue(old);
      // renewed: the new licence runs from the day after the old one expired
      if (old && roll < 0.6) issue(addYears(old, 5));
      kind = !old ? 'unlicensed' : roll < 0.6 ? 'renewed' : 'expired';
    } else {
      kind = 'unlicensed';
    }
    this.food.push({ eid: e.eid, uscc: e.uscc, open, licensed });
    this.label(rule, kind, e.uscc);
  }

  /** 失信 listing and subsidies of one enterprise. */
  private credit(e: PlantEnterprise): void {
    const r = this.rng;
    const rule = 'COLLIDE_DISHONEST_SUBSIDY';
    const from = Math.max(day(e.founded) + 180, day('2020-01-01'));
    const open = e.status === '存续';
    const roll = r.next();
    if (e.kind === '91' && roll < 0.36) {
      if (open && roll < 0.18) {
        const listed = this.dayIn(from, AS_OF_DAY - 60);
        if (listed !== null) {
          if (r.chance(0.3)) this.subsidy(e, this.dayIn(from - 150, listed - 1) ?? listed - 1);
          this.subsidy(e, this.dayIn(listed + 1, AS_OF_DAY)!);
          this.listing(e, listed, null);
          return this.label(rule, 'planted', e.uscc);
        }
      } else if (open && roll < 0.24) {
        const paid = this.dayIn(from, AS_OF_DAY - 120);
        if (paid !== null) {
          this.subsidy(e, paid);
          this.listing(e, this.dayIn(paid + 30, AS_OF_DAY - 30)!, null);
          return this.label(rule, 'subsidyBeforeListing', e.uscc);
        }
      } else if (open && roll < 0.3) {
        const listed = this.dayIn(from, AS_OF_DAY - 200);
        if (listed !== null) {
          const removed = this.dayIn(listed + 60, Math.min(listed + 400, AS_OF_DAY - 60))!;
          this.listing(e, listed, removed);
          this.subsidy(e, this.dayIn(removed + 1, AS_OF_DAY)!);
          return this.label(rule, 'removedBeforeSubsidy', e.uscc);
        }
      } else {
        const listed = this.dayIn(from, AS_OF_DAY);
        if (listed !== null) {
          this.listing(e, listed, null);
          return this.label(rule, 'listedNoSubsidy', e.uscc);
        }
      }
    }
    if (open && e.kind !== '93' && r.chance(e.kind === '91' ? 0.2 : 0.08)) {
      for (let i = r.between(1, 2); i > 0; i--) {
        const paid = this.dayIn(from, AS_OF_DAY);
        if (paid !== null) this.subsidy(e, paid);
      }
      if (this.subsidised.has(e.uscc)) this.label(rule, 'subsidisedNotListed', e.uscc);
    }
  }

  private listing(e: PlantEnterprise, listed: number, removed: number | null): void {
    const year = iso(listed).slice(0, 4);
    this.w('FY_SXBZXR').add({
      sxbh: `SX${year}${String(++this.seq.listing).padStart(6, '0')}`, ah: `（${year}）浙${e.district.code.slice(2)}执${this.rng.between(100, 9999)}号`,
      tyshxydm: e.uscc, qymc: e.name, fddbr: e.legal.name, zxfy: `${CITY.name}${e.district.name}人民法院`, sxqx: this.rng.pick(DISHONESTY),
      lrrq: iso(listed), ycrq: removed === null ? '' : iso(removed),
    }, e.eid, e.legal.pid);
    this.listings.set(e.uscc, { lrrq: iso(listed), ycrq: removed === null ? '' : iso(removed) });
  }

  private subsidy(e: PlantEnterprise, paid: number): void {
    const d = iso(paid);
    const [item, bureau] = this.rng.pick(SUBSIDIES);
    this.w('CZ_QYBT').add({
      btbh: `BT${d.slice(0, 4)}${String(++this.seq.subsidy).padStart(6, '0')}`, tyshxydm: e.uscc, qymc: e.name, btxm: item,
      btje: this.rng.between(5, 500) * 1000, ffrq: d, zgbm: `${CITY.name}${bureau}`,
    }, e.eid);
    const last = this.subsidised.get(e.uscc);
    if (!last || d > last) this.subsidised.set(e.uscc, d);
  }

  /**
   * After the files are closed: what each rule must find, computed from the rows as ingest will
   * hold them (the planter's own rows are all accepted; for the registers with rejecting defects
   * the truth sidecars say which rows are accepted), and every role the planter gave a key.
   */
  async truth(outDir: string): Promise<PlantedTruth> {
    const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
    const [hj, xj, qy] = await Promise.all(['GA_HJRK', 'JY_XSXJ', 'SC_QYDJ'].map((c) => acceptedEntities(outDir, c)));

    for (const c of this.children) {
      if (xj.has(c.pid)) continue;
      const kind = !hj.has(c.pid) ? (c.age >= 6 && c.age <= 14 ? 'notRegistered' : null) : c.age < 6 ? 'tooYoung' : c.age > 14 ? 'tooOld' : 'unenrolled';
      if (kind) this.label('COLLIDE_SCHOOL_AGE_UNENROLLED', kind, c.id);
    }
    const licences = this.roles.get('COLLIDE_UNLICENSED_BUSINESS')!;
    const unlicensed: string[] = [];
    for (const f of this.food) {
      if (qy.has(f.eid)) {
        if (f.open && !f.licensed) unlicensed.push(f.uscc);
        continue;
      }
      // a registration ingest rejects is no business of the rule's: whatever its licence, it is not found
      for (const keys of licences.values()) keys.delete(f.uscc);
      this.label('COLLIDE_UNLICENSED_BUSINESS', 'registrationRejected', f.uscc);
    }
    const rules: Record<DemoRuleCode, string[]> = {
      COLLIDE_RENTAL_UNDECLARED: sorted([...this.rentedIncidents].filter((a) => !this.leased.has(a))),
      COLLIDE_DECEASED_PENSION: sorted([...this.deaths].filter(([id, died]) => (this.lastPaid.get(id) ?? '') > died).map(([id]) => id)),
      COLLIDE_DISHONEST_SUBSIDY: sorted([...this.listings].filter(([uscc, l]) => !l.ycrq && (this.subsidised.get(uscc) ?? '') > l.lrrq).map(([uscc]) => uscc)),
      COLLIDE_SCHOOL_AGE_UNENROLLED: sorted(this.children.filter((c) => c.age >= 6 && c.age <= 14 && hj.has(c.pid) && !xj.has(c.pid)).map((c) => c.id)),
      COLLIDE_UNLICENSED_BUSINESS: sorted(unlicensed),
    };
    const roles = {} as PlantedTruth['roles'];
    for (const code of DEMO_RULE_CODES) {
      roles[code] = Object.fromEntries([...this.roles.get(code)!].sort(([a], [b]) => a.localeCompare(b)).map(([kind, keys]) => [kind, sorted(keys)]));
    }
    return { asOf: DEMO_AS_OF, rules, roles };
  }
}
