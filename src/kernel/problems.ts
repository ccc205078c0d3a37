/**
 * Every problem type the API can answer with, declared once (RFC 9457 problem+json).
 * Routes and services throw them by slug; docs/api/errors.md documents each (a test checks).
 */
export const PROBLEM_TYPES = {
  'validation': { status: 400, title: '请求参数不合法 / Request validation failed' },
  'bad-request': { status: 400, title: '请求无法处理 / Bad request' },
  'unauthorized': { status: 401, title: '未登录或令牌无效 / Authentication required' },
  'forbidden': { status: 403, title: '无权执行此操作 / Forbidden' },
  'not-found': { status: 404, title: '对象不存在 / Not found' },
  'method-not-allowed': { status: 405, title: '方法不允许 / Method not allowed' },
  'conflict': { status: 409, title: '与现有数据冲突 / Conflict' },
  'payload-too-large': { status: 413, title: '请求体过大 / Payload too large' },
  'unsupported-media-type': { status: 415, title: '不支持的内容类型 / Unsupported media type' },
  'unprocessable': { status: 422, title: '内容无法处理 / Unprocessable content' },
  'rate-limited': { status: 429, title: '请求过于频繁 / Too many requests' },
  'internal': { status: 500, title: '服务器内部错误 / Internal server error' },
  'unavailable': { status: 503, title: '服务暂不可用 / Service unavailable' },
} as const;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

export interface FieldError {
  field: string;
  message: string;
}

/** An error that becomes an application/problem+json answer. */
export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  constructor(
    readonly slug: ProblemSlug,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? PROBLEM_TYPES[slug].title);
    this.status = PROBLEM_TYPES[slug].status;
    this.title = PROBLEM_TYPES[slug].title;
  }

  body(instance?: string) {
    return {
      type: `/problems/${this.slug}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

export const problem = (slug: ProblemSlug, detail?: string, errors?: FieldError[]) => new Problem(slug, detail, errors);
/** A single-field validation failure. */
export const fieldProblem = (field: string, message: string) => new Problem('validation', `${field}: ${message}`, [{ field, message }]);
