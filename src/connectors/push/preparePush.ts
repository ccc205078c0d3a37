import { createHash } from 'node:crypto';
import type { Dataset } from '../../catalog/index.ts';
import { fieldProblem, problem } from '../../kernel/index.ts';
import { jsonDepth, MAX_JSON_DEPTH } from '../../ingest/index.ts';

/** Most records one request may carry. */
export const PUSH_MAX_RECORDS = 50_000;

/** A push request turned into staged NDJSON lines, one per record, in the order sent. */
export interface PreparedPush {
  lines: string[];
  /** Keys sent that are not fields of the dataset (left out). */
  ignored: string[];
  /** SHA-256 of the request body (an Idempotency-Key must come back with the same body). */
  hash: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A record nested without end would overflow the serializer (and the JSON reader after it): refused by index. */
function checkDepth(items: unknown[]): unknown[] {
  items.forEach((item, i) => {
    if (jsonDepth(item) > MAX_JSON_DEPTH) throw fieldProblem(`records.${i}`, `嵌套超过 ${MAX_JSON_DEPTH} 层 / nested deeper than ${MAX_JSON_DEPTH} levels`);
  });
  return items;
}

/**
 * Accept a JSON array of objects, `{ "records": [...] }`, or NDJSON text (one object per line,
 * blank lines skipped). Each object becomes a line holding every field of the dataset (missing
 * ones null; nested values as JSON text). Anything that is not an object is kept as it came, so
 * the ingest quarantines it as unparseable and answers for it by index like any other rejection.
 */
export function preparePush(body: unknown, ds: Dataset): PreparedPush {
  let items: unknown[];
  let raw: string;
  let rawLines: string[] | null = null;
  if (typeof body === 'string') {
    raw = body;
    rawLines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
    items = rawLines.map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return undefined;
      }
    });
  } else if (Array.isArray(body)) {
    items = checkDepth(body);
    raw = JSON.stringify(body);
  } else if (isRecord(body) && Array.isArray(body.records)) {
    items = checkDepth(body.records);
    raw = JSON.stringify(body.records);
  } else {
    throw problem('bad-request', '请求体须为 JSON 数组或 NDJSON / the body must be a JSON array of records or NDJSON');
  }
  if (!items.length) throw problem('bad-request', '没有记录 / no records');
  if (items.length > PUSH_MAX_RECORDS) throw problem('payload-too-large', `一次最多 ${PUSH_MAX_RECORDS} 条记录 / at most ${PUSH_MAX_RECORDS} records per request`);
  const fields = ds.fields.map((f) => f.name);
  const known = new Set(fields);
  const ignored = new Set<string>();
  if (rawLines) checkDepth(items);
  const lines = items.map((item, i) => {
    if (!isRecord(item)) {
      const text = rawLines ? rawLines[i]! : JSON.stringify(item) ?? 'undefined';
      return text.replace(/[\x00-\x1f]/g, ' ');
    }
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = item[f];
      // JSON numbers beyond a double (1e400) parse as Infinity, which would be written as null: refused, never lost
      if (typeof v === 'number' && !Number.isFinite(v)) throw fieldProblem(`records.${i}.${f}`, '数值超出范围 / number out of range');
      out[f] = v === undefined ? null : typeof v === 'object' && v !== null ? JSON.stringify(v) : v;
    }
    for (const k of Object.keys(item)) if (!known.has(k)) ignored.add(k);
    return JSON.stringify(out);
  });
  return { lines, ignored: [...ignored].slice(0, 100), hash: createHash('sha256').update(raw).digest('hex') };
}
