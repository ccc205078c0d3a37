/**
 * A Chinese person linkage set with known truth (一人一档 test data): the people of the demo city
 * as several departments hold them. Each person appears in one or more department datasets
 * (公安户籍 has almost everyone), and each copy carries the differences real department data has:
 * a homophone or look-alike character in the name, traditional characters, a missing, invalid,
 * old 15-digit or full-width ID number, the birth date written another way or with day and month
 * swapped, another or no phone, the address written another way or a move within the district, the
 * sex as 男 / 1 / M. Hard negatives are planted too: twins (same birth, same home, similar names)
 * and namesakes (the same name and birth year). Every record carries `truth`, the person it is.
 *
 * Records stream one at a time (constant memory) and repeat by seed.
 */
import { idCardCheckDigit, toTraditional } from '../standards/index.ts';
import { CITY, ROADS, migrantOrigins } from './city.ts';
import { DATE_FORMS, corruptId } from './defects.ts';
import { dayFromIso, downgradeTo15, drawMobile, isoFromDay, toFullWidth } from './ids.ts';
import { typoName } from './names.ts';
import { TextSink, csvLine } from './output.ts';
import { Population, REFERENCE_DAY, type Household, type Person } from './people.ts';
import { Prng } from './prng.ts';

/** A department dataset holding people, and who is in it. */
export interface LinkageSource {
  code: string;
  title: string;
  /** Chance that a person of this age is in the dataset. */
  coverage: (age: number) => number;
  /** Multiplies the missing-ID rate (the household register almost always has the number). */
  missingIdFactor: number;
}

export const LINKAGE_SOURCES: LinkageSource[] = [
  { code: 'GA', title: '公安户籍人口', coverage: () => 0.97, missingIdFactor: 0.1 },
  { code: 'YB', title: '医保参保人员', coverage: () => 0.8, missingIdFactor: 0.8 },
  { code: 'WJ', title: '卫健就诊人员', coverage: (a) => (a < 6 || a >= 60 ? 0.6 : 0.35), missingIdFactor: 1.5 },
  { code: 'RS', title: '人社参保人员', coverage: (a) => (a >= 18 && a < 60 ? 0.65 : a >= 60 ? 0.35 : 0), missingIdFactor: 0.8 },
  { code: 'MZ', title: '民政救助对象', coverage: (a) => (a >= 60 ? 0.3 : 0.05), missingIdFactor: 1 },
  { code: 'JY', title: '教育学籍', coverage: (a) => (a >= 3 && a < 23 ? 0.85 : 0), missingIdFactor: 1.2 },
];

/** Chances of each difference in one department copy of a person. */
export interface LinkageRates {
  /** Homophone or look-alike character in the given name. */
  nameTypo: number;
  /** Name (and address) written in traditional characters. */
  traditional: number;
  /** No ID number (before the department factor). */
  missingId: number;
  /** ID number with a wrong check digit, a dropped/doubled digit or an impossible date. */
  invalidId: number;
  /** Old 15-digit number (people born in the 1900s). */
  oldId15: number;
  /** ID number typed full-width. */
  fullWidthId: number;
  /** Birth date in another written form (2023/1/5, 2023年1月5日, 20230105 …). */
  birthForm: number;
  /** Birth date with day and month swapped, or one day off. */
  birthWrong: number;
  birthMissing: number;
  /** A phone other than the person's own (changed number). */
  phoneChanged: number;
  phoneMissing: number;
  /** A child's record carrying a parent's phone. */
  guardianPhone: number;
  /** Address written another way (no city, province added, 號, full-width digits, short). */
  addressForm: number;
  /** An older address elsewhere in the same district. */
  addressMoved: number;
  addressMissing: number;
  /** Sex written as 1/2 or M/F instead of 男/女. */
  sexCode: number;
  sexMissing: number;
  /** The same person twice in one dataset. */
  duplicate: number;
  /** Households with children that get a twin of one child. */
  twins: number;
  /** People renamed to the name of an earlier person of the same sex and birth year. */
  namesake: number;
}

export const DEFAULT_LINKAGE_RATES: LinkageRates = {
  nameTypo: 0.03,
  traditional: 0.02,
  missingId: 0.12,
  invalidId: 0.03,
  oldId15: 0.03,
  fullWidthId: 0.02,
  birthForm: 0.3,
  birthWrong: 0.02,
  birthMissing: 0.03,
  phoneChanged: 0.08,
  phoneMissing: 0.12,
  guardianPhone: 0.6,
  addressForm: 0.3,
  addressMoved: 0.05,
  addressMissing: 0.02,
  sexCode: 0.4,
  sexMissing: 0.02,
  duplicate: 0.01,
  twins: 0.03,
  namesake: 0.01,
};

/** One record of the set, as the CSV holds it, plus how it was made. */
export interface LinkageRecord {
  rid: string;
  source: string;
  name: string;
  id_number: string;
  sex: string;
  birth_date: string;
  phone: string;
  address: string;
  updated_at: string;
  /** The person this record is (ground truth). */
  truth: string;
  /** A planted hard negative: 'twin' (the truth of the twin it was made from is in `plantedFrom`) or 'namesake'. */
  planted?: 'twin' | 'namesake';
  plantedFrom?: string;
}

export const LINKAGE_COLUMNS = ['rid', 'source', 'name', 'id_number', 'sex', 'birth_date', 'phone', 'address', 'updated_at', 'truth'] as const;

export interface LinkageOptions {
  rates?: Partial<LinkageRates>;
}

const traditional = toTraditional;

const PROVINCE = '浙江省';

/** An address of the same household written another way. */
function addressForm(rng: Prng, address: string): string {
  const r = rng.next();
  if (r < 0.3) return address.slice(CITY.name.length); // without the city
  if (r < 0.45) return PROVINCE + address;
  if (r < 0.6) return address.replace(/号.*$/, '号'); // short: building, unit and room left out
  if (r < 0.75) return toFullWidth(address);
  if (r < 0.85) return address.replace(/幢/, '栋').replace(/室$/, '');
  return address.replace(/\d+/g, (d) => d.replace(/0/g, '〇')).replace(/号/, '號');
}

/** An address elsewhere in the household's district (where the person lived before). */
function movedAddress(rng: Prng, h: Household): string {
  const street = rng.pick(h.district.streets);
  return `${CITY.name}${h.district.name}${street}${rng.pick(ROADS)}${rng.between(1, 999)}号${rng.between(1, 30)}幢${rng.between(1, 3)}单元${rng.between(1, 33)}${String(rng.between(1, 6)).padStart(2, '0')}室`;
}

function birthWrong(rng: Prng, iso: string): string {
  const y = iso.slice(0, 4);
  const m = iso.slice(5, 7);
  const d = iso.slice(8, 10);
  if (rng.chance(0.5) && m !== d && Number(d) <= 12) return `${y}-${d}-${m}`;
  return isoFromDay(dayFromIso(iso) + (rng.chance(0.5) ? 1 : -1));
}

const SEX_FORMS: Array<[string, string]> = [['1', '2'], ['M', 'F'], ['男性', '女性']];

/** A twin of `p`: same birth, same household, a similar name and the neighbouring ID sequence. */
function twinOf(rng: Prng, p: Person): Person {
  const male = rng.chance(0.5) ? p.male : !p.male;
  const seq = Number(p.idNumber.slice(14, 17));
  // The issuer hands out sequences 2 apart upward from an offset per (area, day): 250 slots further
  // on keeps the parity (same sex), 350½ flips it (the other sex). Neither meets a number handed out
  // unless 250 people share the area, the day and the sex, and the two never meet each other.
  const next = (seq + (male === p.male ? 500 : 701)) % 1000;
  const first17 = p.idNumber.slice(0, 14) + String(next).padStart(3, '0');
  const chars = [...p.name];
  const surname = chars.slice(0, p.surnameLength).join('');
  const given = chars.slice(p.surnameLength);
  // Twins often share the first given character and differ in the second (张伟 / 张玮, 李思雨 / 李思雪).
  const pool = male ? '伟强磊军勇杰涛斌超明刚平辉鹏华飞' : '芳娜敏静丽艳娟霞秀玲英萍红燕梅琳';
  let last = given[given.length - 1] ?? '';
  while (last === (given[given.length - 1] ?? '')) last = pool[rng.int(pool.length)]!;
  const twinName = surname + (given.length > 1 ? given.slice(0, -1).join('') : '') + last;
  return { ...p, pid: p.pid + 'T', male, name: twinName, mobile: p.mobile ? drawMobile(rng) : '', idNumber: first17 + idCardCheckDigit(first17) };
}

/** Generates the records of `n` department copies of the city's people. */
export function* linkageRecords(seed: number, n: number, opts: LinkageOptions = {}): Generator<LinkageRecord> {
  const rates = { ...DEFAULT_LINKAGE_RATES, ...opts.rates };
  const pop = new Population({ seed, migrantOrigins: migrantOrigins(new Prng(seed ^ 0x0121), 40) });
  const rng = new Prng(seed * 31 + 7);
  const counters = new Map<string, number>();
  const namesByYear = new Map<string, string>();
  let produced = 0;

  const copy = (p: Person, h: Household, src: LinkageSource, guardianPhone: string, planted?: LinkageRecord['planted'], plantedFrom?: string): LinkageRecord => {
    const seq = (counters.get(src.code) ?? 0) + 1;
    counters.set(src.code, seq);
    let name = p.name;
    if (rng.chance(rates.nameTypo)) name = typoName(rng, name, p.surnameLength) ?? name;
    const trad = rng.chance(rates.traditional);
    if (trad) name = traditional(name);

    let id = p.idNumber;
    if (rng.chance(rates.missingId * src.missingIdFactor)) id = '';
    else if (rng.chance(rates.invalidId)) id = corruptId(rng, id).value;
    else if (p.birthYear < 2000 && rng.chance(rates.oldId15)) id = downgradeTo15(id) ?? id;
    if (id && rng.chance(rates.fullWidthId)) id = toFullWidth(id);

    let birth = p.birthDate;
    if (rng.chance(rates.birthMissing)) birth = '';
    else {
      if (rng.chance(rates.birthWrong)) birth = birthWrong(rng, birth);
      if (rng.chance(rates.birthForm)) birth = rng.pick(DATE_FORMS)(birth.slice(0, 4), birth.slice(5, 7), birth.slice(8, 10));
    }

    let phone = p.mobile;
    if (!phone && guardianPhone && rng.chance(rates.guardianPhone)) phone = guardianPhone;
    if (rng.chance(rates.phoneMissing)) phone = '';
    else if (phone && rng.chance(rates.phoneChanged)) phone = drawMobile(rng);

    let address = h.address;
    if (rng.chance(rates.addressMissing)) address = '';
    else {
      if (rng.chance(rates.addressMoved)) address = movedAddress(rng, h);
      if (rng.chance(rates.addressForm)) address = addressForm(rng, address);
      if (trad) address = traditional(address);
    }

    let sex = p.male ? '男' : '女';
    if (rng.chance(rates.sexMissing)) sex = '';
    else if (rng.chance(rates.sexCode)) sex = rng.pick(SEX_FORMS)[p.male ? 0 : 1];

    const sec = rng.int(86400);
    const time = `${String(Math.floor(sec / 3600)).padStart(2, '0')}:${String(Math.floor(sec / 60) % 60).padStart(2, '0')}:${String(sec % 60).padStart(2, '0')}`;
    const rec: LinkageRecord = {
      rid: `${src.code}${String(seq).padStart(8, '0')}`,
      source: src.code,
      name,
      id_number: id,
      sex,
      birth_date: birth,
      phone,
      address,
      updated_at: `${isoFromDay(REFERENCE_DAY - rng.int(1460))}T${time}Z`,
      truth: p.pid,
    };
    if (planted) {
      rec.planted = planted;
      if (plantedFrom) rec.plantedFrom = plantedFrom;
    }
    return rec;
  };

  while (produced < n) {
    const h = pop.nextHousehold();
    const people: Array<{ p: Person; planted?: LinkageRecord['planted']; from?: string }> = h.members.map((p) => ({ p }));
    const child = h.members.find((m) => m.relation === '子' || m.relation === '女');
    if (child && rng.chance(rates.twins)) people.push({ p: twinOf(rng, child), planted: 'twin', from: child.pid });
    const guardian = h.members[0]?.mobile ?? '';
    for (const entry of people) {
      const p = entry.p;
      const key = `${p.birthYear}${p.male ? 'M' : 'F'}${p.surnameLength}`;
      const earlier = namesByYear.get(key);
      if (!entry.planted && earlier && earlier !== p.name && rng.chance(rates.namesake)) {
        entry.p = { ...p, name: earlier };
        entry.planted = 'namesake';
      } else if (!entry.planted) namesByYear.set(key, p.name);
      const sources = LINKAGE_SOURCES.filter((s) => rng.chance(s.coverage(p.age)));
      if (sources.length === 0) sources.push(LINKAGE_SOURCES[0]!);
      for (const src of sources) {
        const times = rng.chance(rates.duplicate) ? 2 : 1;
        for (let t = 0; t < times; t++) {
          if (produced >= n) return;
          produced++;
          yield copy(entry.p, h, src, guardian, entry.planted, entry.from);
        }
      }
    }
  }
}

/** Write `n` linkage records as UTF-8 CSV (columns LINKAGE_COLUMNS). Deterministic by seed. */
export async function writeLinkageCsv(path: string, n: number, seed = 42, opts: LinkageOptions = {}): Promise<{ path: string; rows: number; people: number }> {
  const sink = new TextSink(path);
  sink.write(LINKAGE_COLUMNS.join(',') + '\n');
  let rows = 0;
  let lastTruth = '';
  let distinct = 0;
  for (const r of linkageRecords(seed, n, opts)) {
    sink.write(csvLine([r.rid, r.source, r.name, r.id_number, r.sex, r.birth_date, r.phone, r.address, r.updated_at, r.truth]));
    // Copies of one person come together, so counting changes of truth counts people in constant memory.
    if (r.truth !== lastTruth) {
      distinct++;
      lastTruth = r.truth;
    }
    rows++;
    if ((rows & 4095) === 0) await sink.maybeFlush();
  }
  await sink.close();
  return { path, rows, people: distinct };
}
