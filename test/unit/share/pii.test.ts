/** The PII scanner: each kind found in its columns and not in its look-alikes, and its figures on the labelled set. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PII_KINDS, scanColumn, suggestClassification, type PiiFinding } from '../../../src/share/classify/index.ts';
import { idCardCheckDigit, usccCheckChar } from '../../../src/standards/index.ts';
import { HELD_OUT, loadLabelledColumns, piiFigures, score } from '../../../bench/pii.ts';

/** A small deterministic sequence, so the columns below are the same on every run. */
function seq(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}
const rnd = seq(7);
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rnd() * 10)).join('');
const pad2 = (n: number) => String(n).padStart(2, '0');
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const AREAS = ['110101', '310104', '330106', '440305', '510107', '420106', '320102'];
function idNumber(i: number): string {
  const first17 = AREAS[i % AREAS.length]! + (1950 + ((i * 7) % 55)) + pad2(1 + (i % 12)) + pad2(1 + ((i * 3) % 28)) + digits(3);
  return first17 + idCardCheckDigit(first17);
}
function luhnDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}
const card = (len: number) => {
  const body = '622202' + digits(len - 7);
  return body + luhnDigit(body);
};
const notCard = (len: number) => {
  const body = '622202' + digits(len - 7);
  return body + ((luhnDigit(body) + 1) % 10);
};
function uscc(i: number): string {
  const first17 = ['91', '92', '93', '12'][i % 4]! + AREAS[i % AREAS.length]! + digits(8) + 'A';
  return first17 + usccCheckChar(first17);
}

const NAMES = ['张伟', '王秀英', '李娜', '欧阳娜娜', '刘洋', '陈静', '杨帆', '诸葛亮明', '赵磊', '黄晓明', '周杰', '吴敏', '徐丽', '孙浩然', '马超', '朱琳', '胡军', '郭靖', '何欣怡', '高远', '林子涵', '罗平', '郑爽', '梁静茹', '谢霆', '宋佳', '唐嫣然', '韩梅梅', '冯巩', '买买提·艾力'];
const ADDRESSES = times(30, (i) =>
  i % 3 === 0
    ? `浙江省杭州市西湖区${['文一西路', '古墩路', '天目山路'][i % 3]}${100 + i}号${i + 1}幢${i % 4 + 1}单元${1001 + i}室`
    : i % 3 === 1
      ? `杭州市萧山区瓜沥镇新民村${i % 20 + 1}组${i + 3}号`
      : `上城区湖滨街道解放路${200 + i}号`,
);

function col(name: string, title: string, values: unknown[]): PiiFinding {
  return scanColumn({ name, title, values });
}
function assertKind(f: PiiFinding, kind: string | null, why: string): void {
  assert.equal(f.kind, kind, `${why}: ${f.evidence}`);
}

test('id_card: 18-digit numbers with a valid check digit and the old 15-digit form; not serials that fail the check', () => {
  const ids = times(30, idNumber);
  const f = col('gmsfhm', '公民身份号码', ids);
  assertKind(f, 'id_card', 'ID numbers');
  assert.deepEqual([f.level, f.element, f.mask, f.matched, f.sampled], ['L4', 'id_card', 'id', 30, 30]);
  assert.ok(f.confidence >= 0.9);
  assertKind(col('c1', '', ids), 'id_card', 'ID numbers under a meaningless name');
  const old = times(30, (i) => AREAS[i % AREAS.length]! + String(50 + (i % 40)) + pad2(1 + (i % 12)) + pad2(1 + (i % 28)) + digits(3));
  assertKind(col('sfzh', '身份证号', old), 'id_card', '15-digit numbers');
  // One wrong check digit each: the shape of an ID number, but none is one.
  const broken = ids.map((id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1'));
  assertKind(col('c1', '', broken), null, 'ID-shaped numbers failing the check');
  assertKind(col('ddh', '订单号', times(30, () => '2' + digits(17))), null, '18-digit order numbers');
  assertKind(col('cjzh', '残疾人证号', ids.map((id) => id + '21')), null, 'certificate numbers that embed an ID number');
});

test('mobile: bare, +86 and spaced; not 11-digit case numbers', () => {
  const mobiles = times(30, (i) => `1${3 + (i % 7)}${digits(9)}`);
  const written = mobiles.map((m, i) => (i % 3 === 0 ? '+86' + m : i % 3 === 1 ? `${m.slice(0, 3)} ${m.slice(3, 7)} ${m.slice(7)}` : m));
  const f = col('lxdh', '联系电话', written);
  assertKind(f, 'mobile', 'mobiles');
  assert.deepEqual([f.level, f.element, f.mask], ['L3', 'mobile', 'phone']);
  assertKind(col('x', '', mobiles.map(Number)), 'mobile', 'mobiles stored as numbers');
  assertKind(col('ajbh', '案件编号', times(30, () => '2024' + digits(7))), null, '11-digit case numbers');
});

test('landline: area codes, brackets and extensions; not mobiles, not bare codes', () => {
  const nums = times(30, (i) => [`0571-8${digits(7)}`, `(010)6${digits(7)}`, `021-5${digits(7)}-${100 + i}`, `0755 2${digits(7)}`, `02587${digits(6)}转${i + 10}`][i % 5]!);
  const f = col('bgdh', '办公电话', nums);
  assertKind(f, 'landline', 'landlines');
  assert.deepEqual([f.level, f.element, f.mask], ['L3', 'phone', 'phone']);
  assertKind(col('sbbh', '设备编号', times(30, () => '8' + digits(7))), null, '8-digit device numbers');
  const mixed = times(30, (i) => (i % 10 < 4 ? `139${digits(8)}` : i % 10 < 7 ? `0571-8${digits(7)}` : ['无', '不详', '见备注'][i % 3]!));
  assertKind(col('lxdh', '联系电话', mixed), 'mobile', 'mobiles and landlines mixed, mobiles more');
});

test('person_name: single and compound surnames, minority names; not company names, categories or shop names', () => {
  const f = col('xm', '姓名', NAMES);
  assertKind(f, 'person_name', 'names');
  assert.deepEqual([f.level, f.element, f.mask], ['L3', null, 'name']);
  assertKind(col('c2', '', NAMES), 'person_name', 'names under a meaningless name');
  assertKind(col('legalRepresentative', '', NAMES), 'person_name', 'a camel-case English name');
  assertKind(col('JBR', '经办人', NAMES), 'person_name', 'a role title ending in 人');
  assertKind(col('dwmc', '单位名称', times(30, (i) => `杭州${['恒达', '盛华', '鑫瑞'][i % 3]}科技有限公司`)), null, 'company names');
  assertKind(col('fddbr', '法定代表人', times(30, (i) => `杭州${NAMES[i]!.slice(1)}贸易有限公司`)), null, 'company names under a person role');
  assertKind(col('mz', '民族', times(30, (i) => ['汉族', '回族', '满族'][i % 3])), null, 'ethnic groups');
  assertKind(col('yhzgx', '与户主关系', times(30, (i) => ['户主', '配偶', '子', '女', '父亲'][i % 5])), null, 'relations');
  assertKind(col('c3', '', times(30, (i) => ['温州', '金华', '徐州', '常州', '杭州', '宁波'][i % 6]! + ['市', ''][i % 2])), null, 'city names');
  const brands = ['王老吉', '周大福', '李宁', '张小泉', '马应龙', '杨国福', '黄飞红', '刘一手', '谭木匠', '钱大妈', '孔乙己', '鲁花', '苏宁', '冯记', '马大姐',
    '沈大成', '徐福记', '吴裕泰', '汪裕泰', '陈克明', '郑明明', '孙记', '朱老六', '何记', '高老庄', '林家铺', '罗森', '梁山', '宋城', '唐宫'];
  assertKind(col('qyjc', '企业简称', brands), null, 'trade names that look like person names, titled as organisations');
  assertKind(col('pp', '品牌', times(30, (i) => ['华为', '方太', '万和', '江淮', '金龙'][i % 5]!)), null, 'a few brands, repeated');
  const places = ['林业局', '金华市', '温州市', '黄山区', '江干区', '杨浦区', '徐州市', '常州市', '苏州市', '高新区', '白云区', '龙岗区', '罗湖区', '何家村', '张家村',
    '陈家镇', '周庄镇', '吴江区', '钱塘区', '余杭区', '萧山区', '宋城站', '汤山镇', '石门县', '沈北区', '姚江路', '卢湾区', '蒋村街', '韩城市', '冯村乡'];
  assertKind(col('c8', '', places), null, 'distinct place and office names that start with a surname');
  assertKind(col('zdmc', '诊断名称', times(30, (i) => ['高血压', '白内障', '冠心病', '糖尿病', '胃炎'][i % 5])), null, 'diagnoses');
});

test('address: door-level addresses; not streets, crossings, regions or complaints that mention a place', () => {
  const f = col('jzdz', '居住地址', ADDRESSES);
  assertKind(f, 'address', 'addresses');
  assert.deepEqual([f.level, f.mask], ['L3', 'address']);
  assertKind(col('c4', '', ADDRESSES), 'address', 'addresses under a meaningless name');
  assertKind(col('dlmc', '道路名称', times(30, (i) => ['文一西路', '古墩路', '湖滨街道', '天目山路'][i % 4]!)), null, 'road names');
  assertKind(col('fsdd', '发生地点', times(30, (i) => `文${i}路与古墩路交叉口`)), null, 'crossings');
  assertKind(col('hjd', '户籍地', times(30, (i) => ['浙江省杭州市西湖区', '江苏省南京市玄武区'][i % 2]!)), null, 'regions');
  assertKind(col('sqnr', '诉求内容', ADDRESSES.map((a) => `反映${a}门口占道经营，请处理。`)), null, 'complaints');
});

test('bank_card: 16-19 digits passing Luhn; not serials of that length that fail it', () => {
  const cards = times(30, (i) => card([16, 17, 18, 19][i % 4]!));
  const f = col('yhkh', '银行卡号', cards);
  assertKind(f, 'bank_card', 'card numbers');
  assert.deepEqual([f.level, f.element, f.mask], ['L4', null, 'bankcard']);
  assertKind(col('c5', '', cards.map((c) => c.replace(/(\d{4})(?=\d)/g, '$1 '))), 'bank_card', 'spaced card numbers under a meaningless name');
  assertKind(col('lsh', '流水号', times(30, (i) => notCard([16, 19][i % 2]!))), null, 'serials failing Luhn');
  const luhnNotCard = times(30, () => {
    const body = '9' + digits(14);
    return body + luhnDigit(body);
  });
  assertKind(col('c9', '', luhnNotCard), null, 'Luhn-valid numbers outside the card issuer prefixes');
  assertKind(col('skzh', '收款账号', times(30, (i) => notCard(17 + (i % 3)))), null, 'account numbers failing Luhn');
});

test('email, licence_plate, uscc, passport', () => {
  const mails = times(30, (i) => [`zhang${i}@163.com`, `${10000 + i * 7}@qq.com`, `li.na${i}@example.gov.cn`][i % 3]!);
  const e = col('dzyx', '电子邮箱', mails);
  assertKind(e, 'email', 'emails');
  assert.deepEqual([e.level, e.element, e.mask], ['L3', 'email', 'email']);
  assertKind(col('wb', '微博账号', times(30, (i) => `@用户${i}`)), null, 'social handles');

  const plates = times(30, (i) => ['浙A12345', '京AD12345', '沪B·7X3K2', '粤B12345D', '苏E1234警', '使014578', '川A5678学', '浙A1234领'][i % 8]!.replace('5', String(i % 10)));
  const p = col('cph', '车牌号', plates);
  assertKind(p, 'licence_plate', 'plates');
  assert.deepEqual([p.level, p.mask], ['L3', 'keep']);
  assertKind(col('c6', '', times(30, (i) => `A${100000 + i * 37}`)), null, 'letter-and-digit codes');

  const codes = times(30, uscc);
  const u = col('tyshxydm', '统一社会信用代码', codes);
  assertKind(u, 'uscc', 'credit codes');
  assert.deepEqual([u.level, u.element], ['L1', 'uscc']);
  assertKind(col('ddbh', '订单编号', times(30, () => 'DD' + digits(8) + 'ABCDEFGH')), null, '18-character order codes');

  const pass = times(30, (i) => [`E${digits(8)}`, `EA${digits(7)}`, `G${digits(8)}`][i % 3]!);
  const q = col('hzhm', '护照号码', pass);
  assertKind(q, 'passport', 'passports');
  assert.equal(q.level, 'L4');
  assertKind(col('hzhm', '护照号码', times(30, () => `M${digits(8)}`)), 'passport', 'foreign passports, named so');
  assertKind(col('sbbh', '设备编号', times(30, () => `E${digits(8)}`)), null, 'E-numbered devices');
  assertKind(col('ybkh', '医保卡号', times(30, () => `A${digits(8)}`)), null, 'insurance card numbers');
});

test('birth_date: named births, births spread over generations; not registration dates or recent events', () => {
  const births = times(30, (i) => `${1940 + ((i * 13) % 65)}-${pad2(1 + (i % 12))}-${pad2(1 + (i % 28))}`);
  const f = col('csrq', '出生日期', births);
  assertKind(f, 'birth_date', 'birth dates');
  assert.deepEqual([f.level, f.element, f.mask], ['L3', 'date', 'year']);
  assertKind(col('djrq', '登记日期', births), null, 'the same dates named as registrations');
  assertKind(col('c7', '', births), 'birth_date', 'births under a meaningless name');
  assertKind(col('c7', '', times(30, (i) => `20${10 + (i % 14)}-${pad2(1 + (i % 12))}-15`)), null, 'recent dates under a meaningless name');
  assertKind(col('c7', '', times(30, (i) => `198${i % 5}-${pad2(1 + (i % 12))}-10`)), null, 'old dates within five years: an archive, not a population');
  assertKind(col('csny', '出生年月', times(30, (i) => `${1950 + i}-${pad2(1 + (i % 12))}`)), 'birth_date', '出生年月 without the day');
  assertKind(col('cstz', '出生体重（克）', times(30, (i) => 2600 + i * 40)), null, 'birth weights');
});

test('masked values keep their kind; looser forms count only when the name points to the kind', () => {
  const ids = times(30, idNumber);
  assertKind(col('sfzh', '身份证号', ids.map((id) => id.slice(0, 6) + '********' + id.slice(14))), 'id_card', 'masked ID numbers');
  assertKind(col('sjhm', '手机号码', times(30, (i) => `1${3 + (i % 7)}${digits(1)}****${digits(4)}`)), 'mobile', 'masked mobiles');
  assertKind(col('xm', '姓名', NAMES.slice(0, 29).map((n) => n[0] + '*' + n.slice(-1))), 'person_name', 'masked names');
  assertKind(col('c1', '', NAMES.map((n) => n[0] + '*')), null, 'a surname and a star, named nothing');
  assertKind(col('zzdh', '住宅电话', times(30, () => '8' + digits(7))), 'landline', 'local numbers named as phones');
  assertKind(col('pinyin', '姓名拼音', times(30, (i) => `Zhang Wei${'abcdefghijklmnopqrstuvwxyzabcd'[i]}`)), 'person_name', 'pinyin names');
  assertKind(col('c2', '', times(30, (i) => `Zhang Wei${'abcdefghijklmnopqrstuvwxyzabcd'[i]}`)), null, 'two Latin words, named nothing');
  assertKind(col('csnf', '出生年份', times(30, (i) => String(1950 + i))), 'birth_date', 'birth years');
  assertKind(col('nf', '年份', times(30, (i) => String(1990 + i))), null, 'years, not of birth');
});

test('no personal information: amounts, area codes, postcodes, counts, statuses', () => {
  for (const [name, title, values] of [
    ['zczb', '注册资本', times(30, (i) => (i * 123.45).toFixed(2))],
    ['xzqh', '行政区划代码', times(30, (i) => AREAS[i % AREAS.length]!)],
    ['yzbm', '邮政编码', times(30, () => '31' + digits(4))],
    ['rs', '人数', times(30, (i) => i * 3)],
    ['zt', '状态', times(30, (i) => ['正常', '注销'][i % 2]!)],
  ] as Array<[string, string, unknown[]]>) {
    const f = col(name, title, values);
    assertKind(f, null, title);
    assert.deepEqual([f.level, f.element, f.mask], [null, null, null]);
    assert.ok(f.confidence > 0.5, `${title}: sure there is none`);
  }
  const empty = col('xm', '姓名', [null, '', '  ']);
  assert.deepEqual([empty.kind, empty.sampled, empty.confidence], [null, 0, 0]);
});

test('evidence says why, in Chinese and English', () => {
  const f = col('sfzh', '身份证号', times(30, idNumber));
  const [zh, en] = f.evidence.split(' · ');
  assert.match(zh!, /身份证号.*30\/30.*身份证号/);
  assert.match(en!, /30\/30 values pass the GB 11643 check/);
});

test('suggestClassification: one suggestion per field, beside its current level', () => {
  const rows = times(30, (i) => ({ xm: NAMES[i], sfzh: idNumber(i), je: i * 10 }));
  const out = suggestClassification([{ name: 'xm', title: '姓名', sensitivity: 'L2' }, { name: 'sfzh' }, { name: 'je', title: '金额' }], rows);
  assert.deepEqual(out.map((s) => [s.field, s.current, s.finding.kind, s.finding.level]), [
    ['xm', 'L2', 'person_name', 'L3'],
    ['sfzh', undefined, 'id_card', 'L4'],
    ['je', undefined, null, null],
  ]);
  assert.equal(PII_KINDS.length, 11);
});

test('on the labelled set: precision and recall at least 0.95, overall and on the held-out source', async () => {
  const all = await piiFigures();
  assert.ok(all.columns >= 300, `${all.columns} columns`);
  const misses = all.misses.map((m) => `${m.source}/${m.name} ${m.label || '-'}→${m.finding.kind ?? '-'}`).join('; ');
  assert.ok(all.precision >= 0.95, `precision ${all.precision}: ${misses}`);
  assert.ok(all.recall >= 0.95, `recall ${all.recall}: ${misses}`);
  const held = score(loadLabelledColumns([HELD_OUT]));
  assert.ok(held.columns > 50 && held.precision >= 0.95 && held.recall >= 0.95, `held out: ${held.precision} / ${held.recall}`);
});
