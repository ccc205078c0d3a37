/**
 * Person records → linkage features, one record at a time (normalizePerson) or a whole table in
 * DuckDB (personFeatures). Both use the same standards validators (ID number, date, sex, mobile)
 * and the same name and address code, so a record gets the same features either way.
 *
 * The table path never calls JavaScript per row: names and addresses repeat across departments,
 * so their features are computed once per distinct value in TypeScript (pinyin and traditional →
 * simplified live there), shipped to DuckDB as one string per column, and joined back; everything
 * else runs as the vectorised std_* macros.
 */
import { ident, loadRows } from '../../lake/index.ts';
import type { StageRunner } from '../../lake/index.ts';
import { idCardBirthDate, idCardSex, parseDate, registerMacros, validateGender, validateIdCard, validateMobile } from '../../standards/index.ts';
import { parseAddress } from './address.ts';
import { nameFeatures } from './names.ts';

/** Where the person fields are in a raw table (column names); only `rid` and `name` are required. */
export interface PersonMapping {
  rid: string;
  name: string;
  source?: string;
  idNumber?: string;
  sex?: string;
  birthDate?: string;
  phone?: string;
  address?: string;
  updatedAt?: string;
}

export interface RawPerson {
  name?: unknown;
  idNumber?: unknown;
  sex?: unknown;
  birthDate?: unknown;
  phone?: unknown;
  address?: unknown;
}

/** The features linkage compares (columns of the features table, besides rid / source / updated_at). */
export interface PersonFeatures {
  id18: string | null;
  name: string | null;
  surname: string | null;
  given: string | null;
  name_len: number | null;
  name_py: string | null;
  surname_py: string | null;
  name_fuzzy: string | null;
  /** YYYY-MM-DD */
  birth: string | null;
  /** '1' male, '2' female (GB/T 2261.1) */
  sex: '1' | '2' | null;
  phone: string | null;
  district: string | null;
  street: string | null;
  community: string | null;
  addr_norm: string | null;
}

/** One record's features. */
export function normalizePerson(raw: RawPerson): PersonFeatures {
  const id = validateIdCard(raw.idNumber);
  const id18 = id.ok ? id.normalized! : null;
  const n = nameFeatures(raw.name);
  const g = validateGender(raw.sex);
  const sex = g.ok && (g.normalized === '1' || g.normalized === '2') ? g.normalized : id18 ? idCardSex(id18) : null;
  const mobile = validateMobile(raw.phone);
  const a = parseAddress(raw.address);
  return {
    id18,
    name: n?.name ?? null,
    surname: n?.surname ?? null,
    given: n?.given ?? null,
    name_len: n?.name_len ?? null,
    name_py: n?.name_py ?? null,
    surname_py: n?.surname_py ?? null,
    name_fuzzy: n?.name_fuzzy ?? null,
    birth: parseDate(raw.birthDate) ?? (id18 ? idCardBirthDate(id18) : null),
    sex,
    phone: mobile.ok ? mobile.normalized! : null,
    district: a.district,
    street: a.street,
    community: a.community,
    addr_norm: a.norm,
  };
}

/** Lookup tables are temporary; no feature is ever the empty string. */
const ROWS = { temp: true, emptyAsNull: true };

/** Distinct non-blank values of one column. */
async function distinctValues(run: StageRunner, stage: string, source: string, column: string): Promise<string[]> {
  const rows = await run.rows<{ v: string }>(stage, `SELECT DISTINCT ${ident(column)}::VARCHAR AS v FROM ${ident(source)} WHERE ${ident(column)} IS NOT NULL AND trim(${ident(column)}::VARCHAR) <> ''`);
  return rows.map((r) => r.v);
}

export interface PersonFeaturesResult {
  rows: number;
  distinctNames: number;
  distinctAddresses: number;
}

/**
 * Build table `out` (rid, source, updated_at and the PersonFeatures columns) from the raw person
 * table `source`. Stages: person.macros, person.names, person.addresses, person.features.
 */
export async function personFeatures(
  run: StageRunner,
  opts: { source: string; mapping: PersonMapping; out: string },
): Promise<PersonFeaturesResult> {
  const { source, mapping: m, out } = opts;
  await registerMacros({ run: (sql: string) => run.run('person.macros', sql) });
  const col = (c: string | undefined) => (c ? `s.${ident(c)}::VARCHAR` : 'NULL::VARCHAR');

  const names = await distinctValues(run, 'person.names', source, m.name);
  const nameRows = await run.step('person.names', () =>
    names.map((raw) => {
      const f = nameFeatures(raw);
      return [raw, f?.name ?? null, f?.surname ?? null, f?.given ?? null, f ? String(f.name_len) : null, f?.name_py ?? null, f?.surname_py ?? null, f?.name_fuzzy ?? null];
    }),
  );
  const namesTable = `${out}__names`;
  await loadRows(run, 'person.names', namesTable, ['raw', 'name', 'surname', 'given', 'name_len', 'name_py', 'surname_py', 'name_fuzzy'], nameRows, ROWS);

  const addrTable = `${out}__addresses`;
  let addresses: string[] = [];
  if (m.address) {
    addresses = await distinctValues(run, 'person.addresses', source, m.address);
    const addrRows = await run.step('person.addresses', () =>
      addresses.map((raw) => {
        const a = parseAddress(raw);
        return [raw, a.district, a.street, a.community, a.norm];
      }),
    );
    await loadRows(run, 'person.addresses', addrTable, ['raw', 'district', 'street', 'community', 'addr_norm'], addrRows, ROWS);
  }

  // A handful of written forms (男, 1, M, 女性 …): mapped in TypeScript by the standards' own table.
  const sexTable = `${out}__sex`;
  const sexes = m.sex ? await distinctValues(run, 'person.sex', source, m.sex) : [];
  await loadRows(run, 'person.sex', sexTable, ['raw', 'sex'], sexes.map((raw) => {
    const g = validateGender(raw);
    return [raw, g.ok && (g.normalized === '1' || g.normalized === '2') ? g.normalized : null];
  }), ROWS);

  // ID numbers are checked once per distinct value in TypeScript: two to three times faster than
  // the std_id_card macros over every row, and a person's number repeats in each department.
  const idTable = `${out}__ids`;
  const ids = m.idNumber ? await distinctValues(run, 'person.ids', source, m.idNumber) : [];
  await loadRows(run, 'person.ids', idTable, ['raw', 'id18'], ids.map((raw) => {
    const v = validateIdCard(raw);
    return [raw, v.ok ? v.normalized! : null];
  }), ROWS);

  // Birth and sex come from the checked number by position.
  await run.run(
    'person.features',
    `CREATE OR REPLACE TABLE ${ident(out)} AS
     WITH s AS (
       SELECT s.*, i.id18 AS __id18 FROM ${ident(source)} s LEFT JOIN ${ident(idTable)} i ON i.raw = ${col(m.idNumber)}
     )
     SELECT s.${ident(m.rid)}::VARCHAR AS rid,
       ${col(m.source)} AS source,
       s.__id18 AS id18,
       n.name, n.surname, n.given, n.name_len::INTEGER AS name_len, n.name_py, n.surname_py, n.name_fuzzy,
       coalesce(std_date_norm(${col(m.birthDate)})::DATE, strptime(substr(s.__id18, 7, 8), '%Y%m%d')::DATE) AS birth,
       coalesce(x.sex, CASE WHEN s.__id18 IS NOT NULL THEN ['2', '1'][substr(s.__id18, 17, 1)::INTEGER % 2 + 1] END) AS sex,
       std_mobile_norm(${col(m.phone)}) AS phone,
       ${m.address ? 'a.district, a.street, a.community, a.addr_norm' : 'NULL::VARCHAR AS district, NULL::VARCHAR AS street, NULL::VARCHAR AS community, NULL::VARCHAR AS addr_norm'},
       ${m.updatedAt ? `TRY_CAST(s.${ident(m.updatedAt)} AS TIMESTAMP)` : 'NULL::TIMESTAMP'} AS updated_at
     FROM s
     LEFT JOIN ${ident(namesTable)} n ON n.raw = s.${ident(m.name)}::VARCHAR
     LEFT JOIN ${ident(sexTable)} x ON x.raw = ${col(m.sex)}
     ${m.address ? `LEFT JOIN ${ident(addrTable)} a ON a.raw = s.${ident(m.address)}::VARCHAR` : ''}`,
  );
  for (const t of [sexTable, idTable]) await run.run('person.features', `DROP TABLE IF EXISTS ${ident(t)}`);
  await run.run('person.features', `DROP TABLE IF EXISTS ${ident(namesTable)}`);
  if (m.address) await run.run('person.features', `DROP TABLE IF EXISTS ${ident(addrTable)}`);
  const [count] = await run.rows<{ n: number }>('person.features', `SELECT count(*)::INTEGER AS n FROM ${ident(out)}`);
  return { rows: count?.n ?? 0, distinctNames: names.length, distinctAddresses: addresses.length };
}
