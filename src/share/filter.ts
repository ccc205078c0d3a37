import { Type, type Static } from '@fastify/type-provider-typebox';
import { type FieldError, problem } from '../kernel/index.ts';
import { ident } from '../lake/index.ts';

/**
 * A row filter — of a share request, a grant, or a data-service read: per field, conditions that
 * must all hold (eq, in, range, prefix, is-null). Values are always bound parameters, never SQL text.
 *   { "xb": { "eq": "1" }, "csrq": { "gte": "1990-01-01", "lt": "2000-01-01" }, "xm": { "prefix": "张" },
 *     "qx": { "in": ["330106", "330105"] }, "lxdh": { "isNull": false } }
 */
const Scalar = Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]);
export const Condition = Type.Object({
  eq: Type.Optional(Scalar),
  in: Type.Optional(Type.Array(Scalar, { minItems: 1, maxItems: 1000 })),
  gt: Type.Optional(Scalar),
  gte: Type.Optional(Scalar),
  lt: Type.Optional(Scalar),
  lte: Type.Optional(Scalar),
  prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  isNull: Type.Optional(Type.Boolean()),
}, { additionalProperties: false, minProperties: 1 });
export const FilterSchema = Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' }), Condition, { maxProperties: 32 });
export type Condition = Static<typeof Condition>;
export type RowFilter = Record<string, Condition>;

const OPS: Record<string, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export interface CompiledFilter {
  /** SQL condition with positional `?` parameters ('' when there is no condition). */
  sql: string;
  params: unknown[];
}

/**
 * Compile a filter over columns whose DuckDB types are known. Each parameter is cast to its column's
 * type, so a date compares as a date; an unknown field or a bad value is a 400 naming `at.<field>`.
 */
export function compileFilter(filter: RowFilter | null | undefined, types: Map<string, string>, at = 'filter'): CompiledFilter {
  const parts: string[] = [];
  const params: unknown[] = [];
  const errors: FieldError[] = [];
  for (const [name, cond] of Object.entries(filter ?? {})) {
    const type = types.get(name);
    if (!type) {
      errors.push({ field: `${at}.${name}`, message: `unknown field ${name}` });
      continue;
    }
    const col = ident(name);
    const bind = (v: unknown) => {
      params.push(typeof v === 'boolean' ? String(v) : v);
      return `TRY_CAST(? AS ${type})`;
    };
    for (const [op, v] of Object.entries(cond)) {
      if (v === undefined) continue;
      if (op in OPS) parts.push(`${col} ${OPS[op]} ${bind(v)}`);
      else if (op === 'in') parts.push(`${col} IN (${(v as unknown[]).map(bind).join(', ')})`);
      else if (op === 'prefix') {
        params.push(v);
        parts.push(`starts_with(CAST(${col} AS VARCHAR), ?)`);
      } else if (op === 'isNull') parts.push(`${col} IS ${v ? '' : 'NOT '}NULL`);
      else errors.push({ field: `${at}.${name}.${op}`, message: `unknown condition ${op}` });
    }
  }
  if (errors.length) throw problem('validation', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
  return { sql: parts.map((p) => `(${p})`).join(' AND '), params };
}

/** The fields a filter names. */
export const filterFields = (filter: RowFilter | null | undefined): string[] => Object.keys(filter ?? {});

/** Parse a filter given as JSON text (a query-string parameter); 400 naming `at` when it is not one. */
export function parseFilter(text: string | undefined, at = 'filter'): RowFilter | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw problem('validation', `${at}: 不是合法的 JSON / not valid JSON`, [{ field: at, message: 'not valid JSON' }]);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw problem('validation', `${at}: 应为对象 / must be an object`, [{ field: at, message: 'must be an object' }]);
  for (const [name, cond] of Object.entries(v)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name) || !cond || typeof cond !== 'object' || Array.isArray(cond) || !Object.keys(cond).length)
      throw problem('validation', `${at}.${name}: 条件不合法 / bad condition`, [{ field: `${at}.${name}`, message: 'bad condition' }]);
    for (const [op, x] of Object.entries(cond as Record<string, unknown>)) {
      const ok = op === 'in' ? Array.isArray(x) && x.length > 0 && x.length <= 1000 && x.every(isScalar)
        : op === 'isNull' ? typeof x === 'boolean'
        : op === 'prefix' ? typeof x === 'string' && x.length > 0 && x.length <= 200
        : op in OPS && isScalar(x);
      if (!ok) throw problem('validation', `${at}.${name}.${op}: 条件不合法 / bad condition`, [{ field: `${at}.${name}.${op}`, message: 'bad condition' }]);
    }
  }
  return v as RowFilter;
}

const isScalar = (x: unknown) => (typeof x === 'string' && x.length <= 200) || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean';
