import {
  DuckDBTypeId,
  JSDuckDBValueConverter,
  arrayFromArrayValue,
  arrayFromListValue,
  createDuckDBValueConverter,
  blobValue,
  listValue,
  doubleFromDecimalValue,
  objectArrayFromMapValue,
  objectFromStructValue,
  objectFromUnionValue,
  type DuckDBValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';

/** What a lake query row holds: JSON-friendly JS values. */
export type Plain = null | boolean | number | string | Uint8Array | Plain[] | { [k: string]: Plain };

type Value = Exclude<Plain, null>;
type C = DuckDBValueConverter<Value>;

/** Integers: a number when it is a safe integer, else its decimal text (JSON cannot carry a BigInt). */
const integer: C = (v) => {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  return Number(v);
};

/** Timestamps (all units, with or without time zone): ISO-8601 in UTC, or DuckDB's text when out of JS range. */
const timestamp: C = (v, type) => {
  try {
    const d = JSDuckDBValueConverter(v, type, JSDuckDBValueConverter) as Date | null;
    return d === null ? null : d.toISOString();
  } catch {
    return String(v);
  }
};

const text: C = (v) => String(v);

const pass: C = (v, type) => JSDuckDBValueConverter(v, type, JSDuckDBValueConverter) as Plain;

const byType: Record<DuckDBTypeId, C | undefined> = {
  [DuckDBTypeId.INVALID]: () => null,
  [DuckDBTypeId.BOOLEAN]: (v) => Boolean(v),
  [DuckDBTypeId.TINYINT]: integer,
  [DuckDBTypeId.SMALLINT]: integer,
  [DuckDBTypeId.INTEGER]: integer,
  [DuckDBTypeId.BIGINT]: integer,
  [DuckDBTypeId.UTINYINT]: integer,
  [DuckDBTypeId.USMALLINT]: integer,
  [DuckDBTypeId.UINTEGER]: integer,
  [DuckDBTypeId.UBIGINT]: integer,
  [DuckDBTypeId.HUGEINT]: integer,
  [DuckDBTypeId.UHUGEINT]: integer,
  [DuckDBTypeId.BIGNUM]: (v) => String(v),
  [DuckDBTypeId.FLOAT]: (v) => Number(v),
  [DuckDBTypeId.DOUBLE]: (v) => Number(v),
  [DuckDBTypeId.DECIMAL]: (v) => doubleFromDecimalValue(v as DuckDBValue),
  // DuckDB's own text for DATE is ISO (YYYY-MM-DD), and also covers infinity.
  [DuckDBTypeId.DATE]: text,
  [DuckDBTypeId.TIME]: text,
  [DuckDBTypeId.TIME_NS]: text,
  [DuckDBTypeId.TIME_TZ]: text,
  [DuckDBTypeId.TIMESTAMP]: timestamp,
  [DuckDBTypeId.TIMESTAMP_S]: timestamp,
  [DuckDBTypeId.TIMESTAMP_MS]: timestamp,
  [DuckDBTypeId.TIMESTAMP_NS]: timestamp,
  [DuckDBTypeId.TIMESTAMP_TZ]: timestamp,
  [DuckDBTypeId.INTERVAL]: text,
  [DuckDBTypeId.VARCHAR]: text,
  [DuckDBTypeId.ENUM]: text,
  [DuckDBTypeId.UUID]: text,
  [DuckDBTypeId.BLOB]: pass,
  [DuckDBTypeId.BIT]: text,
  [DuckDBTypeId.GEOMETRY]: pass,
  [DuckDBTypeId.LIST]: arrayFromListValue as C,
  [DuckDBTypeId.ARRAY]: arrayFromArrayValue as C,
  [DuckDBTypeId.STRUCT]: objectFromStructValue as C,
  [DuckDBTypeId.MAP]: objectArrayFromMapValue as unknown as C,
  [DuckDBTypeId.UNION]: objectFromUnionValue as unknown as C,
  [DuckDBTypeId.VARIANT]: pass,
  [DuckDBTypeId.SQLNULL]: () => null,
  [DuckDBTypeId.ANY]: undefined,
  [DuckDBTypeId.STRING_LITERAL]: text,
  [DuckDBTypeId.INTEGER_LITERAL]: integer,
};

/** DuckDB value → plain JS: BigInt → number when safe, dates/timestamps → ISO text, decimals → number. */
export const toPlain: C = createDuckDBValueConverter<Value>(byType);

/**
 * A JS value as a DuckDB query parameter: Dates become ISO text, arrays DuckDB lists, other objects
 * JSON text (use `$1::JSON`), undefined NULL.
 */
export function toParam(v: unknown): DuckDBValue {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  if (Array.isArray(v)) return listValue(v.map(toParam));
  if (v instanceof Uint8Array) return blobValue(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
