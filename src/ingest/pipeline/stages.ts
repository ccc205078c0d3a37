import { problem } from '../../kernel/index.ts';
import type { OpenedFile } from '../readers/openFile.ts';
import { checkSelect, type FieldPlan, type Plan } from './plan.ts';
import { duckType, typedSql } from './rules.ts';
import { errCol, ident, srcCol, valCol } from '../sql.ts';
import { LakeStageError, type StageRunner } from '../../lake/index.ts';

/** Temp table / view names of one ingest (all on the writer's connection). */
export function tables(tag: string) {
  return {
    rows: `ing_rows_${tag}`, // checked rows in file order
    view: `ing_v_${tag}`, // the same with __row, blank lines left out
    rej: `ing_rej_${tag}`, // rows the CSV reader could not parse
    adj: `ing_adj_${tag}`, // row-number adjustment around them
    fail: `ing_fail_${tag}`, // failures of dataset rules (unique, reference)
    out: `ing_out_${tag}`, // what the lake writes
  };
}

/** What the check stages counted. */
export interface Measures {
  parsed: number;
  /** Rows failing a field rule or not parsed (NDJSON). */
  bad: number;
  /** Rows failing only dataset rules (unique / reference). */
  failOnly: number;
  /** CSV rows the reader rejected (ragged, unterminated quotes, invalid UTF-8). */
  structural: number;
  rowsRead: number;
  accepted: number;
  rejected: number;
  /** Per field index: rows with a value after cleaning. */
  filled: number[];
  /** Per field index: failures by rule. */
  fieldFailures: Record<string, number>[];
  /** Records with a type, standard, pattern or parse failure. */
  formatBadRecords: number;
  /** Records checked by reference rules, and those failing. */
  referenceChecked: number;
  referenceFailed: number;
  /** Valid rows with a complete key and how many distinct keys among them. */
  keyed: number;
  distinctKeys: number;
  /** Entries the quarantine will hold (failures, one per rule and row). */
  failures: number;
}

const num = (v: unknown) => Number(v ?? 0);

function readProblem(err: unknown): Error {
  const cause = err instanceof LakeStageError && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
  const line = cause.split('\n').find((l) => l.trim()) ?? cause;
  return problem('unprocessable', `文件无法读取：${line.slice(0, 400)} / the file cannot be read`);
}

/** Stage `read`: scan the source through cleaning and the field checks into a temp table. */
export async function stageRead(st: StageRunner, plan: Plan, src: OpenedFile): Promise<void> {
  const t = tables(plan.tag);
  const sql = checkSelect(plan, src.relation, { hasRow: src.hasRowColumn, hasSkip: src.hasSkipColumn, hasParse: src.hasParseColumns });
  try {
    await st.run('read', `CREATE TEMP TABLE ${t.rows} AS ${sql}`);
  } catch (err) {
    throw readProblem(err);
  }
}

/** Stage `rows`: the CSV reader's rejects, and the view that numbers rows (1-based data row). */
export async function stageRows(st: StageRunner, plan: Plan, src: OpenedFile): Promise<number> {
  const t = tables(plan.tag);
  let structural = 0;
  if (src.rejects) {
    // `line` counts records from the header (line 1); one entry per rejected record
    await st.run('rows', `CREATE TEMP TABLE ${t.rej} AS SELECT line - 1 AS __row, any_value(error_type) AS reason, any_value(csv_line) AS raw,
        any_value(error_message) AS message FROM ${src.rejects.relation} GROUP BY line`);
    structural = num((await st.rows<{ n: number }>('rows', `SELECT count(*) AS n FROM ${t.rej}`))[0]?.n);
  }
  const skip = src.hasSkipColumn ? 'WHERE NOT __skip' : '';
  // unpack the bad rows' source text c<k> and failures e<i> (NULL on good rows)
  const unpack = [...plan.headers.map((_, k) => `__src[${k + 1}] AS ${srcCol(k)}`), ...plan.fields.map((f) => `__errs[${f.index + 1}] AS ${errCol(f.index)}`)].join(', ');
  const cols = `* EXCLUDE (__src, __errs), ${unpack}`;
  let view: string;
  if (src.hasRowColumn) view = `SELECT ${cols} FROM ${t.rows} ${skip}`;
  else if (!structural) view = `SELECT * FROM (SELECT rowid + 1 AS __row, ${cols} FROM ${t.rows}) ${skip}`;
  else {
    // accepted row p (in order) is data row p + m, m = rejected rows before it:
    // reject i (sorted) at data row j_i precedes p when j_i - i < p
    await st.run('rows', `CREATE TEMP TABLE ${t.adj} AS SELECT t, max(m) AS m FROM (
        SELECT __row - row_number() OVER (ORDER BY __row) AS t, row_number() OVER (ORDER BY __row) AS m FROM ${t.rej}) GROUP BY t`);
    view = `SELECT * FROM (SELECT p.__p + coalesce(a.m, 0) AS __row, p.* EXCLUDE (__p)
        FROM (SELECT rowid + 1 AS __p, ${cols} FROM ${t.rows}) p ASOF LEFT JOIN ${t.adj} a ON p.__p > a.t) ${skip}`;
  }
  await st.run('rows', `CREATE TEMP VIEW ${t.view} AS ${view}`);
  return structural;
}

function fieldByName(plan: Plan, name: string): FieldPlan {
  const f = plan.fields.find((x) => x.field.name === name);
  if (!f) throw problem('validation', `no field ${name}`);
  return f;
}

const keyValue = (fs: FieldPlan[]) => (fs.length === 1 ? valCol(fs[0]!.index) : `concat_ws(' | ', ${fs.map((f) => valCol(f.index)).join(', ')})`);

/**
 * Stage `unique`: a key seen earlier in the batch fails (append, replace; in upsert the last row
 * of a key wins instead); in append mode a key the dataset already holds fails too.
 */
export async function stageUnique(st: StageRunner, plan: Plan, current: { scan: string; columns: Set<string> } | null): Promise<void> {
  const t = tables(plan.tag);
  await st.run('unique', `CREATE TEMP TABLE ${t.fail} (__row BIGINT, fi INTEGER, rule VARCHAR, reason VARCHAR, value VARCHAR)`);
  const key = plan.unique.map((k) => fieldByName(plan, k));
  if (!key.length || key.some((f) => f.source === null) || plan.mode === 'upsert') return;
  const typed = key.map((f) => typedSql(f.field, valCol(f.index)));
  await st.run('unique', `INSERT INTO ${t.fail} SELECT __row, ${key[0]!.index}, 'unique', 'duplicate', ${keyValue(key)} FROM ${t.view}
      WHERE NOT __bad QUALIFY row_number() OVER (PARTITION BY ${typed.join(', ')} ORDER BY __row) > 1`);
  if (plan.mode === 'append' && current && key.every((f) => current.columns.has(f.field.name))) {
    const on = key.map((f, i) => `${typed[i]} = p.${ident(f.field.name)}`).join(' AND ');
    await st.run('unique', `INSERT INTO ${t.fail} SELECT __row, ${key[0]!.index}, 'unique', 'exists', ${keyValue(key)} FROM ${t.view} c
        SEMI JOIN (SELECT DISTINCT ${key.map((f) => ident(f.field.name)).join(', ')} FROM ${current.scan}) p ON ${on} WHERE NOT __bad`);
  }
}

/** Stage `reference`: every reference rule's key must exist in the other dataset's current version. */
export async function stageReference(st: StageRunner, plan: Plan): Promise<{ checked: number; failed: number }> {
  const t = tables(plan.tag);
  let checked = 0;
  let failed = 0;
  for (const ref of plan.references) {
    const fs = ref.fields.map((n) => fieldByName(plan, n));
    if (fs.some((f) => f.source === null)) continue;
    const present = fs.map((f) => `${valCol(f.index)} IS NOT NULL`).join(' AND ');
    const base = `FROM ${t.view} c WHERE NOT __bad AND ${present}`;
    checked += num((await st.rows<{ n: number }>('reference', `SELECT count(*) AS n ${base}`))[0]?.n);
    const cast = fs.map((f, i) => `TRY_CAST(c.${valCol(f.index)} AS ${ref.keyTypes[i]})`);
    const rows = ref.scan
      ? `FROM ${t.view} c ANTI JOIN (SELECT DISTINCT ${ref.key.map(ident).join(', ')} FROM ${ref.scan}) r ON ${cast.map((c, i) => `${c} = r.${ident(ref.key[i]!)}`).join(' AND ')} WHERE NOT __bad AND ${present}`
      : base;
    await st.run('reference', `INSERT INTO ${t.fail} SELECT __row, ${fs[0]!.index}, 'reference', ${`'${ref.dataset.replaceAll("'", "''")}'`}, ${keyValue(fs)} ${rows}`);
    failed = num((await st.rows<{ n: number }>('reference', `SELECT count(*) AS n FROM ${t.fail} WHERE rule = 'reference'`))[0]?.n);
  }
  return { checked, failed };
}

const FORMAT_RULES = ['type', 'standard', 'pattern'];

/** Stage `measure`: counts for the job summary, the error limit and the quality report. */
export async function stageMeasure(st: StageRunner, plan: Plan, src: OpenedFile, structural: number, ref: { checked: number; failed: number }): Promise<Measures> {
  const t = tables(plan.tag);
  const mapped = plan.fields.filter((f) => f.source !== null);
  const fmt = plan.fields.map((f) => `list_contains([${FORMAT_RULES.map((r) => `'${r}'`).join(', ')}], split_part(${errCol(f.index)}, ':', 1))`);
  if (src.hasParseColumns) fmt.push('__parse IS NOT NULL');
  const key = plan.unique.map((k) => plan.fields.find((x) => x.field.name === k)).filter((f): f is FieldPlan => !!f && f.source !== null);
  const keyOk = key.length && key.length === plan.unique.length;
  const keyExpr = keyOk ? (key.length === 1 ? typedSql(key[0]!.field, valCol(key[0]!.index)) : `row(${key.map((f) => typedSql(f.field, valCol(f.index))).join(', ')})`) : null;
  const [m] = await st.rows<Record<string, number>>('measure', `SELECT count(*) AS parsed, count(*) FILTER (WHERE __bad) AS bad,
      count(*) FILTER (WHERE __bad AND (${fmt.join(' OR ')})) AS fmt_bad,
      ${keyExpr ? `count(*) FILTER (WHERE NOT __bad) AS keyed, count(DISTINCT ${keyExpr}) FILTER (WHERE NOT __bad) AS distinct_keys,` : ''}
      ${mapped.map((f) => `count(${valCol(f.index)}) AS f${f.index}`).join(', ') || '0 AS none'}
    FROM ${t.view}`);
  const failRows = await st.rows<{ fi: number; rule: string; n: number }>('measure', `SELECT fi, rule, count(*) AS n FROM ${t.fail} GROUP BY ALL`);
  const [fo] = await st.rows<{ n: number }>('measure', `SELECT count(DISTINCT __row) AS n FROM ${t.fail}`);
  const errCols = plan.fields.map((f) => errCol(f.index));
  const fieldRows = await st.rows<{ col: string; rule: string; n: number }>('measure', `SELECT col, split_part(e, ':', 1) AS rule, count(*) AS n
      FROM (UNPIVOT (SELECT ${errCols.join(', ')} FROM ${t.view} WHERE __bad) ON ${errCols.join(', ')} INTO NAME col VALUE e) GROUP BY ALL`);
  const fieldFailures: Record<string, number>[] = plan.fields.map(() => ({}));
  let failures = 0;
  for (const r of fieldRows) {
    const i = Number(r.col.slice(1));
    fieldFailures[i]![r.rule] = (fieldFailures[i]![r.rule] ?? 0) + num(r.n);
    failures += num(r.n);
  }
  for (const r of failRows) {
    fieldFailures[r.fi]![r.rule] = (fieldFailures[r.fi]![r.rule] ?? 0) + num(r.n);
    failures += num(r.n);
  }
  let parseFailures = 0;
  if (src.hasParseColumns) parseFailures = num((await st.rows<{ n: number }>('measure', `SELECT count(*) AS n FROM ${t.view} WHERE __parse IS NOT NULL`))[0]?.n);
  failures += parseFailures + structural;
  const parsed = num(m!.parsed);
  const bad = num(m!.bad);
  const failOnly = num(fo?.n);
  return {
    parsed, bad, failOnly, structural,
    rowsRead: parsed + structural,
    accepted: parsed - bad - failOnly,
    rejected: bad + failOnly + structural,
    filled: plan.fields.map((f) => (f.source === null ? 0 : num(m![`f${f.index}`]))),
    fieldFailures,
    formatBadRecords: num(m!.fmt_bad) + structural,
    referenceChecked: ref.checked,
    referenceFailed: ref.failed,
    keyed: keyExpr ? num(m!.keyed) : 0,
    distinctKeys: keyExpr ? num(m!.distinct_keys) : 0,
    failures,
  };
}

/** Stage `output`: the view of accepted rows, typed, that the lake writes. */
export async function stageOutput(st: StageRunner, plan: Plan, m: Measures): Promise<string> {
  const t = tables(plan.tag);
  const cols = plan.fields.map((f) => `${f.source === null ? `CAST(NULL AS ${duckType(f.field)})` : typedSql(f.field, valCol(f.index))} AS ${ident(f.field.name)}`);
  const anti = m.failOnly ? `ANTI JOIN ${t.fail} f ON f.__row = c.__row` : '';
  let sql = `SELECT ${cols.join(', ')} FROM ${t.view} c ${anti} WHERE NOT c.__bad`;
  if (plan.mode === 'upsert' && plan.unique.length && m.keyed > m.distinctKeys) {
    // the last row of a key wins; earlier ones are not errors
    const key = plan.unique.map((k) => fieldByName(plan, k));
    sql += ` QUALIFY row_number() OVER (PARTITION BY ${key.map((f) => typedSql(f.field, valCol(f.index))).join(', ')} ORDER BY c.__row DESC) = 1`;
  }
  await st.run('output', `CREATE TEMP VIEW ${t.out} AS ${sql}`);
  return `SELECT * FROM ${t.out}`;
}

export { srcCol };
