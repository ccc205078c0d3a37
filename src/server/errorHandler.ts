import type { FastifyError, FastifyInstance } from 'fastify';
import { Problem, problem, langOf, type FieldError } from '../kernel/index.ts';

interface AjvError {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

function fieldOf(e: AjvError, context: string | undefined): string {
  const base = (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const extra = e.params?.missingProperty ?? e.params?.additionalProperty;
  const name = [base, extra].filter(Boolean).join('.');
  return name || context || 'body';
}

/** The SQLSTATE of a PostgreSQL error (both drivers, `pg` and PGlite, carry it as `.code`), here or as the cause. */
function sqlState(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && 'severity' in e) return code;
  }
  return null;
}

/**
 * Input the database refused. Class 22 (data exception: a number out of range 22003, text with NUL
 * 22021 / 22P05, a malformed value 22P02 / 22007 / 22008 …) is the caller's bad value; 23505 is a
 * duplicate that a concurrent request created first. The database's message is not echoed.
 */
function fromDatabase(state: string): Problem | null {
  if (state.startsWith('22')) return problem('bad-request', `数据库拒绝了某个参数值（超出范围或格式不符）/ the database refused a value: out of range or not valid for its type (SQLSTATE ${state})`);
  if (state === '23505') return problem('conflict', '与现有数据冲突 / conflicts with existing data (SQLSTATE 23505)');
  return null;
}

/** Map any error to problem+json. Internal errors are logged, and answer without their message. */
export function toProblem(err: FastifyError | Error): Problem {
  if (err instanceof Problem) return err;
  const state = sqlState(err);
  const db = state ? fromDatabase(state) : null;
  if (db) return db;
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const errors: FieldError[] = fe.validation.map((v) => ({ field: fieldOf(v, fe.validationContext), message: v.message ?? 'invalid' }));
    return problem('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return problem('payload-too-large', fe.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return problem('unsupported-media-type', fe.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem('bad-request', fe.message);
  }
  if (fe.statusCode === 429) return problem('rate-limited', fe.message);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    if (fe.statusCode === 404) return problem('not-found', fe.message);
    if (fe.statusCode === 415) return problem('unsupported-media-type', fe.message);
    if (fe.statusCode === 413) return problem('payload-too-large', fe.message);
    return problem('bad-request', fe.message);
  }
  if (err instanceof SyntaxError) return problem('bad-request', err.message);
  return problem('internal');
}

export function installErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    else if (sqlState(err)) req.log.warn({ err }, 'the database refused a value');
    reply.code(p.status).type('application/problem+json').send(p.body(req.url.split('?')[0], langOf(req.headers['accept-language'])));
  });
}
