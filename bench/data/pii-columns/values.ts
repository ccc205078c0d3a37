/**
 * Seeded value makers for the labelled PII column set: the kinds of personal information the
 * scanner looks for, and the look-alikes it must not take for them (serials, amounts, codes,
 * company names, street names, registration dates). Every maker takes the PRNG, so a seed gives
 * the same set again.
 */
import { Prng } from '../../../src/demo/index.ts';
import { idCardCheckDigit, listAreas, usccCheckChar, USCC_ALPHABET } from '../../../src/standards/index.ts';

export type Maker = (r: Prng) => string | number;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const digits = (r: Prng, n: number) => Array.from({ length: n }, () => r.int(10)).join('');
const chars = (s: string) => [...s];

// ---- people -----------------------------------------------------------------------------

const SURNAMES = chars('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤');
const COMPOUND = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '慕容', '令狐', '夏侯', '尉迟'];
const GIVEN = chars('伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建亮成峰文国东海志兵毅晨博轩睿泽豪然天航嘉哲铭昊翔宏德荣彬振星远新光瑞芳娜敏静丽艳娟霞秀玲英萍红燕梅琳雪婷倩洁颖慧莉丹晶欣怡雨佳萱涵诗琪悦妍思婉彤蕾琴云莹玉兰凤洋璐瑶薇淑清月婧珊子梓一若可');
const MINORITY = ['买买提·艾力', '阿依古丽·吐尔逊', '古丽娜尔·阿不都', '艾尔肯·吾守尔', '迪丽热巴·迪力木拉提', '扎西·多吉', '阿卜杜拉·买买提', '热依拉·艾买提', '努尔兰·沙力克', '巴特尔·其其格'];

export function personName(r: Prng): string {
  if (r.chance(0.04)) return r.pick(MINORITY);
  const surname = r.chance(0.03) ? r.pick(COMPOUND) : r.pick(SURNAMES);
  const given = r.chance(0.3) ? r.pick(GIVEN) : r.pick(GIVEN) + r.pick(GIVEN);
  return surname + given;
}

export function idNumber(r: Prng, minYear = 1940, maxYear = 2020): string {
  const area = r.pick(AREA_CODES);
  const y = r.between(minYear, maxYear);
  const first17 = area + y + pad(r.between(1, 12), 2) + pad(r.between(1, 28), 2) + digits(r, 3);
  return first17 + idCardCheckDigit(first17);
}

/** The old 15-digit form (issued before 1999, birth year 19yy, no check digit). */
export function idNumber15(r: Prng): string {
  return r.pick(AREA_CODES) + pad(r.between(30, 90), 2) + pad(r.between(1, 12), 2) + pad(r.between(1, 28), 2) + digits(r, 3);
}

export function mobile(r: Prng): string {
  return '1' + r.pick(['3', '5', '7', '8', '9', '8', '3']) + digits(r, 9);
}

/** Mobiles as clerks type them: mostly bare, sometimes +86, spaces or dashes. */
export function mobileWritten(r: Prng): string {
  const m = mobile(r);
  const x = r.next();
  if (x < 0.75) return m;
  if (x < 0.85) return '+86' + m;
  if (x < 0.92) return `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}`;
  return `${m.slice(0, 3)}-${m.slice(3, 7)}-${m.slice(7)}`;
}

const AREA_PHONE = ['010', '021', '022', '023', '020', '025', '027', '028', '029', '0571', '0574', '0577', '0531', '0532', '0371', '0731', '0591', '0851', '0871', '0991'];

export function landline(r: Prng): string {
  const area = r.pick(AREA_PHONE);
  const local = String(r.between(2, 8)) + digits(r, area.length === 3 ? 7 : r.chance(0.5) ? 7 : 6);
  const x = r.next();
  const ext = r.chance(0.12) ? (r.chance(0.5) ? `-${r.between(1, 999)}` : `转${r.between(100, 9999)}`) : '';
  if (x < 0.6) return `${area}-${local}${ext}`;
  if (x < 0.8) return `(${area})${local}${ext}`;
  if (x < 0.9) return `${area} ${local}`;
  return `${area}${local}`;
}

export function birthDate(r: Prng, minYear = 1935, maxYear = 2015, style = 'iso'): string {
  const y = r.between(minYear, maxYear);
  const m = r.between(1, 12);
  const d = r.between(1, 28);
  if (style === 'compact') return `${y}${pad(m, 2)}${pad(d, 2)}`;
  if (style === 'slash') return `${y}/${m}/${d}`;
  if (style === 'cn') return `${y}年${m}月${d}日`;
  return `${y}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** A recent date (registration, issue, report): the look-alike of a birth date. */
export function recentDate(r: Prng, minYear = 2015, maxYear = 2024, style = 'iso'): string {
  return birthDate(r, minYear, maxYear, style);
}

export function dateTime(r: Prng): string {
  return `${recentDate(r, 2023, 2024)} ${pad(r.between(0, 23), 2)}:${pad(r.int(60), 2)}:${pad(r.int(60), 2)}`;
}

const PINYIN = ['zhang', 'wang', 'li', 'liu', 'chen', 'yang', 'huang', 'zhao', 'wu', 'zhou', 'xu', 'sun', 'ma', 'zhu', 'hu', 'guo', 'lin', 'he', 'gao', 'luo'];
const GIVEN_PY = ['wei', 'qiang', 'lei', 'jun', 'yong', 'jie', 'tao', 'bin', 'chao', 'ming', 'fang', 'na', 'min', 'jing', 'li', 'yan', 'juan', 'xia', 'hui', 'ting'];
const MAIL_DOMAINS = ['qq.com', '163.com', '126.com', 'sina.com', 'foxmail.com', 'gmail.com', 'hotmail.com', 'aliyun.com', 'sohu.com', '139.com'];

export function email(r: Prng): string {
  const x = r.next();
  const local = x < 0.4 ? String(r.between(10000, 3999999999)) : x < 0.8 ? r.pick(PINYIN) + r.pick(GIVEN_PY) + (r.chance(0.5) ? r.between(1, 999) : '') : r.pick(PINYIN) + '.' + r.pick(GIVEN_PY);
  return `${local}@${r.pick(MAIL_DOMAINS)}`;
}

export function officeEmail(r: Prng): string {
  return `${r.pick(['office', 'xxgk', 'zwfw', 'bgs', 'jdjc', 'xfb'])}@${r.pick(['hangzhou', 'ningbo', 'wenzhou', 'jinan', 'wuhan'])}.gov.cn`;
}

const BANK_BINS = ['622202', '621700', '622848', '621661', '622588', '622700', '621226', '623058', '622609', '621483', '436742', '622262', '625965', '621799'];

function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

export function bankCard(r: Prng): string {
  const len = r.pick([16, 19, 19, 19, 17, 18]);
  const body = r.pick(BANK_BINS) + digits(r, len - 7);
  return body + luhnDigit(body);
}

const PROVINCE_ABBR = chars('京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼');
const PLATE_LETTERS = chars('ABCDEFGHJKLMNPQRSTUVWXYZ');
const PLATE_CHARS = chars('0123456789ABCDEFGHJKLMNPQRSTUVWXYZ');

export function licencePlate(r: Prng): string {
  const head = r.pick(PROVINCE_ABBR) + r.pick(PLATE_LETTERS);
  const x = r.next();
  if (x < 0.2) return head + r.pick(['D', 'F']) + (r.chance(0.5) ? r.pick(PLATE_LETTERS) : '') + digits(r, r.chance(0.5) ? 4 : 5).slice(0, 5);
  if (x < 0.25) return head + digits(r, 4) + r.pick(['警', '学', '领']);
  if (x < 0.27) return '使' + digits(r, 6);
  const body = Array.from({ length: 5 }, (_, i) => (i < 2 && r.chance(0.3) ? r.pick(PLATE_LETTERS) : r.pick(PLATE_CHARS))).join('');
  return head + body;
}

/** A new-energy plate: 8 characters, D (electric) or F (hybrid) right after the city letter or at the end. */
export function newEnergyPlate(r: Prng): string {
  const head = r.pick(PROVINCE_ABBR) + r.pick(PLATE_LETTERS);
  return r.chance(0.7) ? head + r.pick(['D', 'F']) + r.pick(PLATE_CHARS) + digits(r, 4) : head + digits(r, 5) + r.pick(['D', 'F']);
}

export function passport(r: Prng): string {
  const x = r.next();
  if (x < 0.6) return 'E' + digits(r, 8);
  if (x < 0.75) return 'E' + r.pick(PLATE_LETTERS) + digits(r, 7);
  if (x < 0.9) return 'G' + digits(r, 8);
  return r.pick(['P', 'D', 'S']) + digits(r, 7);
}

const AREA_CODES = listAreas({ currentOnly: true })
  .map((a) => a.code)
  .filter((c) => !c.endsWith('00'));

export function uscc(r: Prng): string {
  const head = r.pick(['91', '91', '91', '92', '93', '11', '12', '52', '51']);
  const body = Array.from({ length: 8 }, () => r.pick(chars(USCC_ALPHABET.slice(0, 10) + 'MA'))).join('');
  const first17 = head + r.pick(AREA_CODES) + body.slice(0, 8) + r.pick(chars(USCC_ALPHABET));
  return first17 + usccCheckChar(first17);
}

// ---- places -----------------------------------------------------------------------------

const CITIES: Array<[string, string, string[]]> = [
  ['浙江省', '杭州市', ['上城区', '拱墅区', '西湖区', '滨江区', '萧山区', '余杭区', '桐庐县', '淳安县']],
  ['浙江省', '宁波市', ['海曙区', '江北区', '鄞州区', '象山县', '宁海县']],
  ['江苏省', '南京市', ['玄武区', '秦淮区', '建邺区', '鼓楼区', '江宁区']],
  ['山东省', '济南市', ['历下区', '市中区', '槐荫区', '天桥区', '章丘区']],
  ['湖北省', '武汉市', ['江岸区', '江汉区', '武昌区', '洪山区', '黄陂区']],
  ['四川省', '成都市', ['锦江区', '青羊区', '金牛区', '武侯区', '双流区']],
  ['广东省', '广州市', ['越秀区', '海珠区', '天河区', '白云区', '番禺区']],
];
const ROADS = chars('文一文二文三延安解放中山人民建设胜利新华和平长江黄河南京北京学院');
const ROAD_SUFFIX = ['路', '大道', '街', '西路', '东路', '南路', '北路'];
const STREETS = ['湖滨街道', '西溪街道', '城厢街道', '南星街道', '长河街道', '东湖街道', '五常街道', '临平街道', '瓜沥镇', '新登镇', '分水镇'];
const COMMUNITIES = ['翠苑一区', '金色家园', '阳光小区', '幸福里', '和园', '万科城', '绿城桂花苑', '东方名苑', '新城花园'];
const VILLAGES = ['新民村', '北岸村', '东山村', '前进村', '红星村', '联合村', '石桥村'];

export function roadName(r: Prng): string {
  return r.pick(ROADS) + r.pick(ROADS) + r.pick(ROAD_SUFFIX);
}

export function streetName(r: Prng): string {
  return r.pick(STREETS);
}

/** A full residential address: province (sometimes) … district, street, road and number, building and room; or a village and group. */
export function address(r: Prng): string {
  const [prov, city, districts] = r.pick(CITIES);
  const head = (r.chance(0.4) ? prov : '') + (r.chance(0.9) ? city : '') + r.pick(districts) + (r.chance(0.6) ? r.pick(STREETS) : '');
  if (r.chance(0.2)) return head + r.pick(VILLAGES) + r.between(1, 20) + '组' + r.between(1, 120) + '号';
  const road = roadName(r) + r.between(1, 999) + '号';
  if (r.chance(0.3)) return head + road;
  if (r.chance(0.5)) return head + road + r.pick(COMMUNITIES) + r.between(1, 30) + '幢' + r.between(1, 4) + '单元' + r.between(1, 33) + pad(r.between(1, 4), 2) + '室';
  return head + r.pick(COMMUNITIES) + r.between(1, 30) + '-' + r.between(1, 4) + '-' + r.between(101, 2804);
}

/** An address without province and city, as local systems often keep it. */
export function localAddress(r: Prng): string {
  return r.pick(CITIES[0]![2]) + r.pick(STREETS) + roadName(r) + r.between(1, 999) + '号' + (r.chance(0.5) ? r.between(1, 30) + '幢' + r.between(101, 2804) + '室' : '');
}

// ---- organisations and look-alikes ------------------------------------------------------

const TRADE = chars('恒达盛华鑫瑞嘉汇通宏信诚兴泰博远创新安和永丰金银中天德立隆昌海峰云智聚源明辉');
const INDUSTRY = ['科技', '网络科技', '贸易', '建筑工程', '餐饮管理', '物业管理', '医药', '文化传媒', '电子商务', '机械制造', '物流', '环保科技'];
const FORMS = ['有限公司', '有限责任公司', '股份有限公司', '有限公司', '商行', '工作室', '合作社'];

export function companyName(r: Prng): string {
  const city = r.pick(['杭州', '宁波', '浙江', '南京', '武汉', '成都', '广州', '济南']);
  return city + r.pick(TRADE) + r.pick(TRADE) + r.pick(INDUSTRY) + r.pick(FORMS);
}

export function institutionName(r: Prng): string {
  const x = r.next();
  const place = r.pick(['上城区', '西湖区', '萧山区', '江宁区', '武昌区', '锦江区']);
  if (x < 0.3) return place + r.pick(['湖滨', '西溪', '城厢', '长河', '东湖']) + '社区卫生服务中心';
  if (x < 0.5) return `${place}第${r.between(1, 20)}${r.pick(['小学', '中学', '幼儿园', '人民医院'])}`;
  if (x < 0.7) return place + r.pick(['人民政府', '市场监督管理局', '民政局', '城市管理局', '便民服务中心']);
  return r.pick(['杭州市', '宁波市', '南京市']) + r.pick(['第一人民医院', '中医院', '妇幼保健院', '儿童医院', '实验学校', '图书馆']);
}

/** A shop run under a person's name (个体工商户): contains a name, but is an organisation name. */
export function shopName(r: Prng): string {
  return `${r.pick(['上城区', '西湖区', '萧山区'])}${personName(r)}${r.pick(['五金店', '小吃店', '便利店', '理发店', '水果店', '服装店'])}`;
}

export function serial(r: Prng, prefix: string, n: number): string {
  return prefix + digits(r, n);
}

/** An n-digit number that is not checked by anything (order numbers, account keys). */
export function numeric(r: Prng, n: number): string {
  return String(r.between(1, 9)) + digits(r, n - 1);
}

export function amount(r: Prng, max = 100000): string {
  return (r.next() * max).toFixed(2);
}

export function integer(r: Prng, min: number, max: number): number {
  return r.between(min, max);
}

export function areaCode(r: Prng): string {
  return r.pick(AREA_CODES);
}

export function postcode(r: Prng): string {
  return r.pick(['31', '32', '21', '25', '43', '61', '51']) + digits(r, 4);
}

export function orgCodeLike(r: Prng): string {
  return digits(r, 8) + '-' + r.pick(chars('0123456789X'));
}

export function gbCode(r: Prng, prefix: string, n: number): string {
  return prefix + digits(r, n);
}

export function hotlineNumber(r: Prng): string {
  return r.pick(['12345', '12315', '12369', '110', '120', '96345', '12333', '12320']);
}

/** A short category drawn from a fixed list (status, type, level …). */
export const oneOf = (items: readonly (string | number)[]): Maker => (r) => r.pick(items);

const COMPLAINTS = [
  '小区门口有人占道经营，影响通行，请尽快处理。',
  '楼下餐馆油烟扰民，多次反映未解决。',
  '路灯损坏已有一周，夜间出行不便。',
  '施工噪音夜间持续到凌晨，严重影响休息。',
  '反映某公司拖欠工资三个月，请求协调。',
  '垃圾分类点长期满溢，异味明显。',
  '建议在学校门口增设红绿灯。',
  '咨询新生儿医保参保办理流程。',
  '共享单车乱停放堵塞盲道。',
  '反映物业费收费标准不透明。',
];

export function complaint(r: Prng): string {
  return r.pick(COMPLAINTS) + (r.chance(0.3) ? `联系电话${mobile(r)}。` : '');
}

export function gpsPair(r: Prng): string {
  return `${(120 + r.next()).toFixed(6)},${(30 + r.next()).toFixed(6)}`;
}

export { digits, pad };

// ---- the way real exports mangle values ---------------------------------------------------

/** A value shown masked, as systems that already desensitise their exports write it. */
export function maskedId(r: Prng): string {
  const id = idNumber(r);
  return id.slice(0, 6) + '********' + id.slice(14);
}

export function maskedMobile(r: Prng): string {
  const m = mobile(r);
  return m.slice(0, 3) + '****' + m.slice(7);
}

/** Two numbers in one cell, as contact fields often hold them. */
export function twoPhones(r: Prng): string {
  return `${mobile(r)}${r.pick(['/', '、', ',', ' ', '；'])}${r.chance(0.5) ? mobile(r) : landline(r)}`;
}

/** A local landline number without its area code. */
export function localLandline(r: Prng): string {
  return String(r.between(2, 8)) + digits(r, 7);
}

export function birthMonth(r: Prng): string {
  const y = r.between(1940, 2010);
  const m = r.between(1, 12);
  return r.chance(0.5) ? `${y}-${pad(m, 2)}` : r.chance(0.5) ? `${y}${pad(m, 2)}` : `${y}.${m}`;
}

export function salutation(r: Prng): string {
  return personName(r).slice(0, 1) + r.pick(['先生', '女士', '师傅', '阿姨']);
}

export function pinyinName(r: Prng): string {
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return `${cap(r.pick(PINYIN))} ${cap(r.pick(GIVEN_PY))}${r.chance(0.4) ? r.pick(GIVEN_PY) : ''}`;
}

const FOREIGN_SURNAMES = ['SMITH', 'KIM', 'TANAKA', 'MUELLER', 'GARCIA', 'IVANOV', 'NGUYEN', 'PARK', 'SATO', 'BROWN', 'MARTIN', 'LEE', 'SILVA', 'KHAN', 'ROSSI'];
const FOREIGN_GIVEN = ['JOHN', 'MINJUN', 'YUKI', 'ANNA', 'LUIS', 'IGOR', 'MARIA', 'DAVID', 'HIROSHI', 'SOFIA', 'AHMED', 'EMMA', 'JIWOO', 'PAUL', 'OLGA'];

export function foreignName(r: Prng): string {
  return `${r.pick(FOREIGN_SURNAMES)} ${r.pick(FOREIGN_GIVEN)}`;
}

export function spacedBankCard(r: Prng): string {
  return bankCard(r).replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function hex(r: Prng, n: number): string {
  return Array.from({ length: n }, () => '0123456789abcdef'[r.int(16)]).join('');
}

export function regionOnly(r: Prng): string {
  const [prov, city, districts] = r.pick(CITIES);
  return prov + city + r.pick(districts);
}

export function qqNumber(r: Prng): string {
  return numeric(r, r.between(6, 11));
}

/** Documents of any type in one 证件号码 column: mostly ID numbers, some passports. */
export function anyDocument(r: Prng): string {
  return r.chance(0.8) ? idNumber(r) : passport(r);
}

export function brand(r: Prng): string {
  return r.pick(['华为', '小米', '格力', '美的', '海尔', '联想', '方太', '老板', '苏泊尔', '九阳']);
}
