/**
 * Shared test vectors. The unit test runs every vector through the TS validator AND the
 * DuckDB macros and requires both to give exactly this result.
 *
 * Check digits here were computed independently of the code under test.
 */
import type { ElementParams } from './types.ts';

export interface Vector {
  element: string;
  input: string | null;
  params?: ElementParams;
  ok: boolean;
  reason?: string;
  normalized?: string;
  flag?: string;
  note?: string;
}

/** Legacy USCC allow-list the vectors are run with. */
export const VECTOR_USCC_LEGACY = ['91330106MA2H12340X'];

const ok = (element: string, input: string, normalized: string, note?: string, params?: ElementParams): Vector => ({
  element, input, ok: true, normalized, ...(note ? { note } : {}), ...(params ? { params } : {}),
});
const bad = (element: string, input: string | null, reason: string, note?: string, params?: ElementParams): Vector => ({
  element, input, ok: false, reason, ...(note ? { note } : {}), ...(params ? { params } : {}),
});

export const VECTORS: Vector[] = [
  // ---- 公民身份号码 GB 11643
  ok('id_card', '11010519491231002X', '11010519491231002X', 'GB 11643 example'),
  ok('id_card', '11010519491231002x', '11010519491231002X', 'lower-case x'),
  ok('id_card', ' 11010519491231002X  ', '11010519491231002X', 'surrounding spaces'),
  ok('id_card', '１１０１０５１９４９１２３１００２Ｘ', '11010519491231002X', 'full-width'),
  ok('id_card', '330106199003071236', '330106199003071236'),
  ok('id_card', '330103198502154569', '330103198502154569', '330103 下城区: abolished 2021, still valid in IDs'),
  ok('id_card', '132121197001013218', '132121197001013218', '132121 大名县 under 邯郸地区 (1990s code)'),
  ok('id_card', '11010519000101001X', '11010519000101001X', 'earliest accepted birth date'),
  ok('id_card', '330106202402291230', '330106202402291230', 'leap day'),
  ok('id_card', '110105491231002', '11010519491231002X', '15-digit upgraded'),
  ok('id_card', '330106900307123', '330106199003071236', '15-digit upgraded'),
  bad('id_card', null, 'empty'),
  bad('id_card', '', 'empty'),
  bad('id_card', '   ', 'empty'),
  bad('id_card', '11010519491231002', 'length', '17 characters'),
  bad('id_card', '11010519491231002X1', 'length', '19 characters'),
  bad('id_card', '1101051949123100XX', 'charset', 'X not in last place'),
  bad('id_card', '11010519491231002Y', 'charset'),
  bad('id_card', '11010549123100A', 'charset', '15 with letter'),
  bad('id_card', '999999199001011238', 'area'),
  bad('id_card', '440524188001010014', 'birthdate', 'GB 11643 example born 1880: before 1900'),
  bad('id_card', '110105189912310015', 'birthdate', '1899'),
  bad('id_card', '330106202302291233', 'birthdate', '2023-02-29 does not exist'),
  bad('id_card', '330106199002301239', 'birthdate', 'Feb 30'),
  bad('id_card', '330106899901011232', 'birthdate', 'in the future'),
  bad('id_card', '330106991301123', 'birthdate', '15-digit, month 13'),
  bad('id_card', '330106199003071245', 'checksum'),
  bad('id_card', '330106199003071235', 'checksum', 'one digit off'),
  bad('id_card', '11010519491231002１', 'checksum', 'full-width last digit, wrong'),

  // ---- 统一社会信用代码 GB 32100
  ok('uscc', '91110000100017643K', '91110000100017643K'),
  ok('uscc', '91330106MA2H12349J', '91330106MA2H12349J'),
  ok('uscc', '91330106ma2h12349j', '91330106MA2H12349J', 'lower case'),
  ok('uscc', ' 91330106MA2H12349J ', '91330106MA2H12349J'),
  ok('uscc', '52330100MA2H12349W', '52330100MA2H12349W', '民政 民办非企业单位'),
  ok('uscc', '93330106D234567850', '93330106D234567850', '农民专业合作社'),
  ok('uscc', '1210000040000000XN', '1210000040000000XN', 'national-level 100000'),
  ok('uscc', 'Y1330106D23456785G', 'Y1330106D23456785G'),
  ok('uscc', '91330103D23456785T', '91330103D23456785T', 'historical area code'),
  { element: 'uscc', input: '91330106MA2H12340X', ok: true, normalized: '91330106MA2H12340X', flag: 'legacy', note: 'allow-listed legacy code' },
  bad('uscc', null, 'empty'),
  bad('uscc', '91330106MA2H12349', 'length'),
  bad('uscc', '91330106MA2H12349JJ', 'length'),
  bad('uscc', '91330106MA2H1234IJ', 'charset', 'I is not used'),
  bad('uscc', '91330106MA2H1234OJ', 'charset', 'O is not used'),
  bad('uscc', '91330106MA2H12349K', 'checksum'),
  bad('uscc', '91330106MA2H12348J', 'checksum'),
  bad('uscc', 'B1330106D234567854', 'authority', 'no registration authority B'),
  bad('uscc', '0133010612345678XH', 'authority', 'no registration authority 0'),
  bad('uscc', '94330106D23456785W', 'type', '工商 has no type 4'),
  bad('uscc', '91999999D23456785N', 'area'),

  // ---- 组织机构代码 GB 11714
  ok('org_code', 'MA2H12349', 'MA2H12349'),
  ok('org_code', 'MA2H1234-9', 'MA2H12349', 'dash form'),
  ok('org_code', '12345678-8', '123456788'),
  ok('org_code', 'MA1G4L1W0', 'MA1G4L1W0', 'check 11 → 0'),
  ok('org_code', '40000000X', '40000000X', 'check 10 → X'),
  ok('org_code', 'a1b2c3d4-8', 'A1B2C3D48'),
  bad('org_code', '', 'empty'),
  bad('org_code', '1234567-8', 'length'),
  bad('org_code', '12345678-88', 'length'),
  bad('org_code', '1234567$8', 'charset'),
  bad('org_code', '12345678-7', 'checksum'),

  // ---- 行政区划代码 GB/T 2260
  ok('area_code', '330106', '330106'),
  ok('area_code', '330000', '330000'),
  ok('area_code', '330103', '330103', 'historical'),
  ok('area_code', '３３０１０６', '330106'),
  bad('area_code', '', 'empty'),
  bad('area_code', '33010', 'format'),
  bad('area_code', '33010a', 'format'),
  bad('area_code', '999999', 'unknown'),
  bad('area_code', '330199', 'unknown'),

  // ---- 手机号码
  ok('mobile', '13812345678', '13812345678'),
  ok('mobile', '+86 138 1234 5678', '13812345678'),
  ok('mobile', '86-138-1234-5678', '13812345678'),
  ok('mobile', '008613812345678', '13812345678'),
  ok('mobile', '１３８１２３４５６７８', '13812345678'),
  ok('mobile', '19912345678', '19912345678'),
  bad('mobile', null, 'empty'),
  bad('mobile', '12812345678', 'format', '12x is not a mobile prefix'),
  bad('mobile', '1381234567', 'format', '10 digits'),
  bad('mobile', '138123456789', 'format', '12 digits'),
  bad('mobile', '0571-87654321', 'format'),

  // ---- 固定电话
  ok('phone', '0571-87654321', '0571-87654321'),
  ok('phone', '057187654321', '0571-87654321'),
  ok('phone', '(0571)87654321', '0571-87654321'),
  ok('phone', '010-62345678', '010-62345678'),
  ok('phone', '01062345678', '010-62345678'),
  ok('phone', '021 6234 5678', '021-62345678'),
  ok('phone', '0571-8765432', '0571-8765432', '7-digit local'),
  ok('phone', '0571-87654321-123', '0571-87654321-123'),
  ok('phone', '0571-87654321转8001', '0571-87654321-8001'),
  ok('phone', '０５７１－８７６５４３２１', '0571-87654321', 'full-width'),
  bad('phone', '', 'empty'),
  bad('phone', '87654321', 'format', 'no area code'),
  bad('phone', '0571-07654321', 'format', 'local number starts with 0'),
  bad('phone', '13812345678', 'format'),
  bad('phone', '0571-876543210', 'format', '9-digit local'),

  // ---- 邮政编码
  ok('postcode', '310000', '310000'),
  ok('postcode', ' 310012 ', '310012'),
  bad('postcode', '', 'empty'),
  bad('postcode', '31000', 'format'),
  bad('postcode', '3100001', 'format'),
  bad('postcode', '31000A', 'format'),

  // ---- 电子邮箱
  ok('email', 'zhang.san@Example.GOV.cn', 'zhang.san@example.gov.cn'),
  ok('email', 'a+b_c-d%e@sub-domain.example.org', 'a+b_c-d%e@sub-domain.example.org'),
  ok('email', 'user＠example.com', 'user@example.com', 'full-width @'),
  bad('email', '', 'empty'),
  bad('email', 'zhangsan', 'format'),
  bad('email', 'zhang..san@example.com', 'format'),
  bad('email', '.zhang@example.com', 'format'),
  bad('email', 'zhang@example', 'format', 'no TLD'),
  bad('email', 'zhang@-example.com', 'format'),
  bad('email', 'zhang san@example.com', 'format'),
  bad('email', `${'a'.repeat(250)}@example.com`, 'length'),

  // ---- 日期
  ok('date', '2023-01-05', '2023-01-05'),
  ok('date', '2023/1/5', '2023-01-05'),
  ok('date', '2023.01.05', '2023-01-05'),
  ok('date', '20230105', '2023-01-05'),
  ok('date', '2023年1月5日', '2023-01-05'),
  ok('date', '2023年01月05号', '2023-01-05'),
  ok('date', '2023 年 1 月 5 日', '2023-01-05'),
  ok('date', '2023-1-5', '2023-01-05'),
  ok('date', '2023-01-05 00:00:00', '2023-01-05', 'time dropped'),
  ok('date', '2023-01-05T08:30', '2023-01-05'),
  ok('date', '２０２３－０１－０５', '2023-01-05', 'full-width'),
  ok('date', '2024-02-29', '2024-02-29', 'leap day'),
  ok('date', '2000-02-29', '2000-02-29', 'leap century'),
  bad('date', null, 'empty'),
  bad('date', '2023-02-30', 'invalid'),
  bad('date', '2023-02-29', 'invalid'),
  bad('date', '1900-02-29', 'invalid', 'not a leap year'),
  bad('date', '2023-13-01', 'invalid'),
  bad('date', '2023-00-10', 'invalid'),
  bad('date', '20230132', 'invalid'),
  bad('date', '0999-01-01', 'invalid', 'before year 1000'),
  bad('date', '2023-1', 'format'),
  bad('date', '05/01/2023', 'format', 'day-first is ambiguous, not accepted'),
  bad('date', '2023-01-05x', 'format'),
  bad('date', '202315', 'format'),
  ok('date', '1990-05-01', '1990-05-01', 'within range', { min: '1900-01-01', max: '2000-12-31' }),
  bad('date', '2001-01-01', 'range', 'after max', { min: '1900-01-01', max: '2000-12-31' }),
  bad('date', '1899-12-31', 'range', 'before min', { min: '1900-01-01' }),
  bad('date', '2999-01-01', 'range', 'future', { max: 'today' }),

  // ---- 性别 GB/T 2261.1
  ok('gender', '1', '1'),
  ok('gender', '2', '2'),
  ok('gender', '0', '0'),
  ok('gender', '9', '9'),
  ok('gender', '男', '1'),
  ok('gender', '女', '2'),
  ok('gender', '男性', '1'),
  ok('gender', 'female', '2'),
  ok('gender', 'M', '1'),
  ok('gender', ' 女 ', '2'),
  ok('gender', '未说明的性别', '9'),
  bad('gender', '', 'empty'),
  bad('gender', '3', 'unknown'),
  bad('gender', '男女', 'unknown'),

  // ---- 民族 GB/T 3304
  ok('ethnicity', '01', '01'),
  ok('ethnicity', '1', '01'),
  ok('ethnicity', '汉族', '01'),
  ok('ethnicity', '汉', '01'),
  ok('ethnicity', '蒙古', '02'),
  ok('ethnicity', '维吾尔族', '05'),
  ok('ethnicity', '基诺族', '56'),
  ok('ethnicity', '56', '56'),
  ok('ethnicity', '崩龙族', '46', 'former name of 德昂族'),
  ok('ethnicity', '97', '97'),
  ok('ethnicity', '外国血统中国籍人士', '98'),
  bad('ethnicity', null, 'empty'),
  bad('ethnicity', '57', 'unknown'),
  bad('ethnicity', '00', 'unknown'),
  bad('ethnicity', '火星族', 'unknown'),

  // ---- templates
  ok('code_table', '10', '10', 'code', { codes: { '10': '未婚', '20': '已婚', '30': '丧偶', '40': '离婚' } }),
  ok('code_table', '已婚', '20', 'label', { codes: { '10': '未婚', '20': '已婚', '30': '丧偶', '40': '离婚' } }),
  ok('code_table', 'B', 'B', 'list form', { codes: [{ code: 'A', label: '甲' }, { code: 'B', label: '乙' }] }),
  bad('code_table', '已婚', 'unknown', 'labels off', { codes: { '10': '未婚', '20': '已婚' }, matchLabel: false }),
  bad('code_table', '50', 'unknown', undefined, { codes: { '10': '未婚', '20': '已婚' } }),
  bad('code_table', '', 'empty', undefined, { codes: { '10': '未婚' } }),
  ok('enum', 'A', 'A', undefined, { values: ['A', 'B', 'C'] }),
  bad('enum', 'a', 'unknown', 'case-sensitive by default', { values: ['A', 'B', 'C'] }),
  ok('enum', 'b', 'B', 'case-insensitive', { values: ['A', 'B', 'C'], caseSensitive: false }),
  ok('regex', 'ZJ-2023-001', 'ZJ-2023-001', undefined, { pattern: '[A-Z]{2}-[0-9]{4}-[0-9]{3}' }),
  bad('regex', 'ZJ-2023-0011', 'pattern', 'full match required', { pattern: '[A-Z]{2}-[0-9]{4}-[0-9]{3}' }),
  ok('regex', 'zj-2023-001', 'zj-2023-001', 'flag i', { pattern: '[A-Z]{2}-[0-9]{4}-[0-9]{3}', flags: 'i' }),
  ok('range', '42', '42', undefined, { min: 0, max: 150 }),
  ok('range', '0', '0', 'min inclusive', { min: 0, max: 150 }),
  ok('range', '150.0', '150.0', 'max inclusive', { min: 0, max: 150 }),
  bad('range', '151', 'range', undefined, { min: 0, max: 150 }),
  bad('range', '-1', 'range', undefined, { min: 0, max: 150 }),
  bad('range', 'abc', 'format', undefined, { min: 0, max: 150 }),
  bad('range', '1e3', 'format', 'no exponent form', { min: 0 }),
  bad('range', '4.5', 'format', 'integer only', { integer: true }),
  ok('length', '张三', '张三', undefined, { min: 2, max: 4 }),
  bad('length', '张', 'length', undefined, { min: 2, max: 4 }),
  bad('length', '欧阳娜娜娜', 'length', undefined, { min: 2, max: 4 }),
  ok('length', '𠀀𠀁', '𠀀𠀁', 'astral characters count once', { min: 2, max: 2 }),
];
