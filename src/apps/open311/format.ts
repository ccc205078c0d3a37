/**
 * The two formats of GeoReport v2 — JSON, and XML (the spec's required one) — chosen by the
 * resource's extension (`services.json`, `requests/AJ-20260301-00001.xml`), and the spec's errors:
 * `[{"code":400,"description":"…"}]` / `<errors><error><code>400</code><description>…</description></error></errors>`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { XMLBuilder } from 'fast-xml-parser';
import { Problem } from '../../kernel/index.ts';

export const FORMATS = ['json', 'xml'] as const;
export type Format = (typeof FORMATS)[number];

export const CONTENT_TYPE: Record<Format, string> = { json: 'application/json; charset=utf-8', xml: 'text/xml; charset=utf-8' };

/** A value of an answer: text, a number, a flag, nothing, a list or a record of such. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/**
 * How a JSON answer becomes XML: the root element, and the element each list's items are written
 * as (`service_requests` → `request`; a list inside a record by its own name: `attributes` → `attribute`).
 */
export interface XmlShape {
  root: string;
  /** The element of the items of the root list (when the answer is a list). */
  item?: string;
}

/** The element each item of a nested list is written as, by the list's name. */
const ITEM_OF: Record<string, string> = { endpoints: 'endpoint', formats: 'format', attributes: 'attribute', values: 'value' };

const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: false, processEntities: true });

/** The XML of a value: lists as repeated child elements, nothing as an empty element, flags as true/false. */
function toXmlTree(v: Value, name: string): unknown {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return { [ITEM_OF[name] ?? name]: v.map((x) => toXmlTree(x, ITEM_OF[name] ?? name)) };
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toXmlTree(x, k)]));
  return typeof v === 'boolean' ? String(v) : v;
}

export function toXml(body: Value, shape: XmlShape): string {
  const inner = Array.isArray(body) ? { [shape.item ?? 'item']: body.map((x) => toXmlTree(x, shape.item ?? 'item')) } : toXmlTree(body, shape.root);
  return builder.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [shape.root]: inner === '' ? '' : inner }) as string;
}

/** Answer `body` in `format`. */
export function send(reply: FastifyReply, format: Format, body: Value, shape: XmlShape, status = 200) {
  return reply.code(status).type(CONTENT_TYPE[format]).send(format === 'json' ? JSON.stringify(body) : toXml(body, shape));
}

/** A GeoReport error: its HTTP status (also its `code`) and what went wrong, one description per fault. */
export class Open311Error extends Error {
  constructor(readonly status: number, readonly descriptions: string[]) {
    super(descriptions.join('; '));
  }
}
export const open311Error = (status: number, ...descriptions: string[]) => new Open311Error(status, descriptions);

/** The Open311 names of the fields the case intake names otherwise. */
const FIELD_NAMES: Record<string, string> = {
  text: 'description', lng: 'long', lat: 'lat', address: 'address_string', reporterName: 'first_name', reporterPhone: 'phone', category: 'service_code', title: 'description',
};

interface FastifyLikeError { statusCode?: number; validation?: { instancePath?: string; message?: string; params?: { missingProperty?: string } }[]; validationContext?: string; code?: string }

/**
 * Any error as GeoReport errors: its status and descriptions. The platform's problems keep their
 * status (a missing or refused token is the spec's 403) and name the Open311 field; schema faults are
 * 400 naming the parameter; anything unforeseen is a 500 that tells nothing of the inside.
 */
export function toOpen311(err: unknown): { status: number; descriptions: string[]; internal: boolean } {
  if (err instanceof Open311Error) return { status: err.status, descriptions: err.descriptions, internal: false };
  if (err instanceof Problem) {
    const status = err.status === 401 ? 403 : err.status;
    const descriptions = err.errors?.length
      ? err.errors.map((e) => `${FIELD_NAMES[e.field] ?? e.field}: ${e.message}`)
      : [err.detail ?? err.title];
    return { status, descriptions, internal: status >= 500 };
  }
  const fe = err as FastifyLikeError;
  if (fe.validation) {
    return {
      status: 400,
      descriptions: fe.validation.map((v) => {
        const name = [(v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.'), v.params?.missingProperty].filter(Boolean).join('.') || fe.validationContext || 'request';
        return `${name}: ${v.message ?? 'invalid'}`;
      }),
      internal: false,
    };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return { status: fe.statusCode, descriptions: [(err as Error).message || 'bad request'], internal: false };
  return { status: 500, descriptions: ['服务器内部错误 / internal server error'], internal: true };
}

/** The format a request asked for, by its extension; JSON when it names none we know (an error must still be told). */
export function formatOf(req: FastifyRequest): Format {
  const path = req.url.split('?')[0]!;
  return /\.xml$/i.test(path) ? 'xml' : 'json';
}

export function sendError(reply: FastifyReply, format: Format, status: number, descriptions: string[]) {
  return send(reply, format, descriptions.map((description) => ({ code: status, description })), { root: 'errors', item: 'error' }, status);
}
