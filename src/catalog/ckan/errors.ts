import { Problem } from '../../kernel/index.ts';

/** An error as CKAN's Action API answers it: HTTP status, `__type`, and the error dictionary (or, for a bad request, a bare message). */
export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly fields: Record<string, unknown> | null,
    message: string,
  ) {
    super(message);
  }
}

/** 400 with CKAN's bare message body: `"Bad request - …"`. */
export const badRequest = (message: string) => new CkanError(400, 'Bad Request', null, `Bad request - ${message}`);
/** 400 Search Query Error (CKAN: Solr refused the query). */
export const searchQueryError = (message: string) => new CkanError(400, 'Search Query Error', { message: `Search Query is invalid: ${message}` }, message);
/** 404 Not Found Error. */
export const ckanNotFound = (message: string) => new CkanError(404, 'Not Found Error', { message: `Not found: ${message}` }, message);
/** 409 Validation Error naming one parameter. */
export const ckanInvalid = (field: string, message: string) => new CkanError(409, 'Validation Error', { [field]: [message] }, message);
/** 403 Authorization Error. */
export const ckanDenied = (message: string) => new CkanError(403, 'Authorization Error', { message: `Access denied: ${message}` }, message);

/** The status and body of any error, CKAN's way; `internal` says it is the server's fault (to be logged). */
export function ckanFailure(err: unknown, help: string): { status: number; body: unknown; internal: boolean } {
  const e = toCkan(err);
  if (e.type === 'Bad Request') return { status: e.status, body: e.message, internal: false };
  return { status: e.status, body: { help, success: false, error: { __type: e.type, ...(e.fields ?? { message: e.message }) } }, internal: e.status >= 500 };
}

function toCkan(err: unknown): CkanError {
  if (err instanceof CkanError) return err;
  if (err instanceof Problem) {
    const detail = err.detail ?? err.title;
    switch (err.slug) {
      case 'validation': {
        const fields: Record<string, string[]> = {};
        for (const f of err.errors ?? [{ field: 'message', message: detail }]) (fields[f.field] ??= []).push(f.message);
        return new CkanError(409, 'Validation Error', fields, detail);
      }
      case 'not-found': return ckanNotFound(detail);
      case 'forbidden':
      case 'unauthorized': return ckanDenied(err.errors?.find((f) => f.field === 'permissions')?.message ?? detail);
      case 'conflict':
      case 'unprocessable': return new CkanError(409, 'Validation Error', { message: [detail] }, detail);
      case 'rate-limited': return new CkanError(429, 'Too Many Requests', { message: detail }, detail);
      case 'payload-too-large': return new CkanError(413, 'Bad Request', null, `Bad request - ${detail}`);
      case 'bad-request':
      case 'unsupported-media-type':
      case 'method-not-allowed': return badRequest(detail);
      default: break;
    }
  }
  const fe = err as { statusCode?: number; message?: string; code?: string };
  if (fe.statusCode === 429) return new CkanError(429, 'Too Many Requests', { message: fe.message ?? 'rate limited' }, fe.message ?? '');
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return badRequest(fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? `JSON Error: ${fe.message}` : fe.message ?? '');
  return new CkanError(500, 'Internal Server Error', { message: 'Internal server error' }, 'internal');
}
