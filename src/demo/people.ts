/**
 * The population model: households of related people with an age pyramid, names, ID
 * numbers (with the area code valid when the number was issued), phones and addresses.
 */
import { CITY, DISTRICTS, ROADS, districtTable, type District } from './city.ts';
import { IdIssuer, dayFromIso, drawMobile, isoFromDay } from './ids.ts';
import { drawGivenName, drawSurname } from './names.ts';
import { Prng, Weighted } from './prng.ts';

/** All dates in the demo city are on or before this day. */
export const REFERENCE_DATE = '2024-06-30';
export const REFERENCE_DAY = dayFromIso(REFERENCE_DATE);

export interface Person {
  pid: string;
  name: string;
  surnameLength: number;
  male: boolean;
  birthDate: string;
  birthYear: number;
  age: number;
  idNumber: string;
  ethnicity: string;
  education: string;
  marital: string;
  relation: string;
  mobile: string;
  household: Household;
  employerUscc: string;
  employerName: string;
  income: number;
}

export interface Household {
  hid: string;
  district: District;
  street: string;
  address: string;
  migrant: boolean;
  members: Person[];
}

// Population share by five-year age band, 0-4 … 95-99 (China, 2020 census, rounded).
const BANDS = [5.5, 6.3, 5.9, 5.3, 5.4, 6.6, 8.7, 7.1, 6.7, 8.1, 8.7, 7.3, 5.1, 5.3, 3.7, 2.3, 1.5, 0.8, 0.25, 0.06];
const AGE_CUM = new Float64Array(100);
{
  let s = 0;
  for (let a = 0; a < 100; a++) {
    s += BANDS[Math.floor(a / 5)]! / 5;
    AGE_CUM[a] = s;
  }
}

/** Age in [min, max] following the pyramid. */
export function drawAge(rng: Prng, min: number, max: number): number {
  const lo = min > 0 ? AGE_CUM[min - 1]! : 0;
  const hi = AGE_CUM[Math.min(max, 99)]!;
  const x = lo + rng.next() * (hi - lo);
  let a = min;
  while (a < max && AGE_CUM[a]! <= x) a++;
  return a;
}

const ETHNICITY = new Weighted<string>([
  ['汉族', 975], ['回族', 4], ['土家族', 3], ['畲族', 4], ['苗族', 3], ['满族', 2], ['壮族', 2], ['蒙古族', 1],
  ['布依族', 1], ['彝族', 1], ['侗族', 1], ['朝鲜族', 0.5], ['藏族', 0.5], ['维吾尔族', 0.5],
]);

const EDUCATION_BY_COHORT: Array<[number, Weighted<string>]> = [
  [1960, new Weighted([['小学', 35], ['初中', 40], ['高中', 15], ['中专', 5], ['大学专科', 3], ['大学本科', 2]])],
  [1975, new Weighted([['小学', 15], ['初中', 40], ['高中', 20], ['中专', 10], ['大学专科', 8], ['大学本科', 6], ['研究生', 1]])],
  [1990, new Weighted([['小学', 5], ['初中', 25], ['高中', 20], ['中专', 10], ['大学专科', 18], ['大学本科', 18], ['研究生', 4]])],
  [9999, new Weighted([['初中', 10], ['高中', 15], ['中专', 8], ['大学专科', 25], ['大学本科', 33], ['研究生', 9]])],
];

function education(rng: Prng, age: number, birthYear: number): string {
  if (age < 7) return '学龄前';
  if (age < 13) return '小学';
  if (age < 16) return '初中';
  if (age < 19) return rng.chance(0.8) ? '高中' : '中专';
  for (const [until, table] of EDUCATION_BY_COHORT) if (birthYear < until) return table.draw(rng);
  return '大学本科';
}

export interface PopulationOptions {
  seed: number;
  /** Area codes of migrants' places of origin. */
  migrantOrigins: string[];
  /** Employer for an employed adult: [uscc, name], or null when there is none yet. */
  pickEmployer?: (rng: Prng) => [string, string] | null;
}

type Member = { relation: string; age: number; male: boolean; surname?: string };

/** Generates households one at a time; people are numbered P0000001, P0000002, … */
export class Population {
  private readonly rng: Prng;
  private readonly issuer: IdIssuer;
  private personCount = 0;
  private householdCount = 0;
  private readonly opts: PopulationOptions;

  constructor(opts: PopulationOptions) {
    this.opts = opts;
    this.rng = new Prng(opts.seed ^ 0x5eed);
    this.issuer = new IdIssuer(DISTRICTS.length * 3 + opts.migrantOrigins.length + 8, REFERENCE_DATE);
  }

  get people(): number {
    return this.personCount;
  }

  get households(): number {
    return this.householdCount;
  }

  /** The next household, with at most `limit` members. */
  nextHousehold(limit = 8): Household {
    const rng = this.rng;
    const district = districtTable.draw(rng);
    const street = rng.pick(district.streets);
    const address = district.rural && rng.chance(0.3)
      ? `${CITY.name}${district.name}${street}${rng.pick(['东村', '西村', '南山村', '北岸村', '新民村', '联合村', '红旗村', '永兴村'])}${rng.between(1, 30)}组${rng.between(1, 120)}号`
      : `${CITY.name}${district.name}${street}${rng.pick(ROADS)}${rng.between(1, 999)}号${rng.between(1, 30)}幢${rng.between(1, 3)}单元${rng.between(1, 33)}${String(rng.between(1, 6)).padStart(2, '0')}室`;
    this.householdCount++;
    const hid = district.code + String(this.householdCount).padStart(9, '0');
    const h: Household = { hid, district, street, address, migrant: rng.chance(0.15), members: [] };
    const plan = this.plan(rng).slice(0, Math.max(1, limit));
    const hasSpouse = plan.some((x) => x.relation === '配偶');
    const headSurname = drawSurname(rng);
    const spouseSurname = drawSurname(rng);
    // Children mostly carry the father's surname; the head's parents carry the head's.
    const headMale = plan[0]!.male;
    const fatherSurname = headMale || !hasSpouse ? headSurname : spouseSurname;
    const motherSurname = headMale ? spouseSurname : headSurname;
    for (const m of plan) {
      let surname: string;
      if (m.relation === '户主' || m.relation === '父亲') surname = headSurname;
      else if (m.relation === '配偶') surname = spouseSurname;
      else if (m.relation === '子' || m.relation === '女') surname = rng.chance(0.95) ? fatherSurname : motherSurname;
      else surname = drawSurname(rng);
      h.members.push(this.person(rng, h, m, surname, hasSpouse));
    }
    return h;
  }

  private plan(rng: Prng): Member[] {
    const r = rng.next();
    const headMale = rng.chance(0.78);
    const spouse = (age: number): Member => ({ relation: '配偶', age: Math.max(20, Math.min(99, age + rng.between(-3, 2) * (headMale ? 1 : -1))), male: !headMale });
    const kids = (parentAge: number, n: number): Member[] => {
      const out: Member[] = [];
      for (let i = 0; i < n; i++) {
        const max = Math.min(parentAge - 22, 25);
        if (max < 0) break;
        const male = rng.chance(0.52);
        out.push({ relation: male ? '子' : '女', age: rng.between(0, max), male });
      }
      return out;
    };
    if (r < 0.17) {
      const age = drawAge(rng, 20, 95);
      return [{ relation: '户主', age, male: rng.chance(0.5) }];
    }
    if (r < 0.37) {
      const age = drawAge(rng, 22, 92);
      return [{ relation: '户主', age, male: headMale }, spouse(age)];
    }
    if (r < 0.75) {
      const age = drawAge(rng, 24, 58);
      return [{ relation: '户主', age, male: headMale }, spouse(age), ...kids(age, rng.chance(0.45) ? 1 : rng.chance(0.85) ? 2 : 3)];
    }
    if (r < 0.9) {
      const age = drawAge(rng, 28, 55);
      const gp = Math.min(98, age + rng.between(24, 32));
      const elders: Member[] = [{ relation: '母亲', age: Math.min(99, gp - rng.between(0, 3)), male: false }];
      if (rng.chance(0.6)) elders.unshift({ relation: '父亲', age: gp, male: true });
      return [{ relation: '户主', age, male: true }, spouse(age), ...kids(age, rng.chance(0.5) ? 1 : 2), ...elders];
    }
    const age = drawAge(rng, 60, 96);
    return [{ relation: '户主', age, male: true }, { relation: '配偶', age: Math.max(55, age - rng.between(0, 5)), male: false }];
  }

  private person(rng: Prng, h: Household, m: Member, surname: string, hasSpouse: boolean): Person {
    const birthGuess = REFERENCE_DAY - Math.floor((m.age + rng.next()) * 365.2425);
    const birthYearGuess = Number(isoFromDay(birthGuess).slice(0, 4));
    // The ID number keeps the area code in force when it was issued (first issue 1984-1999
    // for people born before 1986, at birth registration for the others).
    const issueYear = birthYearGuess >= 1986 ? birthYearGuess : 1986 + rng.int(13);
    const bornHere = !h.migrant || m.age < 10;
    const area = bornHere ? h.district.codeAt(issueYear, rng) : rng.pick(this.opts.migrantOrigins);
    const { id, birthDay } = this.issuer.issue(area, birthGuess, m.male);
    const birthDate = isoFromDay(birthDay);
    const birthYear = Number(birthDate.slice(0, 4));
    const age = Math.floor((REFERENCE_DAY - birthDay) / 365.2425);
    this.personCount++;
    let marital: string;
    if (m.relation === '配偶' || (m.relation === '户主' && hasSpouse)) marital = '已婚';
    else if (m.relation === '父亲' || m.relation === '母亲') marital = rng.chance(0.7) ? '已婚' : '丧偶';
    else if (age < 22) marital = '未婚';
    else marital = age > 70 ? (rng.chance(0.7) ? '丧偶' : '离婚') : age > 35 && rng.chance(0.4) ? '离婚' : '未婚';
    const working = age >= 18 && age < (m.male ? 60 : 55) && rng.chance(0.72);
    const employer = working ? (this.opts.pickEmployer?.(rng) ?? null) : null;
    let income = 0;
    if (working) income = Math.round(Math.exp(11.1 + 0.5 * gauss(rng)) / 100) * 100;
    else if (age >= 60) income = rng.between(300, 700) * 100;
    else if (age >= 18) income = rng.between(0, 200) * 100;
    return {
      pid: 'P' + String(this.personCount).padStart(7, '0'),
      name: surname + drawGivenName(rng, m.male, birthYear),
      surnameLength: surname.length,
      male: m.male,
      birthDate,
      birthYear,
      age,
      idNumber: id,
      ethnicity: m.relation === '子' || m.relation === '女' ? (h.members[0]?.ethnicity ?? ETHNICITY.draw(rng)) : ETHNICITY.draw(rng),
      education: education(rng, age, birthYear),
      marital,
      relation: m.relation,
      mobile: age >= 14 && rng.chance(0.93) ? drawMobile(rng) : '',
      household: h,
      employerUscc: employer?.[0] ?? '',
      employerName: employer?.[1] ?? '',
      income,
    };
  }
}

/** Standard normal draw (Box-Muller). */
export function gauss(rng: Prng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}
