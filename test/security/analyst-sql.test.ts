/**
 * Attacks on analyst SQL (`analystQuery`): user-written SQL runs only as one SELECT over guarded
 * views of the datasets the caller may read. Each bypass attempt is its own case and must be
 * refused with the right status while nothing but the parser ran: no file read, no setting
 * changed, no database attached, no file written, no dataset resolved that the statement does not
 * read. The views here come from a fake resolver over Parquet files in a temp directory (masks and
 * a row filter with a parameter, like the guard's), not from the real guard.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Problem, problem } from '../../src/kernel/index.ts';
import { Engine } from '../../src/lake/index.ts';
import { analystQuery, ANALYST_SQL_MAX_LENGTH, SQL_FUNCTIONS, SQL_WINDOW_FUNCTIONS, type AnalystSqlResult, type GuardedView, type SqlEngine } from '../../src/share/sql/index.ts';

const SENTINEL = 'SENTINEL-8f3a1c-should-never-be-read';
/** People in the raw file; the guard's row filter keeps 西湖区 only, and masks names and ID numbers. */
const PEOPLE = [
  { rybh: 'P1', xm: '张三丰', sfzh: '330106199001011234', xb: '男', nl: 34, qy: '西湖区' },
  { rybh: 'P2', xm: '李四', sfzh: '330106198502022345', xb: '女', nl: 39, qy: '西湖区' },
  { rybh: 'P3', xm: '欧阳娜娜', sfzh: '330106200003033456', xb: '女', nl: 24, qy: '西湖区' },
  { rybh: 'P4', xm: '王五', sfzh: '330102197004044567', xb: '男', nl: 54, qy: '上城区' },
];
const MARRIAGES = [
  { rybh: 'P1', hyzk: '已婚' },
  { rybh: 'P2', hyzk: '未婚' },
  { rybh: 'P4', hyzk: '已婚' },
];

describe('analyst SQL under attack', () => {
  let engine: Engine;
  let dir: string;
  let rawPeople: string;
  let sentinelCsv: string;
  let copyTarget: string;
  /** Every statement the module ran, in order. */
  const ran: string[] = [];
  /** Every dataset code the module resolved, in order. */
  const resolved: string[] = [];
  let lake: SqlEngine;

  const views: Record<string, () => GuardedView> = {
    GA_RKJBXX: () => ({
      // what the guard would plan: masked names and ID numbers, a row filter bound as a parameter, and a subject pseudonym
      sql: `SELECT rybh, mask_name(xm) AS xm, mask_id(sfzh) AS sfzh, xb, nl, qy, 'pseudonym-' || rybh AS __subject FROM read_parquet('${rawPeople}') WHERE qy = ?`,
      params: ['西湖区'],
      dataset: { code: 'GA_RKJBXX', id: 'ds-ga', departmentId: 'dep-ga' },
      version: 3,
      fields: ['rybh', 'xm', 'sfzh', 'xb', 'nl', 'qy'],
      grantId: 'grant-ga',
    }),
    MZ_HYDJ: () => ({
      sql: `SELECT rybh, hyzk FROM read_parquet('${path.join(dir, 'marriages.parquet')}')`,
      params: [],
      dataset: { code: 'MZ_HYDJ', id: 'ds-mz', departmentId: 'dep-mz' },
      version: 1,
      fields: ['rybh', 'hyzk'],
      grantId: null,
    }),
  };
  /** A dataset that exists but the caller may not read. */
  const CLOSED = 'SW_QYXX';

  async function resolve(code: string): Promise<GuardedView> {
    resolved.push(code);
    const view = views[code];
    if (view) return view();
    if (code === CLOSED) throw problem('forbidden', `数据集 ${code} 未授权 / not granted`);
    throw problem('not-found', `数据集不存在 / no dataset ${code}`);
  }

  /** The engine's state that no statement may change: settings, databases, tables, extensions, macros. */
  const stateSql = `SELECT current_setting('threads') AS threads, current_setting('enable_external_access') AS ext, current_setting('memory_limit') AS mem,
    (SELECT count(*) FROM duckdb_databases()) AS dbs, (SELECT count(*) FROM duckdb_tables()) AS tables, (SELECT count(*) FROM duckdb_views() WHERE NOT internal) AS views,
    (SELECT count(*) FROM duckdb_functions() WHERE NOT internal) AS macros, (SELECT count(*) FROM duckdb_extensions() WHERE loaded) AS extensions,
    (SELECT count(*) FROM duckdb_prepared_statements()) AS prepared`;
  let state: unknown;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govhub-analyst-sql-'));
    engine = await Engine.create({ threads: 1 });
    rawPeople = path.join(dir, 'people.parquet');
    sentinelCsv = path.join(dir, 'sentinel.csv');
    copyTarget = path.join(dir, 'copied.csv');
    fs.writeFileSync(sentinelCsv, `secret\n${SENTINEL}\n`);
    const values = (rows: Record<string, unknown>[]) => rows.map((r) => `(${Object.values(r).map((v) => (typeof v === 'number' ? v : `'${v}'`)).join(', ')})`).join(', ');
    await engine.query(`COPY (SELECT * FROM (VALUES ${values(PEOPLE)}) t(rybh, xm, sfzh, xb, nl, qy)) TO '${rawPeople}' (FORMAT parquet)`);
    await engine.query(`COPY (SELECT * FROM (VALUES ${values(MARRIAGES)}) t(rybh, hyzk)) TO '${path.join(dir, 'marriages.parquet')}' (FORMAT parquet)`);
    lake = {
      query: (sql, params, opts) => {
        ran.push(sql);
        return engine.query(sql, params, opts);
      },
    };
    state = await engine.query(stateSql);
  });
  after(() => {
    engine.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (sql: unknown, extra: { limit?: unknown; timeoutMs?: number } = {}) => analystQuery(lake, { sql, limit: extra.limit }, resolve, { timeoutMs: extra.timeoutMs });
  const PARSER = /^SELECT json_(de)?serialize_sql\(/;

  /** The statement is refused with `status` (a 400 names `field`), nothing but the parser ran, and nothing leaks. */
  async function refused(sql: unknown, status: 400 | 403 | 404, opts: { field?: string; resolves?: string[] } = {}) {
    const ranBefore = ran.length;
    const resolvedBefore = resolved.length;
    const err = await run(sql).then(
      (r) => assert.fail(`answered: ${JSON.stringify(r).slice(0, 300)}`),
      (e: unknown) => e,
    );
    assert.ok(err instanceof Problem, `not a problem: ${String(err)}`);
    assert.equal(err.status, status, err.message);
    if (status === 400) assert.deepEqual(err.errors?.map((e) => e.field), [opts.field ?? 'sql']);
    // (a name the statement itself wrote may be echoed back)
    for (const leak of [SENTINEL, dir, 'read_parquet', '__g1', '330106']) assert.ok(!err.message.includes(leak) || String(sql).includes(leak), `leaks ${leak}: ${err.message}`);
    assert.deepEqual(ran.slice(ranBefore).filter((q) => !PARSER.test(q)), [], 'only the parser ran');
    if (status === 400) assert.deepEqual(resolved.slice(resolvedBefore), opts.resolves ?? [], 'no dataset was resolved');
    assert.ok(!fs.existsSync(copyTarget), 'no file was written');
    assert.deepEqual(await engine.query(stateSql), state, 'the engine state is unchanged');
    return err;
  }

  // Each attack: [name, statement (made once the fixture exists), status]. Table names are dataset codes;
  // GA_RKJBXX and MZ_HYDJ are readable, SW_QYXX is closed, anything else does not exist.
  const attacks: [string, () => string, 400 | 403 | 404, string[]?][] = [
    // files and table functions
    ['read_parquet of the raw dataset file', () => `SELECT * FROM read_parquet('${rawPeople}')`, 400],
    ['read_csv of a file', () => `SELECT * FROM read_csv('${sentinelCsv}')`, 400],
    ['read_text of /etc/passwd', () => `SELECT * FROM read_text('/etc/passwd')`, 400],
    ['a file path as a table (replacement scan)', () => `SELECT * FROM '${rawPeople}'`, 404],
    ['a glob path as a table', () => `SELECT * FROM '${dir}/*.parquet'`, 404],
    ['glob()', () => `SELECT * FROM glob('${dir}/*')`, 400],
    ['sniff_csv', () => `SELECT * FROM sniff_csv('${sentinelCsv}')`, 400],
    ['parquet_metadata', () => `SELECT * FROM parquet_metadata('${rawPeople}')`, 400],
    ['a reader inside EXISTS', () => `SELECT xm FROM ga_rkjbxx WHERE EXISTS (SELECT * FROM read_text('${sentinelCsv}'))`, 400],
    ['a reader in a scalar subquery', () => `SELECT (SELECT content FROM read_text('${sentinelCsv}')) AS c FROM ga_rkjbxx`, 400],
    ['a reader under UNION ALL', () => `SELECT xm FROM ga_rkjbxx UNION ALL SELECT * FROM read_csv_auto('${sentinelCsv}')`, 400],
    ['a reader in a CTE', () => `WITH f AS (SELECT * FROM read_csv('${sentinelCsv}')) SELECT * FROM f, ga_rkjbxx`, 400],
    ['a reader in ORDER BY', () => `SELECT xm FROM ga_rkjbxx ORDER BY (SELECT content FROM read_text('${sentinelCsv}'))`, 400],
    ['a reader in LIMIT', () => `SELECT xm FROM ga_rkjbxx LIMIT (SELECT count(*) FROM read_text('${sentinelCsv}'))`, 400],
    ['a reader in IN (FROM …)', () => `SELECT xm FROM ga_rkjbxx WHERE xm IN (FROM read_csv('${sentinelCsv}'))`, 400],
    ['lateral unnest of a file function', () => `SELECT * FROM ga_rkjbxx, unnest((SELECT list(content) FROM read_text('${sentinelCsv}')))`, 400],
    ['lateral unnest of a list', () => `SELECT * FROM ga_rkjbxx, unnest([1, 2])`, 400],
    ['list_transform with a reader inside the lambda', () => `SELECT list_transform([1], x -> (SELECT content FROM read_text('${sentinelCsv}'))) AS l FROM ga_rkjbxx`, 400],
    ['a plain lambda', () => `SELECT list_filter([1, 2], x -> x > 1) AS l FROM ga_rkjbxx`, 400],
    ['COLUMNS with a lambda', () => `SELECT COLUMNS(c -> c LIKE 'x%') FROM ga_rkjbxx`, 400],
    ['query()', () => `SELECT * FROM query('SELECT * FROM read_csv(''${sentinelCsv}'')')`, 400],
    ['query() with a string-built statement', () => `SELECT * FROM query('SELECT * FROM ' || 'ga_rkjbxx')`, 400],
    ['query_table()', () => `SELECT * FROM query_table('ga_rkjbxx')`, 400],
    ['read_parquet with a string-built path', () => `SELECT * FROM read_parquet('${dir}/' || 'people.parquet')`, 400],
    ['a look-alike reader name (Cyrillic е)', () => `SELECT * FROM rеad_csv('${sentinelCsv}')`, 400],
    // system catalogs and qualified names
    ['duckdb_settings()', () => `SELECT * FROM duckdb_settings()`, 400],
    ['duckdb_tables()', () => `SELECT * FROM duckdb_tables()`, 400],
    ['duckdb_settings as a bare name reads no catalog', () => `SELECT * FROM duckdb_settings`, 404],
    ['information_schema.tables', () => `SELECT * FROM information_schema.tables`, 400],
    ['pg_catalog.pg_tables', () => `SELECT * FROM pg_catalog.pg_tables`, 400],
    ['sqlite_master as a bare name reads no catalog', () => `SELECT * FROM sqlite_master`, 404],
    ['pragma_database_list()', () => `SELECT * FROM pragma_database_list()`, 400],
    ['a schema-qualified dataset', () => `SELECT * FROM main.ga_rkjbxx`, 400],
    ['a catalog-qualified dataset', () => `SELECT * FROM memory.main.ga_rkjbxx`, 400],
    ['a quoted schema-qualified dataset', () => `SELECT * FROM "main"."ga_rkjbxx"`, 400],
    ['a three-part column name', () => `SELECT main.ga_rkjbxx.xm FROM ga_rkjbxx`, 400],
    ['time travel', () => `SELECT * FROM ga_rkjbxx AT (VERSION => 1)`, 400],
    // statements other than one SELECT
    ['two statements (DROP after a SELECT)', () => `SELECT * FROM ga_rkjbxx; DROP TABLE x`, 400],
    ['two statements (a reader after a SELECT)', () => `SELECT 1 FROM ga_rkjbxx; SELECT * FROM read_csv('${sentinelCsv}')`, 400],
    ['a second statement hidden after a comment', () => `SELECT 1 /* ; */ FROM ga_rkjbxx; /* x */ COPY (SELECT 1) TO '${copyTarget}'`, 400],
    ['COPY … TO', () => `COPY (SELECT * FROM ga_rkjbxx) TO '${copyTarget}'`, 400],
    ['ATTACH', () => `ATTACH '${path.join(dir, 'x.db')}' AS x`, 400],
    ['DETACH', () => `DETACH memory`, 400],
    ['INSTALL', () => `INSTALL httpfs`, 400],
    ['LOAD', () => `LOAD httpfs`, 400],
    ['PRAGMA', () => `PRAGMA database_list`, 400],
    ['SET a setting', () => `SET threads = 2`, 400],
    ['SET external access', () => `SET enable_external_access = true`, 400],
    ['RESET', () => `RESET threads`, 400],
    ['CALL', () => `CALL pragma_version()`, 400],
    ['EXPORT DATABASE', () => `EXPORT DATABASE '${path.join(dir, 'export')}'`, 400],
    ['IMPORT DATABASE', () => `IMPORT DATABASE '${dir}'`, 400],
    ['CREATE TABLE AS', () => `CREATE TABLE t AS SELECT * FROM ga_rkjbxx`, 400],
    ['INSERT', () => `INSERT INTO ga_rkjbxx VALUES (1)`, 400],
    ['DELETE', () => `DELETE FROM ga_rkjbxx`, 400],
    ['CREATE MACRO', () => `CREATE MACRO leak(x) AS x`, 400],
    ['PREPARE', () => `PREPARE p AS SELECT * FROM ga_rkjbxx`, 400],
    ['EXECUTE', () => `EXECUTE p`, 400],
    ['DESCRIBE', () => `DESCRIBE ga_rkjbxx`, 400],
    ['SUMMARIZE', () => `SUMMARIZE ga_rkjbxx`, 400],
    ['SUMMARIZE as a subquery', () => `SELECT * FROM (SUMMARIZE ga_rkjbxx)`, 400],
    ['SHOW TABLES', () => `SHOW TABLES`, 400],
    ['EXPLAIN ANALYZE', () => `EXPLAIN ANALYZE SELECT * FROM ga_rkjbxx`, 400],
    ['PIVOT statement', () => `PIVOT ga_rkjbxx ON xb USING count(*)`, 400],
    ['PIVOT in FROM', () => `SELECT * FROM ga_rkjbxx PIVOT (count(*) FOR xb IN ('男', '女'))`, 400],
    ['USING SAMPLE', () => `SELECT * FROM ga_rkjbxx USING SAMPLE 50%`, 400],
    ['TABLESAMPLE', () => `SELECT * FROM ga_rkjbxx TABLESAMPLE 50%`, 400],
    ['a recursive CTE bomb', () => `WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r, ga_rkjbxx`, 400],
    // functions
    ['getenv', () => `SELECT getenv('HOME') AS h FROM ga_rkjbxx`, 400],
    ['current_setting', () => `SELECT current_setting('allowed_directories') AS s FROM ga_rkjbxx`, 400],
    ['current_database()', () => `SELECT current_database() AS d FROM ga_rkjbxx`, 400],
    ['current_user as a bare word', () => `SELECT current_user AS u FROM ga_rkjbxx`, 400],
    ['current_schema as a bare word', () => `SELECT current_schema AS s FROM ga_rkjbxx`, 400],
    ['version()', () => `SELECT version() AS v FROM ga_rkjbxx`, 400],
    ['a schema-qualified function', () => `SELECT main.lower(xm) AS x FROM ga_rkjbxx`, 400],
    ['a catalog-qualified function', () => `SELECT system.main.lower(xm) AS x FROM ga_rkjbxx`, 400],
    ['a huge value (repeat)', () => `SELECT repeat(xm, 1000000000) AS x FROM ga_rkjbxx`, 400],
    ['a huge value (lpad)', () => `SELECT lpad(xm, 1000000000, 'x') AS x FROM ga_rkjbxx`, 400],
    ['a huge series (range)', () => `SELECT range(1000000000) AS r FROM ga_rkjbxx`, 400],
    ['nextval', () => `SELECT nextval('s') AS n FROM ga_rkjbxx`, 400],
    ['the parser from inside', () => `SELECT json_serialize_sql('SELECT 1') AS j FROM ga_rkjbxx`, 400],
    ['a platform macro', () => `SELECT pseudonym(xm, 'k') AS p FROM ga_rkjbxx`, 400],
    ['a cast to a user-defined type', () => `SELECT CAST(xm AS leak_type) AS x FROM ga_rkjbxx`, 400],
    // parameters
    ['a ? parameter', () => `SELECT * FROM ga_rkjbxx WHERE nl > ?`, 400],
    ['a $1 parameter', () => `SELECT * FROM ga_rkjbxx WHERE nl > $1`, 400],
    ['a named $parameter', () => `SELECT * FROM ga_rkjbxx WHERE nl > $age`, 400],
    // the platform's names and shadowing
    ['the generated view name __g1 as a table', () => `SELECT * FROM __g1`, 400],
    ['a CTE named __g1', () => `WITH __g1 AS (SELECT 1 AS a) SELECT * FROM ga_rkjbxx, __g1`, 400],
    ['an alias named __g2', () => `SELECT * FROM ga_rkjbxx AS __g2`, 400],
    ['a column alias named __q', () => `SELECT xm AS __q FROM ga_rkjbxx`, 400],
    ['the guard\'s __subject column', () => `SELECT __subject FROM ga_rkjbxx`, 400],
    ['a quoted "__g1"', () => `SELECT * FROM "__g1"`, 400],
    // (the check asks the resolver whether the CTE's name is a dataset's)
    ['a CTE shadowing a readable dataset', () => `WITH ga_rkjbxx AS (SELECT '张三丰' AS xm) SELECT * FROM ga_rkjbxx`, 400, ['GA_RKJBXX']],
    ['a CTE shadowing a dataset in another case', () => `WITH GA_rkjbxx AS (SELECT 1 AS a) SELECT * FROM mz_hydj`, 400, ['GA_RKJBXX']],
    ['a CTE shadowing a closed dataset', () => `WITH sw_qyxx AS (SELECT * FROM ga_rkjbxx) SELECT * FROM sw_qyxx`, 400, ['SW_QYXX']],
    // unreadable and unknown datasets
    ['a closed dataset', () => `SELECT * FROM sw_qyxx`, 403],
    ['a closed dataset joined to a readable one', () => `SELECT * FROM ga_rkjbxx JOIN sw_qyxx USING (rybh)`, 403],
    ['a closed dataset in a subquery', () => `SELECT * FROM ga_rkjbxx WHERE rybh IN (SELECT rybh FROM sw_qyxx)`, 403],
    ['a CTE used out of its scope does not read a catalog table', () => `SELECT * FROM (WITH duckdb_settings AS (SELECT 1 AS a) SELECT a FROM duckdb_settings) s, duckdb_settings`, 404],
    ['a full-width look-alike dataset code', () => `SELECT * FROM ＧＡ_RKJBXX`, 404],
    ['a quoted identifier holding SQL', () => `SELECT * FROM "read_csv('${sentinelCsv}')"`, 404],
    ['a file path as a table inside a scalar subquery', () => `SELECT * FROM ga_rkjbxx WHERE xm = (FROM '${rawPeople}')`, 404],
    // malformed input
    ['a deeply nested expression', () => `SELECT ${'abs('.repeat(2000)}1${')'.repeat(2000)} AS x FROM ga_rkjbxx`, 400],
    ['a full-width semicolon', () => `SELECT * FROM ga_rkjbxx；DROP TABLE x`, 400],
    ['nonsense', () => `SELEC nonsense`, 400],
    ['only a comment', () => `-- SELECT 1`, 400],
    ['a statement reading no dataset', () => `SELECT 1 AS one`, 400],
  ];

  for (const [name, sql, status, resolves] of attacks) {
    test(`refused: ${name}`, async () => {
      await refused(sql(), status, { resolves });
    });
  }

  test('refused: a statement longer than the cap is not even parsed', async () => {
    const ranBefore = ran.length;
    await refused(`SELECT xm FROM ga_rkjbxx WHERE xm <> '${'x'.repeat(ANALYST_SQL_MAX_LENGTH)}'`, 400);
    assert.equal(ran.length, ranBefore, 'nothing ran, not even the parser');
  });

  test('refused: no statement, or not a string', async () => {
    for (const sql of ['', '   ', undefined, 42, { sql: 'SELECT 1' }]) await refused(sql, 400);
  });

  test('refused: a limit out of range names the field limit', async () => {
    for (const limit of [0, -1, 10_001, 1.5, '10']) {
      const err = await run('SELECT xm FROM ga_rkjbxx', { limit }).catch((e: unknown) => e);
      assert.ok(err instanceof Problem && err.status === 400, String(err));
      assert.deepEqual(err.errors?.map((e) => e.field), ['limit']);
    }
  });

  test('the attack list holds at least 40 separate cases', () => {
    assert.ok(attacks.length >= 40, `${attacks.length} cases`);
    assert.equal(new Set(attacks.map((a) => a[0])).size, attacks.length, 'case names are unique');
  });

  // ---------------------------------------------------------------------------------------------
  // what is allowed

  const answer = async (sql: string, limit?: number): Promise<AnalystSqlResult> => run(sql, { limit });

  test('aggregates read the guarded view: masked, row-filtered, audited reads', async () => {
    resolved.length = 0;
    const r = await answer('SELECT xb, count(*) AS n, avg(nl) AS age FROM GA_RKJBXX GROUP BY xb ORDER BY xb');
    assert.deepEqual(r.columns, [{ name: 'xb', type: 'VARCHAR' }, { name: 'n', type: 'BIGINT' }, { name: 'age', type: 'DOUBLE' }]);
    // the row filter (西湖区 only) holds: 王五 of 上城区 is not counted
    assert.deepEqual(r.rows, [{ xb: '女', n: 2, age: 31.5 }, { xb: '男', n: 1, age: 34 }]);
    assert.equal(r.truncated, false);
    assert.deepEqual(r.reads, [{ code: 'GA_RKJBXX', datasetId: 'ds-ga', departmentId: 'dep-ga', version: 3, fields: ['rybh', 'xm', 'sfzh', 'xb', 'nl', 'qy'], grantId: 'grant-ga' }]);
    assert.deepEqual(resolved, ['GA_RKJBXX']);
  });

  test('masked values come out masked however they are asked for; the subject pseudonym never leaves the view', async () => {
    const all = await answer('SELECT * FROM ga_rkjbxx ORDER BY rybh');
    assert.deepEqual(all.columns.map((c) => c.name), ['rybh', 'xm', 'sfzh', 'xb', 'nl', 'qy']);
    assert.deepEqual(all.rows.map((r) => r.xm), ['张*丰', '李*', '欧**娜']);
    assert.deepEqual(all.rows.map((r) => r.sfzh), ['330106********1234', '330106********2345', '330106********3456']);
    const body = JSON.stringify(all);
    for (const p of PEOPLE) assert.ok(!body.includes(p.sfzh) && !body.includes(p.xm), `leaks ${p.xm}`);
    assert.ok(!body.includes('pseudonym-'));
    const probe = await answer(`SELECT count(*) AS n FROM ga_rkjbxx WHERE xm = '张三丰' OR sfzh = '330106199001011234' OR qy = '上城区'`);
    assert.deepEqual(probe.rows, [{ n: 0 }]);
    const json = await answer('SELECT to_json(t) AS j FROM ga_rkjbxx t ORDER BY rybh LIMIT 1');
    assert.ok(!JSON.stringify(json.rows).includes('张三丰'));
  });

  test('a join of two datasets reads both views, in text order, each bound once', async () => {
    resolved.length = 0;
    const r = await answer('SELECT g.xm, m.hyzk FROM ga_rkjbxx g JOIN "MZ_HYDJ" m USING (rybh) ORDER BY g.rybh');
    assert.deepEqual(r.rows, [{ xm: '张*丰', hyzk: '已婚' }, { xm: '李*', hyzk: '未婚' }]);
    assert.deepEqual(r.reads.map((x) => [x.code, x.grantId]), [['GA_RKJBXX', 'grant-ga'], ['MZ_HYDJ', null]]);
    assert.deepEqual(resolved, ['GA_RKJBXX', 'MZ_HYDJ']);
  });

  test('dataset codes match in any case and quoting, and resolve once', async () => {
    resolved.length = 0;
    const r = await answer('SELECT count(*) AS n FROM ga_rkjbxx a, "GA_RKJBXX" b, Ga_RkJbXx c WHERE a.rybh = b.rybh AND b.rybh = c.rybh');
    assert.deepEqual(r.rows, [{ n: 3 }]);
    assert.deepEqual(resolved, ['GA_RKJBXX']);
  });

  test('CTEs, window functions, QUALIFY, subqueries and set operations', async () => {
    const ranked = await answer(`WITH p AS (SELECT xm, xb, nl FROM ga_rkjbxx)
      SELECT xb, xm, row_number() OVER (PARTITION BY xb ORDER BY nl DESC) AS r, sum(nl) OVER (PARTITION BY xb) AS total FROM p QUALIFY r = 1 ORDER BY xb`);
    assert.deepEqual(ranked.rows, [{ xb: '女', xm: '李*', r: 1, total: 63 }, { xb: '男', xm: '张*丰', r: 1, total: 34 }]);
    // a view with a parameter, read several times under a LIMIT (self-join, EXISTS, UNION, a CTE read twice)
    const twice = await answer(`WITH a AS (SELECT * FROM ga_rkjbxx) SELECT x.rybh FROM a x JOIN a y USING (rybh)
      WHERE EXISTS (SELECT 1 FROM ga_rkjbxx z WHERE z.nl > x.nl) UNION SELECT rybh FROM mz_hydj ORDER BY 1 LIMIT 10`);
    assert.deepEqual(twice.rows.map((r) => r.rybh), ['P1', 'P2', 'P3', 'P4']);
    const nested = await answer(`SELECT xm FROM ga_rkjbxx WHERE nl > (SELECT avg(nl) FROM ga_rkjbxx) AND rybh IN (SELECT rybh FROM mz_hydj) ORDER BY rybh`);
    assert.deepEqual(nested.rows, [{ xm: '张*丰' }, { xm: '李*' }]);
  });

  test('a CTE is in scope for its own query only, and may be named like no dataset', async () => {
    const r = await answer('WITH older AS (SELECT * FROM ga_rkjbxx WHERE nl > 30) SELECT count(*) AS n FROM older');
    assert.deepEqual(r.rows, [{ n: 2 }]);
    const inner = await answer('SELECT * FROM (WITH o AS (SELECT rybh FROM ga_rkjbxx) SELECT count(*) AS n FROM o) s');
    assert.deepEqual(inner.rows, [{ n: 3 }]);
  });

  test('the everyday vocabulary: CASE, CAST, BETWEEN, LIKE, string and date functions, VALUES, DISTINCT ON, GROUP BY ALL / ROLLUP', async () => {
    const r = await answer(`SELECT CASE WHEN nl BETWEEN 30 AND 40 THEN '30-40' ELSE 'other' END AS band, CAST(nl AS VARCHAR) || '岁' AS age,
      upper(rybh) AS id, length(xm) AS len, xm LIKE '%*%' AS masked, date_part('year', DATE '2024-05-01') AS y, coalesce(NULL, xb) AS xb
      FROM ga_rkjbxx ORDER BY rybh LIMIT 1`);
    assert.deepEqual(r.rows, [{ band: '30-40', age: '34岁', id: 'P1', len: 3, masked: true, y: 2024, xb: '男' }]);
    const v = await answer(`SELECT v.label, count(g.rybh) AS n FROM (VALUES ('男', 'M'), ('女', 'F')) v(xb, label) LEFT JOIN ga_rkjbxx g USING (xb) GROUP BY ALL ORDER BY 1`);
    assert.deepEqual(v.rows, [{ label: 'F', n: 2 }, { label: 'M', n: 1 }]);
    const d = await answer('SELECT DISTINCT ON (xb) xb, xm FROM ga_rkjbxx ORDER BY xb, nl');
    assert.deepEqual(d.rows, [{ xb: '女', xm: '欧**娜' }, { xb: '男', xm: '张*丰' }]);
    const roll = await answer('SELECT xb, count(*) AS n FROM ga_rkjbxx GROUP BY ROLLUP (xb) ORDER BY xb NULLS FIRST');
    assert.deepEqual(roll.rows, [{ xb: null, n: 3 }, { xb: '女', n: 2 }, { xb: '男', n: 1 }]);
  });

  test('set operations, CUBE, SIMILAR TO, LATERAL, ANTI JOIN, * REPLACE and COLLATE as documented', async () => {
    const sets = await answer(`SELECT rybh FROM ga_rkjbxx INTERSECT SELECT rybh FROM mz_hydj EXCEPT SELECT 'P2' ORDER BY 1`);
    assert.deepEqual(sets.rows, [{ rybh: 'P1' }]);
    const cube = await answer('SELECT xb, qy, count(*) AS n FROM ga_rkjbxx GROUP BY CUBE (xb, qy) ORDER BY xb NULLS FIRST, qy NULLS FIRST LIMIT 1');
    assert.deepEqual(cube.rows, [{ xb: null, qy: null, n: 3 }]);
    const misc = await answer(`SELECT g.* EXCLUDE (xm, sfzh, qy) REPLACE (lower(rybh) AS rybh), l.n FROM ga_rkjbxx g ANTI JOIN mz_hydj m USING (rybh),
      LATERAL (SELECT g.nl + 1 AS n) l WHERE rybh SIMILAR TO 'P[0-9]' AND xb COLLATE nocase = '女'`);
    assert.deepEqual(misc.rows, [{ rybh: 'p3', xb: '女', nl: 24, n: 25 }]);
  });

  test('comments and quoting tricks vanish: what runs is the engine\'s rendering of the checked tree', async () => {
    const r = await answer(`SELECT 1 AS "x"" FROM read_csv('${sentinelCsv}') --", 'it''s'' FROM read_csv(''x'')' AS y /* ; COPY */ FROM ga_rkjbxx -- ; ATTACH 'x'
      LIMIT 1`);
    assert.deepEqual(Object.keys(r.rows[0]!), [`x" FROM read_csv('${sentinelCsv}') --`, 'y']);
    const last = ran.filter((q) => q.includes('__g1')).at(-1)!;
    assert.ok(!last.includes('/*') && !last.includes('-- ;'), last);
  });

  test('the row cap: truncated when more rows match than the limit (limit + 1 fetched)', async () => {
    const two = await answer('SELECT rybh FROM ga_rkjbxx ORDER BY rybh', 2);
    assert.deepEqual(two.rows, [{ rybh: 'P1' }, { rybh: 'P2' }]);
    assert.equal(two.truncated, true);
    const three = await answer('SELECT rybh FROM ga_rkjbxx ORDER BY rybh', 3);
    assert.equal(three.truncated, false);
    assert.equal(three.rows.length, 3);
    const many = await answer('SELECT a.rybh FROM ga_rkjbxx a, ga_rkjbxx b, ga_rkjbxx c, ga_rkjbxx d, ga_rkjbxx e, ga_rkjbxx f, ga_rkjbxx g, ga_rkjbxx h, ga_rkjbxx i');
    assert.equal(many.rows.length, 1000);
    assert.equal(many.truncated, true);
    assert.ok(ran.at(-1)!.endsWith('LIMIT 1001'));
  });

  test('duplicate output names are kept apart', async () => {
    const r = await answer('SELECT a.xm, b.xm FROM ga_rkjbxx a JOIN ga_rkjbxx b USING (rybh) ORDER BY a.rybh LIMIT 1');
    assert.deepEqual(r.columns.map((c) => c.name), ['xm', 'xm_1']);
  });

  test('engine errors name the user\'s own tables and leak no path or view SQL', async () => {
    const err = await run('SELECT no_such_column FROM ga_rkjbxx').catch((e: unknown) => e);
    assert.ok(err instanceof Problem && err.status === 400, String(err));
    assert.match(err.message, /no_such_column/);
    for (const leak of [dir, 'read_parquet', '__g1', '__v', 'mask_']) assert.ok(!err.message.includes(leak), `leaks ${leak}: ${err.message}`);
    // a value in an error could come from a row outside the view's filter: values are never echoed
    const cast = await run('SELECT CAST(qy AS INTEGER) AS n FROM ga_rkjbxx').catch((e: unknown) => e);
    assert.ok(cast instanceof Problem && cast.status === 400, String(cast));
    assert.match(cast.message, /Conversion Error/);
    assert.ok(!/[区张李王]/.test(cast.message), cast.message);
  });

  test('a resolver crash is passed on, not taken for a refusal or a shadowed dataset', async () => {
    const crash = async (): Promise<GuardedView> => {
      throw new Error('catalog down');
    };
    for (const sql of ['WITH x AS (SELECT 1 AS a) SELECT * FROM x, ga_rkjbxx', 'SELECT * FROM ga_rkjbxx']) {
      await assert.rejects(analystQuery(lake, { sql }, crash), /catalog down/);
    }
  });

  test('the time cap stops a runaway statement and the engine answers on', async () => {
    const started = Date.now();
    const joins = Array.from({ length: 30 }, (_, i) => `ga_rkjbxx t${i}`).join(', ');
    const err = await run(`SELECT count(*) AS n FROM ${joins}`, { timeoutMs: 500 }).catch((e: unknown) => e);
    assert.ok(err instanceof Problem && err.status === 400, String(err));
    assert.match(err.message, /longer than 0.5 s/);
    assert.ok(Date.now() - started < 10_000, `stopped after ${Date.now() - started} ms`);
    assert.deepEqual((await answer('SELECT count(*) AS n FROM ga_rkjbxx')).rows, [{ n: 3 }]);
  });

  test('every allow-listed function is one the engine has (scalar, aggregate, window or built-in macro)', async () => {
    const rows = await engine.query<{ f: string }>(`SELECT DISTINCT function_name AS f FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'window') OR (function_type = 'macro' AND internal)`);
    const have = new Set(rows.map((r) => r.f));
    const missing = [...SQL_FUNCTIONS, ...SQL_WINDOW_FUNCTIONS].filter((f) => !have.has(f));
    assert.deepEqual(missing, []);
  });

  test('after all of it the engine state is what it was', async () => {
    assert.deepEqual(await engine.query(stateSql), state);
    assert.ok(!fs.existsSync(copyTarget));
    assert.ok(!fs.existsSync(path.join(dir, 'export')));
  });
});
