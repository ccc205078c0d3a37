/** The departments of the demo city and the datasets each one keeps (信息资源). */
import { CITY } from './city.ts';

export type Sensitivity = 'L1' | 'L2' | 'L3' | 'L4';
export type FieldType = 'string' | 'integer' | 'decimal' | 'date';

export interface DemoField {
  name: string;
  title: string;
  type: FieldType;
  /** Data element id from the standards module, or null. */
  element: string | null;
  required: boolean;
  sensitivity: Sensitivity;
  /** What open data does with the field (masked or dropped; L3/L4 are never kept). */
  open?: 'mask' | 'drop';
}

export interface DemoDataset {
  code: string;
  name: string;
  nameEn: string;
  description: string;
  department: string;
  fields: DemoField[];
  primaryKey: string[];
  layer: 'raw';
  shareType: 'unconditional' | 'conditional' | 'none';
  openType: 'open' | 'conditional' | 'none';
  updateCycle: 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';
  /** Catalog keywords (目录关键词). */
  keywords?: string[];
  /** Left in review on first start, so the review queue has work: `submitted` or `draft`; else published. */
  review?: 'submitted' | 'draft';
  /** What one row is about: a person, an enterprise, or a case. */
  subject: 'person' | 'enterprise' | 'case';
}

export interface DemoDepartment {
  code: string;
  name: string;
  fullName: string;
  nameEn: string;
  regionCode: string;
  datasets: DemoDataset[];
}

const f = (name: string, title: string, type: FieldType, element: string | null, required: boolean, sensitivity: Sensitivity): DemoField => ({
  name, title, type, element, required, sensitivity,
});

// Field names follow the pinyin-initial convention of Chinese government systems (xm 姓名, gmsfhm 公民身份号码…).
const xm = f('xm', '姓名', 'string', null, true, 'L3');
const gmsfhm = f('gmsfhm', '公民身份号码', 'string', 'id_card', true, 'L4');
const xb = f('xb', '性别', 'string', 'gender', false, 'L2');
const csrq = f('csrq', '出生日期', 'date', 'date', false, 'L3');
const lxdh = f('lxdh', '联系电话', 'string', 'mobile', false, 'L3');
const jzdz = f('jzdz', '居住地址', 'string', null, false, 'L3');

type DS = Omit<DemoDataset, 'department' | 'layer'>;

function dept(code: string, name: string, nameEn: string, datasets: DS[]): DemoDepartment {
  return {
    code,
    name,
    fullName: CITY.name + name,
    nameEn,
    regionCode: CITY.regionCode,
    datasets: datasets.map((d) => ({ ...d, department: code, layer: 'raw' as const })),
  };
}

export const DEPARTMENTS: DemoDepartment[] = [
  dept('GA', '公安局', 'Public Security Bureau', [{
    code: 'GA_HJRK', name: '户籍人口信息', nameEn: 'Registered residents', subject: 'person',
    description: '本市户籍人口基本信息，含户号、与户主关系、户籍地址。',
    fields: [gmsfhm, xm, { ...xb, required: true }, f('mz', '民族', 'string', 'ethnicity', false, 'L2'), { ...csrq, required: true },
      f('hh', '户号', 'string', null, true, 'L3'), f('yhzgx', '与户主关系', 'string', null, false, 'L2'),
      f('hjdz', '户籍地址', 'string', null, true, 'L3'), lxdh, f('djrq', '登记日期', 'date', 'date', false, 'L2')],
    primaryKey: ['gmsfhm'], shareType: 'conditional', openType: 'none', updateCycle: 'daily',
  }, {
    code: 'GA_JQXX', name: '警情信息', nameEn: 'Police incidents', subject: 'case',
    description: '110 接处警警情：类别、发生地址、报警日期，以及出警民警现场核实的房屋是否出租。',
    fields: [f('jqbh', '警情编号', 'string', null, true, 'L2'), f('jqlb', '警情类别', 'string', null, true, 'L2'),
      f('bjsj', '报警日期', 'date', 'date', true, 'L2'), f('fsdz', '发生地址', 'string', null, true, 'L3'),
      f('cjdw', '处警单位', 'string', null, false, 'L1'), f('sfczfw', '是否出租房屋（现场核实）', 'string', null, true, 'L2')],
    primaryKey: ['jqbh'], shareType: 'conditional', openType: 'none', updateCycle: 'realtime',
  }]),
  dept('MZ', '民政局', 'Civil Affairs Bureau', [{
    code: 'MZ_DBJZ', name: '最低生活保障对象', nameEn: 'Minimum living allowance recipients', subject: 'person',
    description: '城乡最低生活保障救助对象（户主）及保障金额。',
    fields: [f('jzdxbh', '救助对象编号', 'string', null, true, 'L2'), { ...xm, open: 'mask' }, gmsfhm, xb, f('jtrks', '家庭人口数', 'integer', null, false, 'L2'),
      f('bzje', '月保障金额（元）', 'decimal', null, false, 'L2'), jzdz, f('sqrq', '申请日期', 'date', 'date', true, 'L2'), lxdh],
    primaryKey: ['jzdxbh'], shareType: 'conditional', openType: 'open', updateCycle: 'monthly', keywords: ['低保', '社会救助', '公示'],
  }, {
    code: 'MZ_HYDJ', name: '婚姻登记信息', nameEn: 'Marriage registrations', subject: 'person',
    description: '结婚、离婚登记记录，含男女双方身份信息。',
    fields: [f('djbh', '登记编号', 'string', null, true, 'L2'), f('djlx', '登记类型', 'string', null, true, 'L1'),
      f('nf_xm', '男方姓名', 'string', null, true, 'L3'), f('nf_gmsfhm', '男方公民身份号码', 'string', 'id_card', true, 'L4'),
      f('nv_xm', '女方姓名', 'string', null, true, 'L3'), f('nv_gmsfhm', '女方公民身份号码', 'string', 'id_card', true, 'L4'),
      f('djrq', '登记日期', 'date', 'date', true, 'L2'), f('djjg', '登记机关', 'string', null, false, 'L1')],
    primaryKey: ['djbh'], shareType: 'conditional', openType: 'none', updateCycle: 'daily',
  }]),
  dept('RS', '人力资源和社会保障局', 'Human Resources and Social Security Bureau', [{
    code: 'RS_SBCB', name: '社会保险参保信息', nameEn: 'Social insurance enrolment', subject: 'person',
    description: '企业职工基本养老保险等险种参保人员及缴费基数。',
    fields: [gmsfhm, xm, xb, f('cbxz', '参保险种', 'string', null, true, 'L2'), f('cbrq', '参保日期', 'date', 'date', true, 'L2'),
      f('dwmc', '单位名称', 'string', null, false, 'L2'), f('tyshxydm', '单位统一社会信用代码', 'string', 'uscc', false, 'L2'),
      f('jfjs', '缴费基数（元）', 'decimal', null, false, 'L3'), f('cbzt', '参保状态', 'string', null, false, 'L2')],
    primaryKey: ['gmsfhm', 'cbxz'], shareType: 'conditional', openType: 'none', updateCycle: 'monthly',
  }, {
    code: 'RS_YLJFF', name: '养老金发放信息', nameEn: 'Pension payments', subject: 'person',
    description: '基本养老保险待遇按月发放记录（发放年月记为当月1日）。',
    fields: [f('ffbh', '发放编号', 'string', null, true, 'L2'), gmsfhm, xm, f('dylb', '待遇类别', 'string', null, false, 'L2'),
      f('ffny', '发放年月', 'date', 'date', true, 'L2'), f('ffje', '发放金额（元）', 'decimal', null, true, 'L3')],
    primaryKey: ['ffbh'], shareType: 'conditional', openType: 'none', updateCycle: 'monthly',
  }]),
  dept('SC', '市场监督管理局', 'Administration for Market Regulation', [{
    code: 'SC_QYDJ', name: '市场主体登记信息', nameEn: 'Business registrations', subject: 'enterprise',
    description: '企业、个体工商户、农民专业合作社登记信息。',
    fields: [f('tyshxydm', '统一社会信用代码', 'string', 'uscc', true, 'L1'), f('qymc', '名称', 'string', null, true, 'L1'),
      f('qylx', '类型', 'string', null, false, 'L1'), f('fddbr', '法定代表人', 'string', null, true, 'L2'),
      f('fddbr_gmsfhm', '法定代表人公民身份号码', 'string', 'id_card', true, 'L4'), f('zczb', '注册资本（万元）', 'decimal', null, false, 'L1'),
      f('clrq', '成立日期', 'date', 'date', true, 'L1'), f('jyfw', '经营范围', 'string', null, false, 'L1'),
      f('zs', '住所', 'string', null, true, 'L1'), f('djjg', '登记机关', 'string', null, false, 'L1'), f('djzt', '登记状态', 'string', null, false, 'L1')],
    primaryKey: ['tyshxydm'], shareType: 'unconditional', openType: 'conditional', updateCycle: 'daily', keywords: ['企业登记', '市场主体', '统一社会信用代码', '营商环境'],
  }, {
    code: 'SC_SPXK', name: '食品经营许可信息', nameEn: 'Food business licences', subject: 'enterprise',
    description: '食品经营许可证核发信息（有效期五年，延续换发新证）。',
    fields: [f('xkzbh', '许可证编号', 'string', null, true, 'L1'), f('tyshxydm', '统一社会信用代码', 'string', 'uscc', true, 'L1'),
      f('jyzmc', '经营者名称', 'string', null, true, 'L1'), f('fddbr', '法定代表人（负责人）', 'string', null, false, 'L2'),
      f('jycs', '经营场所', 'string', null, false, 'L1'), f('ztyt', '主体业态', 'string', null, false, 'L1'),
      f('jyxm', '经营项目', 'string', null, false, 'L1'), f('fzrq', '发证日期', 'date', 'date', true, 'L1'), f('yxqz', '有效期至', 'date', 'date', true, 'L1')],
    primaryKey: ['xkzbh'], shareType: 'conditional', openType: 'open', updateCycle: 'daily', keywords: ['食品经营许可', '行政许可', '双公示', '食品安全'],
  }]),
  dept('ZJ', '住房和城乡建设局', 'Housing and Urban-Rural Development Bureau', [{
    code: 'ZJ_FWDJ', name: '房屋登记信息', nameEn: 'Housing registrations', subject: 'person',
    description: '商品房、存量房不动产登记信息（权利人、坐落、面积）。',
    fields: [f('bdcqzh', '不动产权证号', 'string', null, true, 'L2'), f('fwzl', '房屋坐落', 'string', null, true, 'L2'),
      f('jzmj', '建筑面积（平方米）', 'decimal', null, false, 'L2'), f('fwyt', '房屋用途', 'string', null, false, 'L1'),
      f('qlr', '权利人', 'string', null, true, 'L3'), f('qlr_gmsfhm', '权利人公民身份号码', 'string', 'id_card', true, 'L4'),
      f('djrq', '登记日期', 'date', 'date', true, 'L2')],
    primaryKey: ['bdcqzh'], shareType: 'conditional', openType: 'none', updateCycle: 'daily',
  }, {
    code: 'ZJ_FWZL', name: '房屋租赁登记备案信息', nameEn: 'Residential lease registrations', subject: 'person',
    description: '房屋租赁合同登记备案：房屋坐落、出租人、承租人、租期。',
    fields: [f('bazh', '备案证号', 'string', null, true, 'L2'), f('fwzl', '房屋坐落', 'string', null, true, 'L2'),
      f('czr', '出租人', 'string', null, true, 'L3'), f('czr_gmsfhm', '出租人公民身份号码', 'string', 'id_card', true, 'L4'),
      f('czrxm', '承租人姓名', 'string', null, true, 'L3'), f('yzj', '月租金（元）', 'decimal', null, false, 'L2'),
      f('barq', '备案日期', 'date', 'date', true, 'L2'), f('zlqz', '租赁期至', 'date', 'date', false, 'L2')],
    primaryKey: ['bazh'], shareType: 'conditional', openType: 'none', updateCycle: 'daily',
  }]),
  dept('WJ', '卫生健康委员会', 'Health Commission', [{
    code: 'WJ_CSYX', name: '出生医学证明信息', nameEn: 'Birth certificates', subject: 'person',
    description: '新生儿出生医学证明及父母身份信息。',
    fields: [f('cszbh', '出生医学证明编号', 'string', null, true, 'L2'), f('xsexm', '新生儿姓名', 'string', null, true, 'L3'),
      { ...xb, required: true }, { ...csrq, required: true }, f('cstz', '出生体重（克）', 'integer', null, false, 'L2'),
      f('mqxm', '母亲姓名', 'string', null, true, 'L3'), f('mq_gmsfhm', '母亲公民身份号码', 'string', 'id_card', true, 'L4'),
      f('fqxm', '父亲姓名', 'string', null, false, 'L3'), f('fq_gmsfhm', '父亲公民身份号码', 'string', 'id_card', false, 'L4'),
      f('csdd', '出生地点', 'string', null, false, 'L2')],
    primaryKey: ['cszbh'], shareType: 'conditional', openType: 'none', updateCycle: 'daily',
  }, {
    code: 'WJ_YMJZ', name: '预防接种记录', nameEn: 'Vaccination records', subject: 'person',
    description: '免疫规划及其他疫苗接种记录。',
    fields: [f('jzbh', '接种记录编号', 'string', null, true, 'L2'), xm, gmsfhm, f('ymmc', '疫苗名称', 'string', null, true, 'L2'),
      f('jc', '剂次', 'integer', null, false, 'L2'), f('jzrq', '接种日期', 'date', 'date', true, 'L2'), f('jzdw', '接种单位', 'string', null, false, 'L1')],
    primaryKey: ['jzbh'], shareType: 'conditional', openType: 'none', updateCycle: 'daily',
  }, {
    code: 'WJ_SWYX', name: '死亡医学证明信息', nameEn: 'Death certificates', subject: 'person',
    description: '居民死亡医学证明（推断）书信息：死亡日期、地点、根本死因。',
    fields: [f('swzbh', '死亡医学证明编号', 'string', null, true, 'L2'), xm, gmsfhm, xb, f('swrq', '死亡日期', 'date', 'date', true, 'L3'),
      f('swdd', '死亡地点', 'string', null, false, 'L2'), f('swyy', '根本死亡原因', 'string', null, false, 'L4')],
    primaryKey: ['swzbh'], shareType: 'conditional', openType: 'none', updateCycle: 'daily',
  }]),
  dept('JY', '教育局', 'Education Bureau', [{
    code: 'JY_XSXJ', name: '中小学生学籍信息', nameEn: 'Student enrolment', subject: 'person',
    description: '义务教育及高中阶段学生学籍，含监护人联系方式。',
    fields: [f('xjh', '学籍号', 'string', null, true, 'L2'), xm, gmsfhm, xb, csrq, f('xxmc', '学校名称', 'string', null, true, 'L1'),
      f('nj', '年级', 'string', null, false, 'L1'), f('rxrq', '入学日期', 'date', 'date', false, 'L2'),
      f('jhrxm', '监护人姓名', 'string', null, false, 'L3'), f('jhrlxdh', '监护人联系电话', 'string', 'mobile', false, 'L3')],
    primaryKey: ['xjh'], shareType: 'conditional', openType: 'none', updateCycle: 'monthly',
  }]),
  dept('CG', '城市管理局', 'Urban Management Bureau', [{
    code: 'CG_SRAJ', name: '市容环境案件', nameEn: 'City appearance cases', subject: 'case',
    description: '市民上报及巡查发现的市容环境问题案件。',
    fields: [f('ajbh', '案件编号', 'string', null, true, 'L1'), f('ajlx', '案件类型', 'string', null, true, 'L1'),
      f('fsdz', '发生地址', 'string', null, true, 'L1'), f('sbrq', '上报日期', 'date', 'date', true, 'L1'),
      { ...f('sbrxm', '上报人姓名', 'string', null, false, 'L3'), open: 'mask' }, f('sbrdh', '上报人电话', 'string', 'mobile', false, 'L3'),
      f('clzt', '处理状态', 'string', null, false, 'L1'), f('jarq', '结案日期', 'date', 'date', false, 'L1')],
    primaryKey: ['ajbh'], shareType: 'unconditional', openType: 'open', updateCycle: 'realtime', keywords: ['市容', '城市管理', '案件', '数字城管'],
  }]),
  dept('HB', '生态环境局', 'Ecology and Environment Bureau', [{
    code: 'HB_PWXK', name: '排污许可信息', nameEn: 'Pollutant discharge permits', subject: 'enterprise',
    description: '排污单位排污许可证核发信息。',
    fields: [f('xkzbh', '许可证编号', 'string', null, true, 'L1'), f('dwmc', '单位名称', 'string', null, true, 'L1'),
      f('tyshxydm', '统一社会信用代码', 'string', 'uscc', true, 'L1'), f('hylb', '行业类别', 'string', null, false, 'L1'),
      f('scjydz', '生产经营场所地址', 'string', null, false, 'L1'), f('fzrq', '发证日期', 'date', 'date', true, 'L1'),
      f('yxqz', '有效期至', 'date', 'date', false, 'L1'), f('fddbr', '法定代表人', 'string', null, false, 'L2')],
    primaryKey: ['xkzbh'], shareType: 'unconditional', openType: 'open', updateCycle: 'monthly', keywords: ['排污许可', '环境保护', '企业'],
  }]),
  dept('SW', '税务局', 'Taxation Bureau', [{
    code: 'SW_NSRDJ', name: '纳税人登记信息', nameEn: 'Taxpayer registrations', subject: 'enterprise',
    description: '单位纳税人税务登记信息。',
    fields: [f('nsrsbh', '纳税人识别号', 'string', 'uscc', true, 'L2'), f('nsrmc', '纳税人名称', 'string', null, true, 'L2'),
      f('fddbr', '法定代表人', 'string', null, true, 'L2'), f('fddbr_gmsfhm', '法定代表人公民身份号码', 'string', 'id_card', false, 'L4'),
      f('djrq', '登记日期', 'date', 'date', true, 'L2'), f('nsrzt', '纳税人状态', 'string', null, false, 'L2'),
      f('hy', '行业', 'string', null, false, 'L1'), f('nsrlx', '纳税人类型', 'string', null, false, 'L2')],
    primaryKey: ['nsrsbh'], shareType: 'conditional', openType: 'open', updateCycle: 'daily', keywords: ['纳税人', '税务登记', '企业'],
  }]),
  dept('YB', '医疗保障局', 'Healthcare Security Bureau', [{
    code: 'YB_CBRY', name: '医疗保障参保人员信息', nameEn: 'Medical insurance enrolment', subject: 'person',
    description: '职工及城乡居民基本医疗保险参保人员。',
    fields: [gmsfhm, xm, xb, csrq, f('cblx', '参保类型', 'string', null, true, 'L2'), f('cbrq', '参保日期', 'date', 'date', false, 'L2'),
      lxdh, f('dwmc', '单位名称', 'string', null, false, 'L2')],
    primaryKey: ['gmsfhm'], shareType: 'conditional', openType: 'none', updateCycle: 'monthly',
  }]),
  dept('JT', '交通运输局', 'Transport Bureau', [{
    code: 'JT_CYRY', name: '道路运输从业人员信息', nameEn: 'Licensed road transport workers', subject: 'person',
    description: '客运、货运、出租汽车及网约车驾驶员从业资格信息。',
    fields: [f('cyzgzh', '从业资格证号', 'string', null, true, 'L2'), { ...xm, open: 'mask' }, gmsfhm, xb, f('zglb', '资格类别', 'string', null, false, 'L1'),
      f('fzrq', '发证日期', 'date', 'date', false, 'L2'), f('yxqz', '有效期至', 'date', 'date', false, 'L2'), lxdh],
    primaryKey: ['cyzgzh'], shareType: 'conditional', openType: 'open', updateCycle: 'monthly', keywords: ['从业资格', '道路运输', '驾驶员', '网约车'],
  }]),
  dept('ZR', '规划和自然资源局', 'Planning and Natural Resources Bureau', [{
    code: 'ZR_ZJDDJ', name: '宅基地使用权登记信息', nameEn: 'Rural homestead registrations', subject: 'person',
    description: '农村宅基地使用权及房屋所有权登记。',
    fields: [f('bdcqzh', '不动产权证号', 'string', null, true, 'L2'), f('qlr', '权利人', 'string', null, true, 'L3'),
      f('qlr_gmsfhm', '权利人公民身份号码', 'string', 'id_card', true, 'L4'), f('zdzl', '宗地坐落', 'string', null, true, 'L2'),
      f('zdmj', '宗地面积（平方米）', 'decimal', null, false, 'L2'), f('djrq', '登记日期', 'date', 'date', true, 'L2')],
    primaryKey: ['bdcqzh'], shareType: 'conditional', openType: 'none', updateCycle: 'quarterly', review: 'draft',
  }]),
  dept('CL', '残疾人联合会', "Disabled Persons' Federation", [{
    code: 'CL_CJR', name: '持证残疾人信息', nameEn: 'Registered persons with disabilities', subject: 'person',
    description: '第二代残疾人证持证人员信息。',
    fields: [f('cjzh', '残疾人证号', 'string', null, true, 'L3'), xm, gmsfhm, xb, f('cjlb', '残疾类别', 'string', null, true, 'L3'),
      f('cjdj', '残疾等级', 'string', null, true, 'L3'), f('fzrq', '发证日期', 'date', 'date', false, 'L2'), jzdz, lxdh],
    primaryKey: ['cjzh'], shareType: 'conditional', openType: 'none', updateCycle: 'monthly',
  }]),
  dept('TY', '退役军人事务局', 'Veterans Affairs Bureau', [{
    code: 'TY_TYJR', name: '退役军人信息', nameEn: 'Veterans', subject: 'person',
    description: '退役军人基本信息及服役经历。',
    fields: [xm, gmsfhm, xb, f('rwrq', '入伍日期', 'date', 'date', false, 'L3'), f('tyrq', '退役日期', 'date', 'date', true, 'L3'),
      f('tylb', '退役类别', 'string', null, false, 'L2'), jzdz, lxdh],
    primaryKey: ['gmsfhm'], shareType: 'conditional', openType: 'none', updateCycle: 'monthly', review: 'submitted',
  }]),  dept('FY', '中级人民法院', "Intermediate People's Court", [{
    code: 'FY_SXBZXR', name: '失信被执行人名单（单位）', nameEn: 'Dishonest judgement debtors (entities)', subject: 'enterprise',
    description: '纳入失信被执行人名单的单位：执行案号、失信情形、列入日期；履行完毕或撤销后记移出日期。',
    fields: [f('sxbh', '失信记录编号', 'string', null, true, 'L1'), f('ah', '执行案号', 'string', null, true, 'L1'),
      f('tyshxydm', '统一社会信用代码', 'string', 'uscc', true, 'L1'), f('qymc', '被执行人名称', 'string', null, true, 'L1'),
      f('fddbr', '法定代表人', 'string', null, false, 'L2'), f('zxfy', '执行法院', 'string', null, false, 'L1'),
      f('sxqx', '失信情形', 'string', null, false, 'L1'), f('lrrq', '列入日期', 'date', 'date', true, 'L1'), f('ycrq', '移出日期', 'date', 'date', false, 'L1')],
    primaryKey: ['sxbh'], shareType: 'conditional', openType: 'open', updateCycle: 'daily', keywords: ['失信被执行人', '信用', '联合惩戒'],
  }]),
  dept('CZ', '财政局', 'Finance Bureau', [{
    code: 'CZ_QYBT', name: '企业补贴发放信息', nameEn: 'Enterprise subsidy payments', subject: 'enterprise',
    description: '财政资金拨付的企业补贴、奖励：项目、金额、发放日期、主管部门。',
    fields: [f('btbh', '补贴编号', 'string', null, true, 'L1'), f('tyshxydm', '统一社会信用代码', 'string', 'uscc', true, 'L1'),
      f('qymc', '企业名称', 'string', null, true, 'L1'), f('btxm', '补贴项目', 'string', null, true, 'L1'),
      f('btje', '补贴金额（元）', 'decimal', null, true, 'L2'), f('ffrq', '发放日期', 'date', 'date', true, 'L2'), f('zgbm', '主管部门', 'string', null, false, 'L1')],
    primaryKey: ['btbh'], shareType: 'conditional', openType: 'none', updateCycle: 'monthly',
  }]),
];

/** The catalog theme (主题) of each department's data. */
export const DEPARTMENT_THEMES: Record<string, string> = {
  GA: '公共安全', MZ: '社会救助', RS: '社会保障', SC: '市场监管', ZJ: '城乡建设', WJ: '医疗卫生', JY: '教育文化', CG: '城市管理',
  HB: '生态环境', SW: '财税金融', YB: '社会保障', JT: '交通运输', ZR: '资源环境', CL: '社会救助', TY: '社会保障',
  FY: '司法公正', CZ: '财税金融',
};

/** 基础信息资源 (population, legal persons, natural resources); every other dataset is a department resource. */
export const BASE_DATASETS = new Set(['GA_HJRK', 'SC_QYDJ', 'ZR_ZJDDJ']);

/** How each dataset is written: most as UTF-8 CSV; one old system exports GBK, one Excel-style with BOM, two as NDJSON. */
export const FILE_FORMATS: Record<string, { format: 'csv' | 'ndjson'; encoding: 'utf-8' | 'gbk'; bom: boolean }> = {
  MZ_DBJZ: { format: 'csv', encoding: 'gbk', bom: false },
  RS_SBCB: { format: 'csv', encoding: 'utf-8', bom: true },
  SC_QYDJ: { format: 'ndjson', encoding: 'utf-8', bom: false },
  WJ_YMJZ: { format: 'ndjson', encoding: 'utf-8', bom: false },
};
