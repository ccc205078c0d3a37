/**
 * What a column's name and title say before any value is read. Government systems name fields by
 * pinyin initials (gmsfhm 公民身份号码, xm 姓名, lxdh 联系电话 …), often with a role in front
 * (fddbr_gmsfhm, jhrlxdh), so a name is matched on its ending; English names (id_no, phone,
 * real_name) the same way once separators are dropped. Titles are matched on the words they contain.
 */
import type { PiiKind } from './kinds.ts';

export interface NamePrior {
  /** Kinds the name or title points to. */
  kinds: Set<PiiKind>;
  /** Kinds the name or title rules out (a 名称 title is an organisation's name, not a person's). */
  excluded: Set<PiiKind>;
  /** The column is named as some date other than a birth (登记日期, 成立日期, reg_date …). */
  otherDate: boolean;
  /** Named as a code, number or serial of something (编号, 流水号, code …): a bare format is not enough there. */
  codeName: boolean;
  /** The words that matched, for the evidence text. */
  hints: string[];
}

type Rule = [RegExp, PiiKind[]];

const PHONE: PiiKind[] = ['mobile', 'landline'];

// Matched against the lower-case name with separators removed; anchored at its end.
const NAME_RULES: Rule[] = [
  [/(gmsfhm|sfzh|sfzhm|sfzmhm|sfhm|sfz|idcard|idno|idnumber|idcardno|zjhm|certno|jszh)$/, ['id_card']],
  [/(sjhm|sjh|shouji|mobile|mobileno|mobilephone|cellphone)$/, ['mobile']],
  [/(gddh|bgdh|zjdh|landline|fax)$/, ['landline']],
  [/(lxdh|lxfs|dh|dhhm|ldhm|tel|phone|phoneno|telephone|contactphone)$/, PHONE],
  [/(xm|xingming|name|realname|fullname|lxr|fzr|fddbr|frdb|syr|qlr|jyz|sqr|sbr|jbr|legalperson|legalrepresentative|representative|contact|contactname)$/, ['person_name']],
  [/(dz|zz|zs|jtzz|xzz|hjdz|zl|fwzl|zdzl|jycs|address|addr|homeaddr|regaddress)$/, ['address']],
  [/(yhkh|yhzh|khzh|yhzhh|bankcard|bankcardno|cardno|bankaccount|bankno)$/, ['bank_card']],
  [/(email|mail|yx|dzyx|dzyj)$/, ['email']],
  [/(cph|cphm|hphm|plate|plateno|carno|chepai|licenseplate)$/, ['licence_plate']],
  [/(tyshxydm|shxydm|xydm|tyxydm|nsrsbh|creditcode|uscc)$/, ['uscc']],
  [/(hzhm|hzh|passport|passportno)$/, ['passport']],
  [/(csrq|csny|birth|birthday|birthdate|dob|dateofbirth)$/, ['birth_date']],
];

// Matched anywhere in the title.
const TITLE_RULES: Rule[] = [
  [/身份证|身份号码|身份证明号码|证件号|驾驶证号|ID number/i, ['id_card']],
  [/手机|mobile/i, ['mobile']],
  [/固定电话|座机|固话|办公电话|传真|landline|fax/i, ['landline']],
  [/电话|联系方式|来电号码|phone|\btel\b/i, PHONE],
  [/姓名|名字|代表人|负责人|联系人|权利人|所有人|经营者|申请人|上报人|来电人|校长|户主|监护人|当事人|驾驶员|患者|旅客|开户名|户名|[^数]人$|\bname\b|representative|person/i, ['person_name']],
  [/地址|住址|住所|坐落|场所|居住地|户籍地|所在地|address/i, ['address']],
  [/银行卡|银行账号|银行账户|卡号|账号|账户|bank|card number|account/i, ['bank_card']],
  [/邮箱|电子邮件|电子信箱|e-?mail/i, ['email']],
  [/车牌|号牌|plate/i, ['licence_plate']],
  [/信用代码|纳税人识别号|credit code/i, ['uscc']],
  [/护照|passport/i, ['passport']],
  [/出生|生日|birth/i, ['birth_date']],
];

const PERSON_ROLE = /姓名|名字|人|者|长|员|患者|旅客|person|representative/i;
const ORG_TITLE = /名称|简称|单位|机构|公司|企业|学校|医院|部门|品牌|产品|商品|项目|company|organi[sz]ation|institution|product|brand/i;
const ORG_NAME = /(company|org|unit|dept|school|hospital|shop|product|brand|project|item|stock|short|display|file|user|nick|dataset|table|column|field|dw|qy|jg|xx|yy)(name|mc)$/;

const CODE_TITLE = /编号|编码|代码|序号|流水号|单号|订单|code|serial/i;
const CODE_NAME = /(bh|bm|dm|xh|lsh|ddh|code|serial|sn|seq)$/;

const DATE_TITLE = /日期|时间|年月|日$|date|time/i;
const DATE_NAME = /(rq|sj|date|time|day|at)$/;

/** The lower-case name with separators dropped: fddbr_gmsfhm → fddbrgmsfhm, id-no → idno. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[\s_\-.]+/g, '');
}

export function namePrior(name: string, title = ''): NamePrior {
  const kinds = new Set<PiiKind>();
  const excluded = new Set<PiiKind>();
  const hints: string[] = [];
  const n = squash(name);
  const apply = (rules: Rule[], text: string, hint: string) => {
    for (const [re, ks] of rules) {
      if (!re.test(text)) continue;
      ks.forEach((k) => kinds.add(k));
      hints.push(hint);
    }
  };
  apply(NAME_RULES, n, name);
  apply(TITLE_RULES, title, title);
  if ((ORG_TITLE.test(title) && !PERSON_ROLE.test(title.replace(ORG_TITLE, ''))) || ORG_NAME.test(n)) {
    kinds.delete('person_name');
    excluded.add('person_name');
  }
  const birth = kinds.has('birth_date');
  const otherDate = !birth && (DATE_TITLE.test(title) || DATE_NAME.test(n));
  const codeName = kinds.size === 0 && (CODE_TITLE.test(title) || CODE_NAME.test(n));
  return { kinds, excluded, otherDate, codeName, hints: [...new Set(hints)] };
}
