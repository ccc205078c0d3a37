import type { FastifyInstance, FastifyRequest } from 'fastify';
import { fieldProblem } from '../kernel/index.ts';

const NUL = '\u0000';

/**
 * Parsed JSON, query strings (prototype-less objects) and route params; not buffers or streams
 * (multipart uploads are read by their route).
 */
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && typeof (v as { pipe?: unknown }).pipe !== 'function';

/**
 * The path (`fields.0.name`) of the first value or key in a parsed input for which `bad` holds, or
 * null. Iterative, so no nesting depth overflows the stack.
 */
export function badPath(value: unknown, bad: (leaf: unknown) => boolean): string | null {
  const stack: [unknown, string][] = [[value, '']];
  const join = (base: string, key: string | number) => (base ? `${base}.${key}` : String(key));
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, join(at, i)]));
    else if (isRecord(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (bad(k)) return join(at, k);
        stack.push([x, join(at, k)]);
      }
    } else if (bad(v)) return at || 'body';
  }
  return null;
}

const hasNul = (v: unknown) => typeof v === 'string' && v.includes(NUL);
const nonFinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v);

/**
 * The parts of a request that are API input: parameters, and the body when the route declares its
 * schema. A body without one is data (pushed records), which the ingest checks record by record
 * and quarantines rather than refusing the whole request.
 */
const inputs = (req: FastifyRequest) => (req.routeOptions.schema?.body ? [req.params, req.query, req.body] : [req.params, req.query]);

function firstNul(req: FastifyRequest): string | null {
  for (const part of inputs(req)) {
    const at = badPath(part, hasNul);
    if (at !== null) return at;
  }
  if (hasNul(req.headers.authorization)) return 'authorization';
  // what the parsers above did not decode (a path that matched no parameter)
  if (/%00/.test(req.url) || req.url.includes(NUL)) return 'url';
  return null;
}

/**
 * Two kinds of input no field of the platform has a use for, refused as a validation problem that
 * names the field, before any handler runs:
 * - NUL characters in a parameter, query value, the Authorization header, or a string or key of a
 *   JSON body the route declares: PostgreSQL refuses them in text (SQLSTATE 22021 / 22P05);
 * - numbers that are not finite: Ajv coerces `?limit=1e400` to Infinity and then skips the
 *   schema's `maximum`, and JSON.parse reads `1e400` as Infinity too.
 */
export function installInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', async (req) => {
    const at = firstNul(req);
    if (at !== null) throw fieldProblem(at, '不得包含 NUL 字符 (\\u0000) / must not contain NUL characters (\\u0000)');
  });
  // after validation: that is where query strings and params are coerced to numbers
  app.addHook('preHandler', async (req) => {
    for (const part of inputs(req)) {
      const at = badPath(part, nonFinite);
      if (at !== null) throw fieldProblem(at, '数值超出范围 / number out of range');
    }
  });
}
