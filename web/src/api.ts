import { reactive } from 'vue';
import { ElMessage } from 'element-plus';
import type { components } from './api-types.ts';
import { currentLocale, t } from './i18n/index.ts';
import { bilingual } from './ingest.ts';
import { clearSession, session } from './session.ts';

/** Base of the HTTP API. */
export const API_BASE = '/api/v1';

/** application/problem+json, as every API error is answered. */
export type Problem = components['schemas']['Problem'];
export type FieldError = NonNullable<Problem['errors']>[number];
export interface PageResult<T> { items: T[]; total: number; limit: number; offset: number }

export class ApiError extends Error {
  constructor(public readonly status: number, public readonly problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;
export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Do not show an error message; the caller handles it. */
  quiet?: boolean;
}

let unauthorizedHandler: (() => void) | null = null;
/** Called on any 401 (except the login call itself): the router sends the user back to the login page. */
export function onUnauthorized(fn: () => void): void {
  unauthorizedHandler = fn;
}

function url(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return `${API_BASE}${path}${s ? `?${s}` : ''}`;
}

function headers(hasBody: boolean): Record<string, string> {
  // problems (titles, not-found and already-exists details) answer in the console's language
  const h: Record<string, string> = { accept: 'application/json, application/problem+json', 'accept-language': currentLocale() };
  if (hasBody) h['content-type'] = 'application/json';
  if (session.token) h.authorization = `Bearer ${session.token}`;
  return h;
}

function problemFromText(text: string, status: number, statusText: string): Problem {
  try {
    const p = JSON.parse(text) as Partial<Problem>;
    // Server texts come as "中文 / English": the console shows the side of its language.
    if (p && typeof p === 'object' && (p.title || p.detail)) return { type: p.type ?? 'about:blank', title: bilingual(p.title), status: p.status ?? status, detail: p.detail && bilingual(p.detail), errors: p.errors };
  } catch { /* not JSON */ }
  return { type: 'about:blank', title: statusText || t('common.requestFailed', { status }), status, detail: t('common.requestFailed', { status }) };
}

async function problemOf(res: Response): Promise<Problem> {
  const text = await res.text().catch(() => '');
  return problemFromText(text, res.status, res.statusText);
}

let expiredShown = false;
function handleUnauthorized(path: string): void {
  // a wrong password, or an open-data API key refused: not the end of a session
  if (path === '/auth/login' || path.startsWith('/open/')) return;
  const wasLoggedIn = !!session.token;
  clearSession();
  if (wasLoggedIn && !expiredShown) {
    expiredShown = true;
    ElMessage.warning(t('common.sessionExpired'));
    setTimeout(() => { expiredShown = false; }, 3000);
  }
  unauthorizedHandler?.();
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const hasBody = opts.body !== undefined;
  let res: Response;
  try {
    res = await fetch(url(path, opts.query), { method, headers: headers(hasBody), body: hasBody ? JSON.stringify(opts.body) : undefined });
  } catch (e) {
    if (!opts.quiet) ElMessage.error(t('common.networkError'));
    throw new ApiError(0, { type: 'about:blank', title: t('common.networkError'), status: 0, detail: (e as Error).message });
  }
  if (res.ok) return res;
  const problem = await problemOf(res);
  if (res.status === 401) handleUnauthorized(path);
  if (!opts.quiet && !(res.status === 401 && path !== '/auth/login')) ElMessage.error({ message: problem.detail || problem.title, grouping: true });
  throw new ApiError(res.status, problem);
}

export interface UploadOptions {
  /** Upload progress, 0..100 (bytes sent of the request body). */
  onProgress?: (percent: number, loaded: number, total: number) => void;
  /** Called once the whole body is sent and the server is working on it. */
  onSent?: () => void;
  quiet?: boolean;
  /** Lets the caller cancel the upload. */
  signal?: AbortSignal;
  /** More request headers (e.g. `prefer: respond-async`). */
  headers?: Record<string, string>;
}

/**
 * POST a multipart form. XMLHttpRequest rather than fetch: only it reports upload progress.
 * Errors are problem+json answers like every other call.
 */
export function upload<T>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url(path));
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.setRequestHeader('accept-language', currentLocale());
    if (session.token) xhr.setRequestHeader('authorization', `Bearer ${session.token}`);
    for (const [k, v] of Object.entries(opts.headers ?? {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(Math.min(100, Math.round((100 * e.loaded) / e.total)), e.loaded, e.total);
    };
    xhr.upload.onload = () => opts.onSent?.();
    const fail = (problem: Problem) => {
      if (problem.status === 401) handleUnauthorized(path);
      if (!opts.quiet && problem.status !== 401) ElMessage.error({ message: problem.detail || problem.title, grouping: true });
      reject(new ApiError(problem.status, problem));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve((xhr.responseText ? JSON.parse(xhr.responseText) : undefined) as T);
        } catch (e) {
          reject(new ApiError(xhr.status, { type: 'about:blank', title: t('common.loadFailed'), status: xhr.status, detail: (e as Error).message }));
        }
        return;
      }
      fail(problemFromText(xhr.responseText, xhr.status, xhr.statusText));
    };
    xhr.onerror = () => fail({ type: 'about:blank', title: t('common.networkError'), status: 0, detail: t('common.networkError') });
    xhr.onabort = () => reject(new ApiError(0, { type: 'about:blank', title: t('common.cancelled'), status: 0, detail: t('common.cancelled') }));
    opts.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}) => request<T>('GET', path, { ...opts, query }),
  post: <T>(path: string, body?: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('PUT', path, { ...opts, body }),
  del: <T = void>(path: string, opts: Omit<RequestOptions, 'body'> = {}) => request<T>('DELETE', path, opts),

  upload,

  /** Fetch with the bearer header and save the answer as a file. */
  async download(path: string, filename: string, query?: Query): Promise<void> {
    const res = await send('GET', path, { query });
    const blob = await res.blob();
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  },
};

/** Every item of a list endpoint (up to 1,000), for pickers and name look-ups; none when it cannot be read. */
export async function listAll<T>(path: string): Promise<T[]> {
  return (await api.get<PageResult<T>>(path, { limit: 1000 }, { quiet: true }).catch(() => null))?.items ?? [];
}

/**
 * Field errors from a problem answer, keyed by field name, for `<el-form-item :error="fe.errors.code">`.
 */
export function useFieldErrors() {
  const errors = reactive<Record<string, string>>({});
  function clear(): void {
    for (const k of Object.keys(errors)) delete errors[k];
  }
  function apply(e: unknown): void {
    clear();
    if (!(e instanceof ApiError)) return;
    for (const fe of e.problem.errors ?? []) {
      const key = fe.field.replace(/^body\./, '');
      const message = bilingual(fe.message);
      errors[key] = errors[key] ? `${errors[key]}; ${message}` : message;
    }
  }
  return { errors, clear, apply };
}
