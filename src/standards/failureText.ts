/**
 * Why a value or row was rejected, in the words of the person who must correct it: the machine code
 * a check records (`rule` and `reason`, e.g. `standard` + `checksum`) as text, Chinese first.
 */
type Text = [zh: string, en: string];

const REASONS: Record<string, Text> = {
  empty: ['为空', 'empty'],
  length: ['长度不符', 'wrong length'],
  charset: ['含非法字符', 'invalid characters'],
  area: ['行政区划代码无效', 'invalid area code'],
  birthdate: ['出生日期无效', 'invalid date of birth'],
  checksum: ['校验位错误', 'wrong check digit'],
  authority: ['登记管理部门代码无效', 'invalid registration authority code'],
  type: ['机构类别代码无效', 'invalid organisation type code'],
  format: ['格式不符', 'wrong format'],
  unknown: ['不在代码表中', 'not in the code table'],
  invalid: ['无效', 'invalid'],
  range: ['超出范围', 'out of range'],
  pattern: ['不匹配正则表达式', 'does not match the pattern'],
};

const RULES: Record<string, Text> = {
  required: ['必填项为空', 'required value missing'],
  standard: ['不符合数据标准', 'does not meet its data standard'],
  type: ['类型不符', 'wrong type'],
  pattern: ['格式不符合规则', 'does not match the pattern rule'],
  enum: ['不在允许的取值中', 'not an allowed value'],
  range: ['超出允许范围', 'out of the allowed range'],
  length: ['长度不在允许范围内', 'length out of the allowed range'],
  unique: ['主键重复', 'duplicate key'],
  reference: ['在引用的数据集中不存在', 'not found in the referenced dataset'],
  parse: ['无法解析', 'cannot be parsed'],
};

/** DuckDB's reasons for a record it could not read, and the JSON reader's. */
const PARSE: Record<string, Text> = {
  'TOO MANY COLUMNS': ['列数多于表头', 'more columns than the header'],
  'MISSING COLUMNS': ['列数少于表头', 'fewer columns than the header'],
  'UNQUOTED VALUE': ['引号不配对', 'unbalanced quotes'],
  'LINE SIZE OVER MAXIMUM': ['行过长', 'line too long'],
  'INVALID UNICODE': ['含无效字符编码', 'invalid character encoding'],
  'INVALID ENCODING': ['含无效字符编码', 'invalid character encoding'],
  'INVALID JSON': ['不是有效的 JSON 对象', 'not a valid JSON object'],
};

/** The failure in words: `校验位错误 / wrong check digit`, `在数据集 RK_001 中不存在 / not found in dataset RK_001`. */
export function failureWords(rule: string, reason: string | null): Text {
  if (rule === 'standard' && reason && REASONS[reason]) return REASONS[reason];
  if (rule === 'unique') return reason === 'exists' ? ['与已有数据的主键重复', 'key already in the dataset'] : ['与文件中前面的行主键重复', 'key repeats an earlier row'];
  if (rule === 'reference' && reason) return [`在数据集 ${reason} 中不存在`, `not found in dataset ${reason}`];
  if (rule === 'parse' && reason) return PARSE[reason.toUpperCase()] ?? [`无法解析（${reason}）`, `cannot be parsed (${reason})`];
  return RULES[rule] ?? [rule, rule];
}

/** One failure for a person: `身份证号：校验位错误`, in one language. */
export function failureText(label: string | null, rule: string, reason: string | null, lang: 'zh' | 'en' = 'zh'): string {
  const [zh, en] = failureWords(rule, reason);
  const words = lang === 'zh' ? zh : en;
  return label ? `${label}${lang === 'zh' ? '：' : ': '}${words}` : words;
}
