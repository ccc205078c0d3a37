/**
 * Attacks on CKAN's `datastore_search_sql`: user-written SQL runs only as one SELECT over open
 * resources, each bound to the open-data guard's SQL. Files, table functions, system functions,
 * other statements, closed datasets, dropped columns, shadowing CTEs and quoting tricks are all
 * refused, and no answer carries a protected value, a path or the server's key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { drivers } from '../helpers/platform.ts';
import { openDataCity, PEOPLE, SECRETS, type OpenCity } from '../helpers/openCity.ts';

for (const driver of drivers()) {
  describe(`CKAN datastore_search_sql under attack (${driver})`, () => {
    let c: OpenCity;
    /** DataStore resource ids: open (GA_RK), conditionally open (GA_COND), published but not open (GA_INNER). */
    let open: string;
    let cond: string;
    let inner: string;
    before(async () => {
      c = await openDataCity(driver);
      const rid = async (code: string, auth: Record<string, string> = {}) => {
        const r = await c.ckan('GET', 'package_show', { id: code }, auth);
        assert.equal(r.statusCode, 200, r.body);
        return r.json().result.resources.find((x: { datastore_active: boolean }) => x.datastore_active)?.id as string;
      };
      open = await rid('ga_rk');
      cond = await rid('ga_cond');
      // a published entry that is not open data has no DataStore resource: take the id its CSV resource would have
      const { stableUuid } = await import('../../src/catalog/ckan/dicts.ts');
      const ds = await c.req('GET', '/datasets/GA_INNER', c.admin);
      inner = stableUuid(`resource:${ds.json().id}:csv`);
      assert.ok(open && cond && inner);
    });
    after(() => c.close());

    const sql = (statement: string, headers: Record<string, string> = {}) => c.ckan('POST', 'datastore_search_sql', { sql: statement }, headers);
    /** The answer is CKAN's error of that status and type, and leaks nothing. */
    async function refused(statement: string, status: number, type: string, headers: Record<string, string> = {}) {
      const r = await sql(statement, headers);
      assert.equal(r.statusCode, status, `${statement}\n${r.body}`);
      assert.equal(r.json().success, false);
      assert.equal(r.json().error.__type, type, r.body);
      clean(r.body);
      return r;
    }
    function clean(body: string) {
      for (const s of SECRETS) assert.ok(!body.includes(s), `leaks ${s}: ${body}`);
      assert.ok(!body.includes(c.t.p.dir), `leaks the data directory: ${body}`);
      assert.ok(!body.includes('test-secret'), `leaks the server key: ${body}`);
      assert.ok(!/root:x?:0:0/.test(body), `leaks /etc/passwd: ${body}`);
      assert.ok(!body.includes('read_parquet'), `leaks the guarded SQL: ${body}`);
    }

    test('the open resource answers: masked names, no ID numbers, CKAN shape', async () => {
      const r = await sql(`SELECT * FROM "${open}" ORDER BY "_id"`);
      assert.equal(r.statusCode, 200, r.body);
      const res = r.json().result;
      assert.equal(res.records.length, PEOPLE.length);
      assert.deepEqual(Object.keys(res.records[0]), ['_id', 'xm', 'qy', 'nl', 'bz']);
      assert.equal(res.records[0].xm, '欧**娜');
      assert.deepEqual(res.fields, [{ id: '_id', type: 'int8' }, { id: 'xm', type: 'text' }, { id: 'qy', type: 'text' }, { id: 'nl', type: 'int8' }, { id: 'bz', type: 'text' }]);
      clean(r.body);
      const agg = await sql(`WITH w AS (SELECT qy, nl FROM "${open}" WHERE nl > 20) SELECT qy, count(*) AS n FROM w GROUP BY qy ORDER BY n DESC, qy`);
      assert.equal(agg.statusCode, 200, agg.body);
      assert.deepEqual(agg.json().result.records[0], { qy: '西湖区', n: 2 });
      assert.deepEqual(agg.json().result.fields, [{ id: 'qy', type: 'text' }, { id: 'n', type: 'int8' }]);
      const empty = await sql(`SELECT qy FROM "${open}" WHERE false`);
      assert.deepEqual(empty.json().result, { sql: `SELECT qy FROM "${open}" WHERE false`, records: [], fields: [{ id: 'qy', type: 'text' }] });
    });

    test('files: table functions, replacement scans and globs over the lake are refused', async () => {
      await refused(`SELECT * FROM read_csv('/etc/passwd')`, 403, 'Authorization Error');
      await refused(`SELECT * FROM read_parquet('${c.t.p.dir}/lake/**/*.parquet')`, 403, 'Authorization Error');
      await refused(`SELECT * FROM '/etc/passwd'`, 403, 'Authorization Error');
      await refused(`SELECT * FROM '${c.t.p.dir}/lake/**/*.parquet'`, 403, 'Authorization Error');
      await refused(`SELECT * FROM glob('/*')`, 403, 'Authorization Error');
      await refused(`SELECT * FROM "${open}" WHERE EXISTS (SELECT * FROM read_text('/etc/passwd'))`, 403, 'Authorization Error');
      await refused(`SELECT * FROM "${open}" UNION ALL SELECT * FROM read_csv_auto('/etc/passwd')`, 403, 'Authorization Error');
      await refused(`SELECT list_transform([1], x -> (SELECT content FROM read_text('/etc/passwd'))) FROM "${open}"`, 403, 'Authorization Error');
      await refused(`SELECT * FROM query('SELECT 1')`, 403, 'Authorization Error');
      await refused(`SELECT * FROM query_table('${open}')`, 403, 'Authorization Error');
      await refused(`SELECT * FROM sniff_csv('/etc/passwd')`, 403, 'Authorization Error');
    });

    test('system functions and catalog tables are refused', async () => {
      for (const f of [`current_query()`, `current_setting('allowed_directories')`, `getenv('HOME')`, `json_serialize_sql('SELECT 1')`, `nextval('s')`, `main.lower(qy)`]) {
        await refused(`SELECT ${f} FROM "${open}"`, 403, 'Authorization Error');
      }
      await refused(`SELECT * FROM duckdb_tables()`, 403, 'Authorization Error');
      await refused(`SELECT * FROM duckdb_settings`, 403, 'Authorization Error');
      await refused(`SELECT * FROM information_schema.tables`, 403, 'Authorization Error');
      await refused(`SELECT * FROM "${open}", pragma_database_list`, 403, 'Authorization Error');
      await refused(`DESCRIBE "${open}"`, 403, 'Authorization Error');
      await refused(`SELECT * FROM (SUMMARIZE "${open}")`, 403, 'Authorization Error');
    });

    test('only one SELECT: COPY, ATTACH, PRAGMA, SET, INSTALL, EXPORT and several statements are refused', async () => {
      for (const s of [
        `COPY (SELECT * FROM "${open}") TO '/tmp/x.csv'`, `ATTACH '/tmp/x.db' AS x`, 'PRAGMA database_list', 'SET enable_external_access = true',
        'INSTALL httpfs', 'LOAD httpfs', `EXPORT DATABASE '/tmp/x'`, `CREATE TABLE t AS SELECT * FROM "${open}"`,
        `SELECT * FROM "${open}"; SELECT * FROM read_csv('/etc/passwd')`, `SELECT 1; SELECT 2`, `SELECT * FROM "${open}"; DROP TABLE x`,
      ]) await refused(s, 409, 'Validation Error');
      await refused('SELEC nonsense', 409, 'Validation Error');
      await refused('', 409, 'Validation Error');
    });

    test('a dropped (L4) column is not in the table, and an L3 column only masked, however it is asked for', async () => {
      const r = await refused(`SELECT sfzh FROM "${open}"`, 409, 'Validation Error');
      assert.match(r.body, /sfzh/);
      for (const s of [`SELECT COLUMNS('.*') FROM "${open}"`, `SELECT to_json(t) AS j FROM "${open}" t`, `SELECT string_agg(xm, ',') AS s FROM "${open}"`, `SELECT * FROM "${open}" WHERE xm LIKE '欧阳%'`]) {
        const ok = await sql(s);
        assert.equal(ok.statusCode, 200, `${s}\n${ok.body}`);
        clean(ok.body);
      }
      const none = await sql(`SELECT count(*) AS n FROM "${open}" WHERE xm = '欧阳娜娜'`);
      assert.deepEqual(none.json().result.records, [{ n: 0 }]);
    });

    test('resources that are not open data: refused; conditional open data needs an approved key', async () => {
      await refused(`SELECT * FROM "${inner}"`, 403, 'Authorization Error');
      await refused(`SELECT * FROM "${open}" JOIN "${inner}" USING (qy)`, 403, 'Authorization Error');
      await refused(`SELECT * FROM "00000000-0000-0000-0000-000000000000"`, 403, 'Authorization Error');
      // a govhub token of the owning department does not open its closed data through the DataStore either
      await refused(`SELECT * FROM "${inner}"`, 403, 'Authorization Error', { authorization: c.gaToken });
      await refused(`SELECT * FROM "${cond}"`, 403, 'Authorization Error');
      await refused(`SELECT * FROM "${cond}"`, 403, 'Authorization Error', { 'x-api-key': 'gho_not-a-key' });
      const withKey = await sql(`SELECT count(*) AS n FROM "${cond}"`, { 'x-api-key': c.openKey });
      assert.equal(withKey.statusCode, 200, withKey.body);
      assert.deepEqual(withKey.json().result.records, [{ n: PEOPLE.length }]);
      const asAuth = await sql(`SELECT count(*) AS n FROM "${cond}"`, { authorization: c.openKey });
      assert.equal(asAuth.statusCode, 200, asAuth.body);
    });

    test('CTEs: one shadowing a resource id is refused; one reading a file is refused; names out of scope read nothing else', async () => {
      await refused(`WITH "${open}" AS (SELECT 'x' AS qy) SELECT * FROM "${open}"`, 409, 'Validation Error');
      await refused(`WITH "${inner}" AS (SELECT * FROM "${open}") SELECT * FROM "${inner}"`, 409, 'Validation Error');
      await refused(`WITH f AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM f, "${open}"`, 403, 'Authorization Error');
      // a CTE named like a catalog table, used outside its scope, must not reach the catalog table:
      // out there the name is a resource id, and no resource has it
      await refused(`SELECT * FROM (WITH duckdb_settings AS (SELECT 1 AS a) SELECT a FROM duckdb_settings) s, duckdb_settings, "${open}"`, 403, 'Authorization Error');
      await refused(`SELECT * FROM "${open}" AT (VERSION => 1)`, 403, 'Authorization Error');
    });

    test('quoting tricks in aliases and strings stay data', async () => {
      const s = `SELECT 1 AS "x"" FROM read_csv('/etc/passwd') --", 'it''s'' FROM read_csv(''/etc/passwd'')' AS y FROM "${open}" LIMIT 1`;
      const r = await sql(s);
      assert.equal(r.statusCode, 200, r.body);
      clean(r.body);
      assert.deepEqual(Object.keys(r.json().result.records[0]), [`x" FROM read_csv('/etc/passwd') --`, 'y']);
    });

    test('values made huge out of little are refused; a statement running too long is stopped and the server answers on', async () => {
      for (const f of [`lpad(qy, 1000000000, 'x')`, `repeat(qy, 1000000000)`, `printf('%1000000000d', nl)`, `range(1000000000)`, `list_resize([1], 1000000000)`]) {
        await refused(`SELECT ${f} FROM "${open}"`, 403, 'Authorization Error');
      }
      const started = Date.now();
      const joins = Array.from({ length: 24 }, (_, i) => `"${open}" t${i}`).join(', ');
      const e = await refused(`SELECT count(*) AS n FROM ${joins}`, 409, 'Validation Error');
      assert.match(String(e.json().error.query), /longer than 10 s/);
      assert.ok(Date.now() - started < 30_000, `stopped after ${Date.now() - started} ms`);
      await c.healthy();
      assert.equal((await sql(`SELECT count(*) AS n FROM "${open}"`)).json().result.records[0].n, PEOPLE.length);
    });

    test('every answered read is audited as an open data.read; the server still answers', async () => {
      const events = await c.events('data.read', 'GA_RK');
      assert.ok(events.some((e) => e.details.format === 'ckan.datastore_search_sql' && e.details.open === true && Array.isArray(e.details.masked) && (e.details.masked as string[]).includes('xm')));
      assert.ok(events.every((e) => !(e.details.fields as string[]).includes('sfzh')));
      await c.healthy();
    });
  });
}
