/**
 * Column specs modelled on the columns of Chinese government open-data portals and department
 * systems: field names in the pinyin-initial, English and generic styles seen there, titles as
 * published, and values from the seeded makers. Each column's label is what a person reading the
 * column would call it (a PII kind, or '' for none), written down with the spec.
 *
 * Two sources: `registers` (enterprise registers, licences, vehicles, lodging, immigration, real
 * estate, payments) and `services` (hospitals, schools, hotlines, grid events, subsidies, elderly
 * care, employment). The benchmark tunes on neither; `services` is the held-out part.
 */
import type { Prng } from '../../../src/demo/index.ts';
import * as v from './values.ts';
import type { Maker } from './values.ts';

export interface ColumnSpec {
  name: string;
  title: string;
  label: string;
  make: Maker;
  /** Share of blank values (default 0.05). */
  blank?: number;
}

export interface DatasetSpec {
  dataset: string;
  columns: ColumnSpec[];
}

const c = (name: string, title: string, label: string, make: Maker, blank?: number): ColumnSpec => ({ name, title, label, make, blank });
const mix = (...makers: Array<[Maker, number]>): Maker => (r: Prng) => {
  let x = r.next() * makers.reduce((s, [, w]) => s + w, 0);
  for (const [m, w] of makers) if ((x -= w) < 0) return m(r);
  return makers[0]![0](r);
};

const id = (r: Prng) => v.idNumber(r);
const adultId = (r: Prng) => v.idNumber(r, 1950, 2004);
const idOld = mix([id, 8], [v.idNumber15, 2]);
const statusOf = v.oneOf(['存续', '在业', '注销', '吊销', '迁出']);
const iso = (min: number, max: number) => (r: Prng) => v.recentDate(r, min, max);
const birth = (min: number, max: number, style = 'iso') => (r: Prng) => v.birthDate(r, min, max, style);

export const REGISTERS: DatasetSpec[] = [
  { dataset: '企业登记信息', columns: [
    c('tyshxydm', '统一社会信用代码', 'uscc', v.uscc),
    c('qymc', '企业名称', '', v.companyName),
    c('fddbr', '法定代表人', 'person_name', v.personName),
    c('zczb', '注册资本（万元）', '', (r) => v.amount(r, 5000)),
    c('clrq', '成立日期', '', iso(1995, 2024)),
    c('zs', '住所', 'address', v.address),
    c('djjg', '登记机关', '', v.institutionName),
    c('djzt', '登记状态', '', statusOf),
    c('hydm', '行业代码', '', (r) => v.gbCode(r, r.pick(['C', 'F', 'I', 'L']), 4)),
    c('yzbm', '邮政编码', '', v.postcode),
  ] },
  { dataset: '个体工商户登记', columns: [
    c('zch', '注册号', '', (r) => v.numeric(r, 15)),
    c('zhmc', '字号名称', '', v.shopName),
    c('jyz', '经营者', 'person_name', v.personName),
    c('jyzsfzh', '经营者身份证号', 'id_card', adultId),
    c('jycs', '经营场所', 'address', v.localAddress),
    c('lxdh', '联系电话', 'mobile', v.mobileWritten),
    c('xzqh', '行政区划', '', v.areaCode),
  ] },
  { dataset: '食品经营许可证', columns: [
    c('xkzbh', '许可证编号', '', (r) => 'JY1' + v.numeric(r, 13)),
    c('jyzmc', '经营者名称', '', v.companyName),
    c('shxydm', '社会信用代码', 'uscc', v.uscc),
    c('fzr', '负责人', 'person_name', v.personName),
    c('jydz', '经营地址', 'address', v.address),
    c('fzrq', '发证日期', '', iso(2018, 2024)),
    c('yxqz', '有效期至', '', iso(2024, 2029)),
    c('zsjg', '发证机关', '', v.institutionName),
  ] },
  { dataset: '建筑业企业资质', columns: [
    c('zzzsbh', '资质证书编号', '', (r) => 'D2' + v.numeric(r, 8)),
    c('qymc', '企业名称', '', v.companyName),
    c('xydm', '信用代码', 'uscc', v.uscc),
    c('jsfzr', '技术负责人', 'person_name', v.personName),
    c('zzdj', '资质等级', '', v.oneOf(['一级', '二级', '三级', '甲级', '乙级'])),
    c('qydh', '企业电话', 'landline', v.landline),
    c('email', '企业邮箱', 'email', v.email),
  ] },
  { dataset: '机动车登记信息', columns: [
    c('hphm', '号牌号码', 'licence_plate', v.licencePlate),
    c('hpzl', '号牌种类', '', v.oneOf(['01', '02', '52', '51', '15'])),
    c('clsbdh', '车辆识别代号', '', (r) => 'LSV' + v.gbCode(r, r.pick(['A', 'F', 'G']), 13)),
    c('fdjh', '发动机号', '', (r) => v.numeric(r, 8)),
    c('syr', '所有人', 'person_name', v.personName),
    c('sfzmhm', '身份证明号码', 'id_card', adultId),
    c('zsxxdz', '住所详细地址', 'address', v.address),
    c('ccdjrq', '初次登记日期', '', iso(2008, 2024)),
    c('sjhm', '手机号码', 'mobile', v.mobile),
  ] },
  { dataset: '新能源汽车推广补贴', columns: [
    c('cph', '车牌号', 'licence_plate', v.newEnergyPlate),
    c('cx', '车型', '', v.oneOf(['纯电动轿车', '插电式混合动力', '纯电动客车', '燃料电池'])),
    c('btje', '补贴金额', '', (r) => v.amount(r, 30000)),
    c('gcr', '购车人', 'person_name', v.personName),
    c('gcrq', '购车日期', '', iso(2019, 2024)),
    c('fph', '发票号', '', (r) => v.numeric(r, 20)),
  ] },
  { dataset: '网约车驾驶员证', columns: [
    c('jsyxm', '驾驶员姓名', 'person_name', v.personName),
    c('jszh', '驾驶证号', 'id_card', adultId),
    c('zgzh', '资格证号', '', (r) => v.numeric(r, 12)),
    c('cph', '车牌号码', 'licence_plate', mix([v.licencePlate, 5], [v.newEnergyPlate, 5])),
    c('ptgs', '平台公司', '', v.companyName),
    c('lxfs', '联系方式', 'mobile', v.mobile),
    c('csrq', '出生日期', 'birth_date', birth(1960, 2002)),
  ] },
  { dataset: '旅馆业住宿登记', columns: [
    c('lkxm', '旅客姓名', 'person_name', v.personName),
    c('zjhm', '证件号码', 'id_card', adultId),
    c('rzsj', '入住时间', '', v.dateTime),
    c('fh', '房号', '', (r) => String(r.between(101, 1820))),
    c('lgmc', '旅馆名称', '', v.companyName),
    c('lgdz', '旅馆地址', 'address', v.address),
    c('tel', '旅客电话', 'mobile', v.mobile),
  ] },
  { dataset: '境外人员住宿登记', columns: [
    c('ywxm', '英文姓名', 'person_name', v.foreignName),
    c('gj', '国籍', '', v.oneOf(['USA', 'KOR', 'JPN', 'DEU', 'ESP', 'RUS', 'GBR'])),
    c('hzhm', '护照号码', 'passport', (r) => r.pick(['X', 'M', 'E', 'G']) + v.digits(r, 8)),
    c('csrq', '出生日期', 'birth_date', birth(1950, 2005, 'compact')),
    c('rjrq', '入境日期', '', iso(2023, 2024)),
    c('qzzl', '签证种类', '', v.oneOf(['L', 'M', 'F', 'Z', 'X1', 'Q2'])),
  ] },
  { dataset: '出入境证件办理', columns: [
    c('sqrxm', '申请人姓名', 'person_name', v.personName),
    c('gmsfhm', '公民身份号码', 'id_card', adultId),
    c('hzh', '护照号', 'passport', v.passport),
    c('zjlb', '证件类别', '', v.oneOf(['普通护照', '往来港澳通行证', '往来台湾通行证'])),
    c('slrq', '受理日期', '', iso(2022, 2024)),
    c('slbh', '受理编号', '', (r) => v.numeric(r, 18)),
  ] },
  { dataset: '不动产交易登记', columns: [
    c('ywh', '业务号', '', (r) => '2024' + v.digits(r, 14)),
    c('zl', '坐落', 'address', v.address),
    c('qlrmc', '权利人名称', 'person_name', v.personName),
    c('zjh', '证件号', 'id_card', idOld),
    c('jyjg', '交易价格（元）', '', (r) => String(r.between(300000, 9000000))),
    c('djsj', '登记时间', '', v.dateTime),
    c('bdcdyh', '不动产单元号', '', (r) => '330106' + v.digits(r, 6) + 'GB' + v.digits(r, 5) + 'F' + v.digits(r, 8)),
  ] },
  { dataset: '惠民补贴发放账户', columns: [
    c('xm', '姓名', 'person_name', v.personName),
    c('sfzh', '身份证号', 'id_card', id),
    c('yhkh', '银行卡号', 'bank_card', v.bankCard),
    c('khh', '开户行', '', v.oneOf(['中国工商银行', '中国建设银行', '中国农业银行', '杭州银行', '浙江农商银行'])),
    c('ffje', '发放金额', '', (r) => v.amount(r, 3000)),
    c('ffrq', '发放日期', '', iso(2023, 2024)),
    c('lsh', '流水号', '', (r) => v.numeric(r, 19)),
  ] },
  { dataset: '住房公积金缴存', columns: [
    c('grzh', '个人账号', '', (r) => v.numeric(r, 12)),
    c('zgxm', '职工姓名', 'person_name', v.personName),
    c('zjhm', '证件号码', 'id_card', id),
    c('dwzh', '单位账号', '', (r) => v.numeric(r, 10)),
    c('dwmc', '单位名称', '', v.companyName),
    c('jcjs', '缴存基数', '', (r) => v.amount(r, 30000)),
    c('hkyhzh', '还款银行账号', 'bank_card', v.bankCard),
  ] },
  { dataset: '社会组织登记', columns: [
    c('tyxydm', '统一信用代码', 'uscc', v.uscc),
    c('zzmc', '组织名称', '', (r) => r.pick(['杭州市', '西湖区', '宁波市']) + r.pick(['慈善总会', '志愿者协会', '养老服务协会', '书法家协会', '足球协会', '社工服务中心'])),
    c('fddbr', '法定代表人', 'person_name', v.personName),
    c('zzjgdm', '组织机构代码', '', v.orgCodeLike),
    c('bgdz', '办公地址', 'address', v.address),
    c('lxr', '联系人', 'person_name', v.personName),
    c('bgdh', '办公电话', 'landline', v.landline),
  ] },
  { dataset: '数据交换接口字段（通用列名）', columns: [
    c('col_1', '', 'id_card', id),
    c('col_2', '', 'person_name', v.personName),
    c('col_3', '', 'mobile', v.mobile),
    c('col_4', '', '', (r) => v.numeric(r, 18)),
    c('col_5', '', '', (r) => v.numeric(r, 11)),
    c('col_6', '', 'bank_card', v.bankCard),
    c('col_7', '', '', (r) => v.numeric(r, 16)),
    c('col_8', '', 'email', v.email),
    c('col_9', '', '', v.areaCode),
    c('col_10', '', 'uscc', v.uscc),
  ] },
  { dataset: 'open_api_enterprise (English names)', columns: [
    c('credit_code', 'Unified credit code', 'uscc', v.uscc),
    c('legal_person', 'Legal representative', 'person_name', v.personName),
    c('company_name', 'Company', '', v.companyName),
    c('reg_address', 'Registered address', 'address', v.address),
    c('contact_phone', 'Phone', 'landline', v.landline),
    c('reg_date', 'Registration date', '', iso(2000, 2024)),
    c('capital', 'Capital', '', (r) => v.amount(r, 9000)),
    c('postcode', 'Postcode', '', v.postcode),
  ] },
];

export const SERVICES: DatasetSpec[] = [
  { dataset: '门诊就诊记录', columns: [
    c('mzh', '门诊号', '', (r) => v.numeric(r, 10)),
    c('hzxm', '患者姓名', 'person_name', v.personName),
    c('sfzhm', '身份证号码', 'id_card', id),
    c('csny', '出生年月日', 'birth_date', birth(1930, 2023)),
    c('jzrq', '就诊日期', '', iso(2024, 2024)),
    c('ksmc', '科室名称', '', v.oneOf(['内科', '外科', '儿科', '妇产科', '眼科', '口腔科', '中医科'])),
    c('zdmc', '诊断名称', '', v.oneOf(['上呼吸道感染', '高血压', '2型糖尿病', '急性胃肠炎', '腰椎间盘突出'])),
    c('fyze', '费用总额', '', (r) => v.amount(r, 2000)),
    c('ybkh', '医保卡号', '', (r) => 'A' + v.digits(r, 8)),
  ] },
  { dataset: '住院病案首页', columns: [
    c('bah', '病案号', '', (r) => v.numeric(r, 8)),
    c('name', '姓名', 'person_name', v.personName),
    c('id_no', '身份证件号码', 'id_card', idOld),
    c('birthday', '出生日期', 'birth_date', birth(1930, 2023, 'slash')),
    c('home_addr', '现住址', 'address', v.address),
    c('lxrxm', '联系人姓名', 'person_name', v.personName),
    c('lxrdh', '联系人电话', 'mobile', v.mobileWritten),
    c('ryrq', '入院日期', '', iso(2024, 2024)),
    c('yymc', '医疗机构名称', '', v.institutionName),
  ] },
  { dataset: '医疗机构名录', columns: [
    c('jgmc', '机构名称', '', v.institutionName),
    c('jgdm', '机构代码', '', v.orgCodeLike),
    c('dz', '地址', 'address', v.address),
    c('dh', '电话', 'landline', v.landline),
    c('fzr', '负责人', 'person_name', v.personName),
    c('cws', '床位数', '', (r) => v.integer(r, 0, 1500)),
    c('jgdj', '机构等级', '', v.oneOf(['三级甲等', '二级甲等', '一级', '未定级'])),
  ] },
  { dataset: '中小学校名录', columns: [
    c('xxmc', '学校名称', '', v.institutionName),
    c('xxdm', '学校标识码', '', (r) => '21' + v.digits(r, 8)),
    c('xxdz', '学校地址', 'address', v.localAddress),
    c('xz', '校长', 'person_name', v.personName),
    c('zsdh', '招生电话', 'landline', v.landline),
    c('xxyx', '学校邮箱', 'email', v.officeEmail),
    c('xsrs', '学生人数', '', (r) => v.integer(r, 200, 3500)),
  ] },
  { dataset: '教师资格认定', columns: [
    c('jszgzsbh', '教师资格证书编号', '', (r) => '2024' + v.digits(r, 13)),
    c('xm', '姓名', 'person_name', v.personName),
    c('zjhm', '证件号码', 'id_card', adultId),
    c('csrq', '出生日期', 'birth_date', birth(1970, 2002)),
    c('xl', '学历', '', v.oneOf(['本科', '硕士研究生', '专科', '博士研究生'])),
    c('rdrq', '认定日期', '', iso(2020, 2024)),
    c('dzyx', '电子邮箱', 'email', v.email),
  ] },
  { dataset: '12345热线工单', columns: [
    c('gdbh', '工单编号', '', (r) => '2024' + v.digits(r, 10)),
    c('ldrxm', '来电人姓名', 'person_name', mix([v.personName, 9], [() => '匿名', 1])),
    c('ldhm', '来电号码', 'mobile', v.mobile),
    c('ldsj', '来电时间', '', v.dateTime),
    c('sqnr', '诉求内容', '', v.complaint),
    c('sjdz', '事件地址', 'address', v.address),
    c('cbdw', '承办单位', '', v.institutionName),
    c('rxhm', '热线号码', '', v.hotlineNumber),
  ] },
  { dataset: '网格事件', columns: [
    c('sjbh', '事件编号', '', (r) => 'WG' + v.digits(r, 12)),
    c('sjlx', '事件类型', '', v.oneOf(['矛盾纠纷', '安全隐患', '环境卫生', '治安问题', '民生服务'])),
    c('fsdd', '发生地点', '', (r) => (r.chance(0.5) ? `${v.roadName(r)}与${v.roadName(r)}交叉口` : `${v.streetName(r)}${v.roadName(r)}沿线`)),
    c('sbr', '上报人', 'person_name', v.personName),
    c('wgmc', '网格名称', '', (r) => `${v.streetName(r)}第${r.between(1, 30)}网格`),
    c('jwd', '经纬度', '', v.gpsPair),
    c('sbsj', '上报时间', '', v.dateTime),
  ] },
  { dataset: '高龄津贴发放', columns: [
    c('xm', '老人姓名', 'person_name', v.personName),
    c('sfz', '身份证', 'id_card', (r) => v.idNumber(r, 1920, 1944)),
    c('nl', '年龄', '', (r) => v.integer(r, 80, 104)),
    c('csrq', '出生日期', 'birth_date', birth(1920, 1944, 'compact')),
    c('jtzz', '家庭住址', 'address', v.address),
    c('sqbz', '申请标准', '', v.oneOf(['100', '200', '300', '500'])),
    c('khzh', '开户账号', 'bank_card', v.bankCard),
    c('jhrdh', '监护人电话', 'mobile', v.mobile),
  ] },
  { dataset: '就业困难人员认定', columns: [
    c('rdbh', '认定编号', '', (r) => 'JK' + v.digits(r, 10)),
    c('ryxm', '人员姓名', 'person_name', v.personName),
    c('gmsfhm', '公民身份号码', 'id_card', adultId),
    c('knlx', '困难类型', '', v.oneOf(['大龄失业', '残疾人', '零就业家庭', '低保家庭'])),
    c('lxdh', '联系电话', 'mobile', v.mobile),
    c('hjd', '户籍地', '', (r) => r.pick(['浙江省杭州市', '安徽省阜阳市', '江西省上饶市', '河南省信阳市'])),
    c('rdrq', '认定日期', '', iso(2022, 2024)),
  ] },
  { dataset: '志愿者注册', columns: [
    c('zyzbh', '志愿者编号', '', (r) => v.numeric(r, 16)),
    c('real_name', '真实姓名', 'person_name', v.personName),
    c('mobile', '手机', 'mobile', v.mobileWritten),
    c('mail', '邮箱', 'email', v.email),
    c('birth', '生日', 'birth_date', birth(1960, 2008)),
    c('fwsc', '服务时长（小时）', '', (r) => (r.next() * 300).toFixed(1)),
    c('zzmm', '政治面貌', '', v.oneOf(['群众', '中共党员', '共青团员'])),
  ] },
  { dataset: '养老机构床位补贴', columns: [
    c('jgmc', '养老机构名称', '', v.institutionName),
    c('tyshxydm', '统一社会信用代码', 'uscc', v.uscc),
    c('jglxr', '机构联系人', 'person_name', v.personName),
    c('jgdh', '机构电话', 'landline', v.landline),
    c('btje', '补贴金额（元）', '', (r) => v.amount(r, 200000)),
    c('skzh', '收款账号', '', (r) => v.numeric(r, 17)),
    c('bfrq', '拨付日期', '', iso(2023, 2024)),
  ] },
  { dataset: '停车收费记录', columns: [
    c('plate', '车牌', 'licence_plate', mix([v.licencePlate, 7], [v.newEnergyPlate, 3])),
    c('ccbh', '车场编号', '', (r) => 'P' + v.digits(r, 6)),
    c('rcsj', '入场时间', '', v.dateTime),
    c('sfje', '收费金额', '', (r) => v.amount(r, 80)),
    c('zfdd', '支付订单号', '', (r) => v.numeric(r, 18)),
  ] },
  { dataset: 'exchange_table_b (generic names)', columns: [
    c('f01', '', 'person_name', v.personName),
    c('f02', '', 'id_card', id),
    c('f03', '', 'address', v.address),
    c('f04', '', 'landline', v.landline),
    c('f05', '', '', (r) => v.numeric(r, 19)),
    c('f06', '', '', iso(2015, 2024)),
    c('f07', '', 'licence_plate', v.licencePlate),
    c('f08', '', '', v.companyName),
    c('f09', '', 'passport', (r) => 'E' + v.digits(r, 8)),
  ] },
];

/**
 * `messy`: columns as real exports mangle them — masked values, two numbers in a cell, local
 * numbers without area code, 出生年月 without the day, names as salutations or in pinyin, spaced
 * card numbers, mixed document types, coarse regions, QQ numbers, hashes, brands. Written after
 * the scanner, to check it on columns unlike the ones above; the labels follow the same rules.
 */
export const MESSY: DatasetSpec[] = [
  { dataset: '已脱敏导出', columns: [
    c('sfzh', '身份证号（脱敏）', 'id_card', v.maskedId),
    c('sjhm', '手机号码（脱敏）', 'mobile', v.maskedMobile),
    c('xm', '姓名（脱敏）', 'person_name', (r) => v.personName(r).slice(0, 1) + '*' + (r.chance(0.5) ? v.personName(r).slice(-1) : '')),
    c('ywlsh', '业务流水号', '', (r) => v.hex(r, 32)),
  ] },
  { dataset: '社区走访登记', columns: [
    c('lxdh', '联系电话', 'mobile', mix([v.twoPhones, 4], [v.mobile, 6])),
    c('zjdh', '住宅电话', 'landline', v.localLandline),
    c('csny', '出生年月', 'birth_date', v.birthMonth),
    c('lxr', '联系人', 'person_name', mix([v.salutation, 4], [v.personName, 6])),
    c('hjszd', '户籍所在地', '', v.regionOnly),
    c('qq', 'QQ号', '', v.qqNumber),
    c('zfsj', '走访时间', '', v.dateTime),
    c('zfnr', '走访内容', '', v.complaint),
  ] },
  { dataset: '跨境电商从业人员', columns: [
    c('pinyin_name', '姓名拼音', 'person_name', v.pinyinName),
    c('zjhm', '证件号码', 'id_card', v.anyDocument),
    c('yhk', '工资卡', 'bank_card', v.spacedBankCard),
    c('csnf', '出生年份', 'birth_date', (r) => String(r.between(1960, 2004))),
    c('email', 'Email', 'email', (r) => v.email(r).toUpperCase()),
    c('dept', '部门', '', v.oneOf(['运营部', '财务部', '客服部', '技术部', '仓储部'])),
  ] },
  { dataset: '家电以旧换新补贴', columns: [
    c('pp', '品牌', '', v.brand),
    c('gmr', '购买人', 'person_name', v.personName),
    c('gmrsj', '购买人手机', 'mobile', (r) => Number(v.mobile(r))),
    c('shdz', '收货地址', 'address', v.address),
    c('ddh', '订单号', '', (r) => v.numeric(r, 19)),
    c('btje', '补贴金额', '', (r) => v.amount(r, 2000)),
    c('xdsj', '下单日期', '', (r) => v.recentDate(r, 2024, 2024, 'compact')),
  ] },
  { dataset: '车辆违法信息', columns: [
    c('hphm', '号牌号码', 'licence_plate', (r) => { const p = v.licencePlate(r); return r.chance(0.5) ? p.slice(0, 2) + '·' + p.slice(2) : p; }),
    c('wfdd', '违法地点', '', (r) => `${v.roadName(r)}${r.pick(['与', '近'])}${v.roadName(r)}${r.pick(['路口', '交叉口', '段'])}`),
    c('wfsj', '违法时间', '', v.dateTime),
    c('jdcsyr', '机动车所有人', 'person_name', mix([v.personName, 8], [v.companyName, 2])),
    c('fkje', '罚款金额', '', v.oneOf(['50', '100', '200', '500'])),
    c('jszh', '驾驶证号', 'id_card', (r) => v.idNumber(r, 1950, 2004).toLowerCase()),
  ] },
  { dataset: '统计口径表（通用列）', columns: [
    c('c1', '', 'birth_date', (r) => v.birthDate(r, 1935, 2010)),
    c('c2', '', '', (r) => v.recentDate(r, 2000, 2024)),
    c('c3', '', '', (r) => v.numeric(r, 12)),
    c('c4', '', 'landline', v.landline),
    c('c5', '', '', v.institutionName),
    c('c6', '', '', (r) => v.integer(r, 1, 99)),
    c('c7', '', 'address', v.localAddress),
    c('c8', '', '', v.regionOnly),
  ] },
];
