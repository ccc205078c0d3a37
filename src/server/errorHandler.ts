import type { FastifyError, FastifyInstance } from 'fastify';
import { Problem, problem, type FieldError } from './errors.ts';

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

/** Map any error to problem+json. Internal errors are logged, and answer without their message. */
export function toProblem(err: FastifyError | Error): Problem {
  if (err instanceof Problem) return err;
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
    reply.code(p.status).type('application/problem+json').send(p.body(req.url.split('?')[0]));
  });
}
