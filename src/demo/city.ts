/**
 * The demo city (示范市): the districts, streets and codes of a real city (杭州市, 330100)
 * under a made-up name, so every area code is a real GB/T 2260 code.
 */
import { listAreas } from '../standards/index.ts';
import { Prng, Weighted } from './prng.ts';

export const CITY = {
  name: '示范市',
  nameEn: 'Demo City',
  regionCode: '330100',
  basedOn: '杭州市',
  postcodePrefix: '31',
  phoneAreaCode: '0571',
  /** Mail domain of the city's departments (a reserved example domain). */
  domain: 'demo-city.example.cn',
} as const;

export interface District {
  code: string;
  name: string;
  /** Share of the population. */
  weight: number;
  rural: boolean;
  streets: string[];
  /** GB/T 2260 code that a number issued in `year` carries for someone registered here. */
  codeAt: (year: number, rng: Prng) => string;
}

const same = (code: string) => () => code;
const xiaoshan = (year: number) => (year >= 2001 ? '330109' : year >= 1988 ? '330181' : '330121');
const yuhang = (year: number) => (year >= 2001 ? '330110' : year >= 1994 ? '330184' : '330125');

export const DISTRICTS: District[] = [
  { code: '330102', name: '上城区', weight: 12, rural: false, streets: ['湖滨街道', '清波街道', '小营街道', '南星街道', '紫阳街道', '望江街道', '四季青街道', '笕桥街道'],
    codeAt: (y, r) => (y < 2021 && r.chance(0.4) ? '330104' : '330102') },
  { code: '330105', name: '拱墅区', weight: 11, rural: false, streets: ['米市巷街道', '湖墅街道', '小河街道', '和睦街道', '拱宸桥街道', '大关街道', '武林街道', '天水街道'],
    codeAt: (y, r) => (y < 2021 && r.chance(0.5) ? '330103' : '330105') },
  { code: '330106', name: '西湖区', weight: 11, rural: false, streets: ['北山街道', '西溪街道', '灵隐街道', '翠苑街道', '文新街道', '古荡街道', '蒋村街道', '留下街道'],
    codeAt: same('330106') },
  { code: '330108', name: '滨江区', weight: 6, rural: false, streets: ['西兴街道', '长河街道', '浦沿街道'],
    codeAt: (y) => (y >= 1996 ? '330108' : xiaoshan(y)) },
  { code: '330109', name: '萧山区', weight: 13, rural: true, streets: ['城厢街道', '北干街道', '蜀山街道', '新塘街道', '瓜沥镇', '义桥镇'],
    codeAt: (y) => xiaoshan(y) },
  { code: '330110', name: '余杭区', weight: 10, rural: true, streets: ['五常街道', '仓前街道', '闲林街道', '余杭街道', '良渚街道', '瓶窑镇'],
    codeAt: (y) => yuhang(y) },
  { code: '330113', name: '临平区', weight: 7, rural: true, streets: ['临平街道', '东湖街道', '南苑街道', '星桥街道', '乔司街道', '塘栖镇'],
    codeAt: (y) => (y >= 2021 ? '330113' : yuhang(y)) },
  { code: '330114', name: '钱塘区', weight: 6, rural: false, streets: ['白杨街道', '下沙街道', '河庄街道', '义蓬街道'],
    codeAt: (y, r) => (y >= 2021 ? '330114' : r.chance(0.5) ? (y >= 1990 ? '330104' : xiaoshan(y)) : xiaoshan(y)) },
  { code: '330111', name: '富阳区', weight: 6, rural: true, streets: ['富春街道', '春江街道', '东洲街道', '银湖街道', '新登镇'],
    codeAt: (y) => (y >= 2015 ? '330111' : y >= 1994 ? '330183' : '330123') },
  { code: '330112', name: '临安区', weight: 5, rural: true, streets: ['锦城街道', '锦北街道', '玲珑街道', '青山湖街道', '於潜镇'],
    codeAt: (y) => (y >= 2017 ? '330112' : y >= 1996 ? '330185' : '330124') },
  { code: '330122', name: '桐庐县', weight: 4, rural: true, streets: ['桐君街道', '城南街道', '旧县街道', '分水镇'], codeAt: same('330122') },
  { code: '330127', name: '淳安县', weight: 4, rural: true, streets: ['千岛湖镇', '文昌镇', '石林镇', '威坪镇'], codeAt: same('330127') },
  { code: '330182', name: '建德市', weight: 4, rural: true, streets: ['新安江街道', '洋溪街道', '更楼街道', '梅城镇'],
    codeAt: (y) => (y >= 1992 ? '330182' : '330126') },
];

export const ROADS = [
  '文一路', '文二路', '文三路', '学院路', '教工路', '天目山路', '莫干山路', '延安路', '解放路', '庆春路', '凤起路',
  '体育场路', '环城北路', '中河路', '秋涛路', '江南大道', '滨盛路', '建设一路', '市心路', '人民路', '金城路', '文化路',
  '新华路', '和平路', '东风路', '丰潭路', '古墩路', '余杭塘路', '五常大道', '星桥路', '迎宾路', '望江路', '湖墅路',
  '石桥路', '之江路', '振宁路', '富春路', '钱江路', '新安路', '临丁路', '横一路', '春晖路',
];

export const districtTable = new Weighted(DISTRICTS.map((d) => [d, d.weight] as const));

/**
 * Area codes of people who moved to the city: real county-level codes from the provinces
 * most migrants come from, drawn once per seed.
 */
export function migrantOrigins(rng: Prng, count = 40): string[] {
  const provinces = ['33', '34', '36', '41', '43', '51', '52', '32', '37', '42', '35', '45'];
  const pool = listAreas({ currentOnly: true }).filter(
    (a) => provinces.includes(a.code.slice(0, 2)) && !a.code.endsWith('00') && !a.code.startsWith('3301') && a.name !== '市辖区',
  );
  const out: string[] = [];
  const seen = new Set<string>();
  while (out.length < count && seen.size < pool.length) {
    const c = rng.pick(pool).code;
    if (!seen.has(c)) {
      seen.add(c);
      out.push(c);
    }
  }
  return out;
}
