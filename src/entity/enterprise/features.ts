/**
 * The enterprise features stage: one DuckDB table of what the linkage compares, from a
 * department's table and the mapping of its columns.
 *
 * Names, codes, addresses and dates go through the TS normalisers (one implementation of the
 * rules, the one the unit tests check), but only once per distinct value: the distinct values
 * are read out, normalised, loaded back as lookup tables and joined in DuckDB. Departments
 * repeat their values (the same employer on every enrolment row), so this costs far less than
 * a row-by-row pass.
 */
import { ident, literal, type StageRunner, loadRows } from '../../lake/index.ts';
import { parseDate } from '../../standards/index.ts';
import { enterpriseKeys } from './identifiers.ts';
import { normalizeAddress, normalizeEnterpriseName, normalizePersonName } from './names.ts';

/** Which source column holds what; only `id` and `name` are required. */
export interface EnterpriseMapping {
  id: string;
  name: string;
  /** Column naming the record's source; or give `sourceName` for the whole table. */
  source?: string;
  sourceName?: string;
  uscc?: string;
  org_code?: string;
  reg_no?: string;
  taxpayer_id?: string;
  /** A code column whose kind is not known (guessed from its shape). */
  code?: string;
  legal_rep?: string;
  address?: string;
  established?: string;
}

/** Columns of the features table, in order. */
export const FEATURE_COLUMNS = [
  'rid', 'source', 'org_code', 'uscc', 'reg_no', 'name_norm', 'core', 'industry', 'form', 'branch',
  'region', 'district', 'addr_norm', 'legal_rep', 'established',
] as const;

const loadLookup = (run: StageRunner, stage: string, table: string, columns: string[], rows: Array<Array<string | null>>) =>
  loadRows(run, stage, table, columns, rows, { temp: true });

/** Distinct non-null values of a SQL expression over the source. */
async function distinct(run: StageRunner, stage: string, source: string, expr: string): Promise<string[]> {
  const rows = await run.rows<{ v: string }>(stage, `SELECT DISTINCT CAST(${expr} AS VARCHAR) AS v FROM ${source} WHERE ${expr} IS NOT NULL`);
  return rows.map((r) => r.v);
}

/**
 * Build `out` (rid, source, org_code, uscc, reg_no, name_norm, core, industry, form, branch,
 * region, district, addr_norm, legal_rep, established) from `source` (a table name, or a
 * parenthesised SELECT) read through `mapping`.
 */
export async function enterpriseFeatures(
  run: StageRunner,
  opts: {
    source: string;
    mapping: EnterpriseMapping;
    out: string;
    /**
     * City (short name, e.g. 示范) of records whose name and address name none. A registered name
     * always carries its place (or a national-level mark); a clerk of the city's own department who
     * drops it means the city, so these records are told apart from namesakes elsewhere.
     */
    homeRegion?: string;
  },
): Promise<void> {
  const m = opts.mapping;
  const src = /^\s*\(/.test(opts.source) ? `${opts.source} AS src` : `${ident(opts.source)} AS src`;
  const col = (c: string | undefined) => (c ? `src.${ident(c)}` : 'NULL');
  const tmp = (t: string) => `${opts.out}__${t}`;

  const names = await distinct(run, 'enterprise.names.read', src, col(m.name));
  await loadLookup(
    run, 'enterprise.names.load', tmp('names'),
    ['raw', 'name_norm', 'core', 'industry', 'form', 'branch', 'region', 'district'],
    names.map((raw) => {
      const f = normalizeEnterpriseName(raw);
      return [raw, f?.name_norm ?? null, f?.core ?? null, f?.industry || null, f?.form || null, f?.branch ?? null, f?.region ?? null, f?.district ?? null];
    }),
  );

  // codes: one key per distinct combination of the code columns
  const codeCols = (['uscc', 'org_code', 'reg_no', 'taxpayer_id', 'code'] as const).filter((k) => m[k]);
  const codeKey = codeCols.length ? `concat_ws(chr(31), ${codeCols.map((k) => `coalesce(CAST(${col(m[k])} AS VARCHAR), '')`).join(', ')})` : `''`;
  const codes = codeCols.length ? await distinct(run, 'enterprise.codes.read', src, codeKey) : [];
  await loadLookup(
    run, 'enterprise.codes.load', tmp('codes'), ['raw', 'org_code', 'uscc', 'reg_no'],
    codes.map((raw) => {
      const parts = raw.split('\u001f');
      const k = enterpriseKeys(Object.fromEntries(codeCols.map((c, i) => [c, parts[i] || null])));
      return [raw, k.org_code, k.uscc, k.reg_no];
    }),
  );

  const addresses = m.address ? await distinct(run, 'enterprise.addresses.read', src, col(m.address)) : [];
  await loadLookup(
    run, 'enterprise.addresses.load', tmp('addresses'), ['raw', 'addr_norm', 'region', 'district'],
    addresses.map((raw) => {
      const a = normalizeAddress(raw);
      return [raw, a?.addr_norm ?? null, a?.region ?? null, a?.district ?? null];
    }),
  );

  const people = m.legal_rep ? await distinct(run, 'enterprise.people.read', src, col(m.legal_rep)) : [];
  await loadLookup(run, 'enterprise.people.load', tmp('people'), ['raw', 'legal_rep'], people.map((raw) => [raw, normalizePersonName(raw)]));

  const dates = m.established ? await distinct(run, 'enterprise.dates.read', src, col(m.established)) : [];
  await loadLookup(run, 'enterprise.dates.load', tmp('dates'), ['raw', 'iso'], dates.map((raw) => [raw, parseDate(raw)]));

  const source = m.source ? `CAST(${col(m.source)} AS VARCHAR)` : literal(m.sourceName ?? opts.source);
  await run.run(
    'enterprise.features',
    `CREATE OR REPLACE TABLE ${ident(opts.out)} AS
      SELECT CAST(${col(m.id)} AS VARCHAR) AS rid, ${source} AS source,
        c.org_code, c.uscc, c.reg_no,
        n.name_norm, n.core, n.industry, n.form, coalesce(n.branch, '') AS branch,
        coalesce(n.region, a.region${opts.homeRegion ? `, ${literal(opts.homeRegion)}` : ''}) AS region, coalesce(a.district, n.district) AS district,
        a.addr_norm, p.legal_rep, CAST(d.iso AS DATE) AS established
      FROM ${src}
      LEFT JOIN ${ident(tmp('names'))} n ON n.raw = CAST(${col(m.name)} AS VARCHAR)
      LEFT JOIN ${ident(tmp('codes'))} c ON c.raw = ${codeKey}
      LEFT JOIN ${ident(tmp('addresses'))} a ON a.raw = CAST(${col(m.address)} AS VARCHAR)
      LEFT JOIN ${ident(tmp('people'))} p ON p.raw = CAST(${col(m.legal_rep)} AS VARCHAR)
      LEFT JOIN ${ident(tmp('dates'))} d ON d.raw = CAST(${col(m.established)} AS VARCHAR)`,
  );
  for (const t of ['names', 'codes', 'addresses', 'people', 'dates']) await run.run('enterprise.cleanup', `DROP TABLE IF EXISTS ${ident(tmp(t))}`);
}
