import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  areaFullName,
  elementSql,
  flagSql,
  getElement,
  idCardBirthDate,
  idCardCheckDigit,
  idCardSex,
  isAreaCode,
  listAreas,
  listElements,
  macroSql,
  normalizeSql,
  orgCodeCheckChar,
  reasonSql,
  registerElement,
  registerMacros,
  setUsccLegacyCodes,
  unregisterElement,
  upgradeId15to18,
  usccCheckChar,
  usccOrgCode,
  validate,
  validateIdCard,
  validateOrgCode,
  StandardsError,
} from '../../../src/standards/index.ts';
import { VECTORS, VECTOR_USCC_LEGACY, type Vector } from './vectors.ts';

const BUILTIN_IDS = ['id_card', 'uscc', 'org_code', 'area_code', 'mobile', 'phone', 'postcode', 'email', 'date', 'gender', 'ethnicity'];

let inst: DuckDBInstance;
let conn: DuckDBConnection;

async function rows(sql: string, values?: unknown[]): Promise<Record<string, unknown>[]> {
  const r = await conn.runAndReadAll(sql, values as never);
  return r.getRowObjects() as Record<string, unknown>[];
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function label(v: Vector): string {
  return `${v.element} ${JSON.stringify(v.input)}${v.params ? ' ' + JSON.stringify(v.params) : ''}${v.note ? ` (${v.note})` : ''}`;
}

before(async () => {
  setUsccLegacyCodes(VECTOR_USCC_LEGACY);
  inst = await DuckDBInstance.create(':memory:');
  conn = await inst.connect();
  await registerMacros(conn);
});

after(() => {
  setUsccLegacyCodes([]);
  conn?.closeSync();
});

describe('test vectors: TS and DuckDB agree with the expected result', () => {
  test('every built-in element has vectors, valid and invalid', () => {
    for (const id of BUILTIN_IDS) {
      assert.ok(VECTORS.some((v) => v.element === id && v.ok), `${id}: a valid example`);
      assert.ok(VECTORS.some((v) => v.element === id && !v.ok), `${id}: an invalid example`);
    }
  });

  test('TS validators', () => {
    for (const v of VECTORS) {
      const r = validate(v.element, v.input, v.params);
      assert.equal(r.ok, v.ok, `ok: ${label(v)} → ${JSON.stringify(r)}`);
      assert.equal(r.reason, v.reason, `reason: ${label(v)}`);
      if (v.ok) assert.equal(r.normalized, v.normalized, `normalized: ${label(v)}`);
      assert.equal(r.flag, v.flag, `flag: ${label(v)}`);
    }
  });

  test('DuckDB macros', async () => {
    // One query per (element, params) group, all inputs of the group in a VALUES list.
    const groups = new Map<string, Vector[]>();
    for (const v of VECTORS) {
      const key = `${v.element}|${JSON.stringify(v.params ?? null)}`;
      groups.set(key, [...(groups.get(key) ?? []), v]);
    }
    for (const vs of groups.values()) {
      const { element, params } = vs[0]!;
      const values = vs.map((v, i) => `(${i}, ${v.input === null ? 'NULL' : quote(v.input)})`).join(', ');
      const sql = `SELECT i, (${elementSql(element, 'v', params)}) AS ok, (${reasonSql(element, 'v', params)}) AS reason,
        (${normalizeSql(element, 'v', params)})::VARCHAR AS norm, (${flagSql(element, 'v', params)}) AS flag
        FROM (VALUES ${values}) t(i, v) ORDER BY i`;
      for (const r of await rows(sql)) {
        const v = vs[Number(r.i)]!;
        assert.equal(r.ok, v.reason === 'empty' ? null : v.ok, `ok: ${label(v)} → ${JSON.stringify(r)}`);
        assert.equal(r.reason, v.ok ? null : v.reason, `reason: ${label(v)}`);
        assert.equal(r.norm, v.ok ? v.normalized : null, `normalized: ${label(v)}`);
        assert.equal(r.flag, v.flag ?? null, `flag: ${label(v)}`);
      }
    }
  });

  test('DuckDB macros over a stored table column', async () => {
    const plain = VECTORS.filter((v) => !v.params && getElement(v.element)?.macroName);
    await conn.run(`CREATE OR REPLACE TABLE vec (i INTEGER, element VARCHAR, v VARCHAR)`);
    const app = await conn.createAppender('vec');
    plain.forEach((v, i) => {
      app.appendInteger(i);
      app.appendVarchar(v.element);
      if (v.input === null) app.appendNull();
      else app.appendVarchar(v.input);
      app.endRow();
    });
    app.closeSync();
    for (const id of new Set(plain.map((v) => v.element))) {
      const got = await rows(`SELECT i, ${elementSql(id, 'v')} AS ok FROM vec WHERE element = '${id}' ORDER BY i`);
      for (const r of got) {
        const v = plain[Number(r.i)]!;
        assert.equal(r.ok, v.reason === 'empty' ? null : v.ok, label(v));
      }
    }
  });
});

describe('registry', () => {
  test('lists the built-in elements with Chinese titles and macro names', async () => {
    const list = listElements();
    const ids = list.map((e) => e.id);
    for (const id of BUILTIN_IDS) assert.ok(ids.includes(id), id);
    for (const id of ['code_table', 'enum', 'regex', 'range', 'length']) assert.ok(ids.includes(id), id);
    const fns = new Set((await rows(`SELECT function_name FROM duckdb_functions() WHERE function_type = 'macro'`)).map((r) => r.function_name));
    for (const e of list.filter((x) => x.kind === 'builtin')) {
      assert.match(e.title, /[\u4e00-\u9fff]/);
      assert.ok(e.titleEn && e.description);
      for (const m of [e.macroName, e.reasonMacroName, e.normalizeMacroName]) assert.ok(m && fns.has(m), `${e.id}: macro ${m}`);
    }
    assert.ok(macroSql().every((s) => /^CREATE OR REPLACE TEMP /.test(s)));
  });

  test('built-in and template elements are described in English too, parameters included', () => {
    const cjk = /[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e]/;
    for (const e of listElements().filter((x) => x.kind !== 'custom')) {
      assert.ok(e.descriptionEn && !cjk.test(e.descriptionEn), `${e.id}: ${e.descriptionEn}`);
      for (const p of e.params ?? []) assert.ok(p.titleEn && !cjk.test(p.titleEn), `${e.id}.${p.name}: ${p.titleEn}`);
    }
  });

  test('unknown element id is a clear error', () => {
    assert.throws(() => validate('nope', 'x'), StandardsError);
    assert.throws(() => elementSql('nope', 'x'), /unknown data element/);
    assert.throws(() => validate('code_table', 'x'), StandardsError, 'template without params');
    assert.throws(() => elementSql('range', 'x', { min: 'abc' }), StandardsError);
  });

  test('user-defined element from a template', async () => {
    const info = registerElement({
      id: 'marital_status',
      title: '婚姻状况',
      template: 'code_table',
      params: { codes: { '10': '未婚', '20': '已婚', '30': '丧偶', '40': '离婚', '90': '未说明的婚姻状况' } },
    });
    assert.equal(info.kind, 'custom');
    assert.deepEqual(validate('marital_status', '离婚'), { ok: true, normalized: '40' });
    assert.deepEqual(validate('marital_status', '再婚'), { ok: false, reason: 'unknown' });
    const [r] = await rows(`SELECT ${normalizeSql('marital_status', "'丧偶'")} AS n, ${elementSql('marital_status', "'x'")} AS ok`);
    assert.deepEqual(r, { n: '30', ok: false });
    assert.throws(() => registerElement({ id: 'id_card', title: 'x', template: 'enum', params: { values: ['a'] } }), /built-in/);
    assert.throws(() => registerElement({ id: 'bad_re', title: 'x', template: 'regex', params: { pattern: '(?=a)b' } }), /look-around/);
    assert.ok(unregisterElement('marital_status'));
    assert.equal(getElement('marital_status'), undefined);
  });
});

describe('公民身份号码 helpers', () => {
  test('check digit, 15→18 upgrade, birth date and sex', async () => {
    assert.equal(idCardCheckDigit('11010519491231002'), 'X');
    assert.equal(idCardCheckDigit('44052418800101001'), '4');
    assert.equal(upgradeId15to18('110105491231002'), '11010519491231002X');
    assert.equal(upgradeId15to18('11010519491231002X'), null);
    assert.equal(idCardBirthDate('11010519491231002X'), '1949-12-31');
    assert.equal(idCardSex('11010519491231002X'), '2');
    assert.equal(idCardSex('330106199003071236'), '1');
    assert.equal(idCardSex('330106199003071235'), null);
    assert.deepEqual(validateIdCard('330106900307123'), {
      ok: true, normalized: '330106199003071236', birthDate: '1990-03-07', sex: '1', areaCode: '330106',
    });
    const [r] = await rows(`SELECT std_id_card_birth('11010519491231002X')::VARCHAR AS b, std_id_card_sex('11010519491231002X') AS s,
      std_id_card_sex('330106900307123') AS s15, std_id_card_birth('330106199003071235') AS bad, std_id_card_sex('') AS blank`);
    assert.deepEqual(r, { b: '1949-12-31', s: '2', s15: '1', bad: null, blank: null });
  });

  test('SQL and TS agree on generated numbers (check digit over every position)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) {
      const seq = String((i * 7919) % 1000).padStart(3, '0');
      const day = String((i % 28) + 1).padStart(2, '0');
      const first17 = `330106${1930 + (i % 90)}${String((i % 12) + 1).padStart(2, '0')}${day}${seq}`;
      ids.push(first17 + idCardCheckDigit(first17));
      ids.push(first17 + (idCardCheckDigit(first17) === '0' ? '1' : '0'));
    }
    const got = await rows(`SELECT s, std_id_card_valid(s) AS ok FROM (VALUES ${ids.map((x) => `(${quote(x)})`).join(', ')}) t(s)`);
    for (const r of got) assert.equal(r.ok, validateIdCard(r.s).ok, String(r.s));
  });
});

describe('统一社会信用代码 / 组织机构代码 helpers', () => {
  test('check characters and the embedded organization code', () => {
    assert.equal(usccCheckChar('91110000100017643'), 'K');
    assert.equal(orgCodeCheckChar('10001764'), '3');
    assert.equal(usccOrgCode('91110000100017643K'), '100017643');
    assert.ok(validateOrgCode(usccOrgCode('91110000100017643K')).ok);
  });
});

describe('行政区划代码 helpers', () => {
  test('current and historical codes', () => {
    assert.ok(isAreaCode('330113'));
    assert.ok(isAreaCode('330103'));
    assert.ok(isAreaCode('110221'), '昌平县 before 1999');
    assert.ok(!isAreaCode('330107', { currentOnly: true }));
    assert.equal(areaFullName('330106'), '浙江省杭州市西湖区');
    const hz = listAreas({ parent: '330100', currentOnly: true }).map((a) => a.code);
    assert.ok(hz.includes('330106') && hz.includes('330114'));
    assert.ok(hz.every((c) => c.startsWith('3301')));
  });
});
