/**
 * Every problem type the API can answer with, declared once (RFC 9457 problem+json), titled in
 * Chinese and English. Routes and services throw them by slug; docs/api/errors.md lists each with
 * both titles (a unit test checks). The answer is in the caller's language (`Accept-Language`), or
 * in both ("中文 / English") when the caller names neither.
 */
export const PROBLEM_TYPES = {
  'validation': { status: 400, title: { zh: '请求参数不合法', en: 'Request validation failed' } },
  'bad-request': { status: 400, title: { zh: '请求无法处理', en: 'Bad request' } },
  'unauthorized': { status: 401, title: { zh: '未登录或令牌无效', en: 'Authentication required' } },
  'forbidden': { status: 403, title: { zh: '无权执行此操作', en: 'Forbidden' } },
  'not-found': { status: 404, title: { zh: '对象不存在', en: 'Not found' } },
  'method-not-allowed': { status: 405, title: { zh: '方法不允许', en: 'Method not allowed' } },
  'conflict': { status: 409, title: { zh: '与现有数据冲突', en: 'Conflict' } },
  'payload-too-large': { status: 413, title: { zh: '请求体过大', en: 'Payload too large' } },
  'unsupported-media-type': { status: 415, title: { zh: '不支持的内容类型', en: 'Unsupported media type' } },
  'unprocessable': { status: 422, title: { zh: '内容无法处理', en: 'Unprocessable content' } },
  'rate-limited': { status: 429, title: { zh: '请求过于频繁', en: 'Too many requests' } },
  'internal': { status: 500, title: { zh: '服务器内部错误', en: 'Internal server error' } },
  'unavailable': { status: 503, title: { zh: '服务暂不可用', en: 'Service unavailable' } },
} as const satisfies Record<string, { status: number; title: Text }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

/** The languages problems are told in. */
export type Lang = 'zh' | 'en';
/** A text in both languages. */
export interface Text { zh: string; en: string }

/**
 * The objects a not-found or already-exists problem names, in both languages; `key` is what makes
 * one unique (its code or name) where a duplicate is refused.
 */
export const OBJECTS = {
  dataset: { zh: '数据集', en: 'dataset', key: { zh: '数据集代码', en: 'dataset code' } },
  department: { zh: '部门', en: 'department', key: { zh: '部门代码', en: 'department code' } },
  user: { zh: '用户', en: 'user', key: { zh: '用户名', en: 'username' } },
  token: { zh: '令牌', en: 'token' },
  source: { zh: '数据源', en: 'source', key: { zh: '数据源名称', en: 'source name' } },
  run: { zh: '运行记录', en: 'run' },
  job: { zh: '导入任务', en: 'ingest job' },
  notice: { zh: '通知', en: 'notice' },
  element: { zh: '自定义数据元', en: 'custom element' },
  openKey: { zh: '开放数据密钥申请', en: 'open-data key application' },
  shareRequest: { zh: '共享申请', en: 'share request' },
  grant: { zh: '共享授权', en: 'share grant' },
  alert: { zh: '告警', en: 'alert' },
  profile: { zh: '档案', en: 'profile' },
  entityRun: { zh: '关联运行', en: 'linkage run' },
  reviewItem: { zh: '待审核关联', en: 'review item' },
  workOrder: { zh: '工单', en: 'work order' },
  workOrderAttachment: { zh: '工单附件', en: 'work-order attachment' },
  rule: { zh: '规则', en: 'rule', key: { zh: '规则代码', en: 'rule code' } },
  finding: { zh: '碰撞发现', en: 'finding' },
  case: { zh: '案件', en: 'case', key: { zh: '案件编号', en: 'case number' } },
  casePhoto: { zh: '案件照片', en: 'case photo' },
  caseCategory: { zh: '案件类别', en: 'case category', key: { zh: '类别代码', en: 'category code' } },
  caseExtension: { zh: '延期申请', en: 'extension request' },
} as const satisfies Record<string, Text & { key?: Text }>;

export type ObjectKind = keyof typeof OBJECTS;
type KeyedObject = { [K in ObjectKind]: (typeof OBJECTS)[K] extends { key: Text } ? K : never }[ObjectKind];

export interface FieldError {
  field: string;
  message: string;
}

/** Both texts in one, for callers that named no language (and for logs and the command line). */
const both = (t: Text) => `${t.zh} / ${t.en}`;

/**
 * The caller's language from an `Accept-Language` header: the Chinese or English tag ranked
 * highest, or undefined when it names neither.
 */
export function langOf(acceptLanguage: string | string[] | undefined): Lang | undefined {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of (header ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang = tag === 'zh' || tag.startsWith('zh-') ? 'zh' : tag === 'en' || tag.startsWith('en-') ? 'en' : undefined;
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    if (lang && q > 0 && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang;
}

/** An error that becomes an application/problem+json answer. */
export class Problem extends Error {
  readonly status: number;
  /** Title and detail in both languages at once ("中文 / English" where the detail is known in both). */
  readonly title: string;
  readonly detail?: string;
  private readonly texts: { title: Text; detail?: Text };
  constructor(
    readonly slug: ProblemSlug,
    detail?: string | Text,
    readonly errors?: FieldError[],
  ) {
    const title = PROBLEM_TYPES[slug].title;
    const text = typeof detail === 'string' ? detail : detail && both(detail);
    super(text ?? both(title));
    this.status = PROBLEM_TYPES[slug].status;
    this.title = both(title);
    this.detail = text;
    this.texts = { title, ...(typeof detail === 'object' ? { detail } : {}) };
  }

  /** The answer's body, in `lang` when given (details known only as one text stay as they are). */
  body(instance?: string, lang?: Lang) {
    const detail = lang && this.texts.detail ? this.texts.detail[lang] : this.detail;
    return {
      type: `/problems/${this.slug}`,
      title: lang ? this.texts.title[lang] : this.title,
      status: this.status,
      ...(detail ? { detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const problem = (slug: ProblemSlug, detail?: string | Text, errors?: FieldError[]) => new Problem(slug, detail, errors);
/** A single-field validation failure. */
export const fieldProblem = (field: string, message: string) => new Problem('validation', `${field}: ${message}`, [{ field, message }]);

/** 404: no such object (or not one the caller may see), named by its id, code or name. */
export function notFound(kind: ObjectKind, key: string | number): Problem {
  const o = OBJECTS[kind];
  return new Problem('not-found', { zh: `${o.zh}不存在：${key}`, en: `no ${o.en} ${key}` });
}

/** 409: an object with this code or name exists already; `field` is the input field that holds it. */
export function alreadyExists(kind: KeyedObject, field: string, value: string): Problem {
  const k = OBJECTS[kind].key;
  return new Problem('conflict', { zh: `${k.zh}已存在：${value}`, en: `${k.en} ${value} exists` }, [{ field, message: 'already exists' }]);
}

/** 400 on one input field: it names an object that does not exist. */
export function noSuch(field: string, kind: ObjectKind, key: string | number): Problem {
  const o = OBJECTS[kind];
  return new Problem('validation', { zh: `${field}: ${o.zh}不存在：${key}`, en: `${field}: no ${o.en} ${key}` }, [{ field, message: `no ${o.en} ${key}` }]);
}
