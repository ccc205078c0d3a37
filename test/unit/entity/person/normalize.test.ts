import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Engine, StageRunner } from '../../../../src/lake/index.ts';
import { nameFeatures, normalizePerson, parseAddress, personFeatures } from '../../../../src/entity/person/index.ts';

describe('names', () => {
  test('traditional characters, spaces and interpuncts fold to one simplified name', () => {
    assert.equal(nameFeatures('張 偉')?.name, '张伟');
    assert.equal(nameFeatures('　欧陽娜娜 ')?.name, '欧阳娜娜');
    assert.equal(nameFeatures('买买提·艾力')?.name, '买买提艾力');
    assert.equal(nameFeatures('  '), null);
  });

  test('compound surnames keep both characters; a two-character name never has one', () => {
    assert.deepEqual([nameFeatures('欧阳娜娜')?.surname, nameFeatures('欧阳娜娜')?.given], ['欧阳', '娜娜']);
    assert.deepEqual([nameFeatures('诸葛亮')?.surname, nameFeatures('诸葛亮')?.given], ['诸葛', '亮']);
    assert.deepEqual([nameFeatures('欧阳')?.surname, nameFeatures('欧阳')?.given], ['欧', '阳']);
    assert.equal(nameFeatures('司马光')?.name_len, 3);
  });

  test('pinyin is toneless, reads surnames as surnames', () => {
    assert.equal(nameFeatures('张伟')?.name_py, 'zhang wei');
    assert.equal(nameFeatures('单丽')?.name_py, 'shan li');
    assert.equal(nameFeatures('曾强')?.surname_py, 'zeng');
    assert.equal(nameFeatures('欧阳娜娜')?.surname_py, 'ou yang');
  });

  test('the fuzzy key folds zh/z, n/l, -ng/-n, f/h and look-alike characters', () => {
    assert.equal(nameFeatures('张伟')?.name_fuzzy, nameFeatures('臧伟')?.name_fuzzy);
    assert.equal(nameFeatures('刘宁')?.name_fuzzy, nameFeatures('刘林')?.name_fuzzy);
    assert.equal(nameFeatures('王芳')?.name_fuzzy, 'wan han');
    assert.equal(nameFeatures('李己')?.name_fuzzy, nameFeatures('李已')?.name_fuzzy);
    assert.equal(nameFeatures('侯明')?.name_fuzzy, nameFeatures('候明')?.name_fuzzy);
    assert.notEqual(nameFeatures('张伟')?.name_fuzzy, nameFeatures('张强')?.name_fuzzy);
  });
});

describe('addresses', () => {
  test('a city address down to the door', () => {
    const a = parseAddress('示范市上城区紫阳街道中河路974号2幢3单元1701室');
    assert.deepEqual([a.city, a.district, a.street, a.community, a.norm], ['示范市', '上城区', '紫阳街道', '中河路974号', '上城区紫阳街道中河路974号2幢3单元1701室']);
  });

  test('province added, city left out, full-width digits, traditional characters, 〇, 栋 all give the same norm', () => {
    const norm = '上城区紫阳街道中河路974号2幢3单元1701室';
    for (const form of [
      '浙江省示范市上城区紫阳街道中河路974号2幢3单元1701室',
      '上城区紫阳街道中河路974号2幢3单元1701室',
      '示范市上城区紫阳街道中河路９７４号２幢３单元１７０１室',
      '示范市上城區紫陽街道中河路974號2幢3單元1701室',
      '示范市上城区紫阳街道中河路974号2栋3单元1701',
      '示范市上城区 紫阳街道 中河路974号2幢3单元17〇1室',
    ]) assert.equal(parseAddress(form).norm, norm, form);
  });

  test('villages and communities are the community level; 市 and 区 inside lower names do not cut', () => {
    const v = parseAddress('示范市临平区临平街道新民村1组86号');
    assert.deepEqual([v.district, v.street, v.community], ['临平区', '临平街道', '新民村']);
    const c = parseAddress('浙江省杭州市西湖区翠苑街道翠苑一区社区文三路100号');
    assert.deepEqual([c.province, c.city, c.district, c.street, c.community], ['浙江省', '杭州市', '西湖区', '翠苑街道', '翠苑一区社区']);
    const m = parseAddress('示范市拱墅区米市巷街道市心路12号');
    assert.deepEqual([m.district, m.street, m.community], ['拱墅区', '米市巷街道', '市心路12号']);
  });

  test('a county-level city written alone is the district', () => {
    const a = parseAddress('建德市新安江街道新安路3号');
    assert.deepEqual([a.city, a.district, a.street], [null, '建德市', '新安江街道']);
    const s = parseAddress('杭州市萧山区瓜沥镇东村5组12号');
    assert.deepEqual([s.city, s.district, s.street, s.community], ['杭州市', '萧山区', '瓜沥镇', '东村']);
  });
});

describe('normalizePerson', () => {
  test('a 15-digit ID becomes 18 digits; birth and sex come from it when the fields are missing', () => {
    const f = normalizePerson({ name: '王伟', idNumber: '330102800101123' });
    assert.equal(f.id18, '33010219800101123X');
    assert.equal(f.birth, '1980-01-01');
    assert.equal(f.sex, '1');
  });

  test('full-width and spaced IDs are cleaned; an invalid check digit is not trusted', () => {
    assert.equal(normalizePerson({ idNumber: '３３０１０２１９８００１０１１２３Ｘ' }).id18, '33010219800101123X');
    assert.equal(normalizePerson({ idNumber: ' 33010219800101123X ' }).id18, '33010219800101123X');
    const bad = normalizePerson({ idNumber: '330102198001011238' });
    assert.equal(bad.id18, null);
    assert.equal(bad.birth, null);
  });

  test('date forms', () => {
    for (const d of ['2023/1/5', '2023年1月5日', '20230105', '2023.01.05', '2023-1-5']) assert.equal(normalizePerson({ birthDate: d }).birth, '2023-01-05', d);
    assert.equal(normalizePerson({ birthDate: '1980-02-03', idNumber: '33010219800101123X' }).birth, '1980-02-03');
  });

  test('sex forms', () => {
    for (const [v, code] of [['男', '1'], ['1', '1'], ['M', '1'], ['男性', '1'], ['女', '2'], ['F', '2'], ['2', '2']] as const) assert.equal(normalizePerson({ sex: v }).sex, code, v);
    assert.equal(normalizePerson({ sex: '9' }).sex, null);
  });

  test('mobile numbers are cleaned to 11 digits; landlines are not mobiles', () => {
    assert.equal(normalizePerson({ phone: '+86 138-1234-5678' }).phone, '13812345678');
    assert.equal(normalizePerson({ phone: '１３８１２３４５６７８' }).phone, '13812345678');
    assert.equal(normalizePerson({ phone: '0571-87654321' }).phone, null);
  });
});

describe('personFeatures (DuckDB)', () => {
  let engine: Engine;
  before(async () => {
    engine = await Engine.create({ threads: 1 });
  });
  after(async () => {
    await engine.close();
  });

  test('the table stage gives the same features as normalizePerson', async () => {
    const raw = [
      ['a1', 'GA', '張偉', '330102800101123', '', '', '+86 138-1234-5678', '浙江省示范市上城區紫陽街道中河路974號'],
      ['a2', 'WJ', '欧阳娜娜', '３３０１０２１９８００１０１１２３Ｘ', '女', '1980年2月3日', '', '建德市新安江街道新安路3号5栋'],
      ['a3', 'RS', '李己', '330102198001011238', 'M', '20230105', '13812345678', ''],
      ['a4', 'JY', '', '', '', '', '', '示范市临平区临平街道新民村1组86号'],
    ];
    await engine.withPrivateConnection(async (c: DuckDBConnection) => {
      const run = new StageRunner(c, 'entity.person');
      const values = raw.map((r) => `(${r.map((v) => `'${v}'`).join(', ')})`).join(', ');
      await run.run('t', `CREATE TEMP TABLE raw_people (id, dept, xm, sfzh, xb, csrq, sj, dz) AS VALUES ${values}`);
      const res = await personFeatures(run, {
        source: 'raw_people',
        mapping: { rid: 'id', source: 'dept', name: 'xm', idNumber: 'sfzh', sex: 'xb', birthDate: 'csrq', phone: 'sj', address: 'dz' },
        out: 'people_features',
      });
      assert.equal(res.rows, 4);
      const rows = await run.rows<Record<string, unknown>>('t', `SELECT * EXCLUDE (updated_at) FROM people_features ORDER BY rid`);
      for (const [i, r] of raw.entries()) {
        const want = normalizePerson({ name: r[2], idNumber: r[3], sex: r[4], birthDate: r[5], phone: r[6], address: r[7] });
        const got = rows[i]!;
        assert.equal(got.rid, r[0]);
        assert.equal(got.source, r[1]);
        for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k] ?? null, v, `${r[0]}.${k}`);
      }
      assert.equal(rows[0]!.id18, '33010219800101123X');
      assert.equal(rows[0]!.sex, '1');
      assert.equal(rows[1]!.district, '建德市');
      assert.equal(rows[2]!.id18, null);
    });
  });

  test('an empty table, and values with quotes, tabs and "#" join back unchanged', async () => {
    await engine.withPrivateConnection(async (c: DuckDBConnection) => {
      const run = new StageRunner(c, 'entity.person');
      await run.run('t', `CREATE TEMP TABLE odd (id INTEGER, xm VARCHAR, dz VARCHAR)`);
      const mapping = { rid: 'id', name: 'xm', address: 'dz' };
      assert.equal((await personFeatures(run, { source: 'odd', mapping, out: 'odd_features' })).rows, 0);
      await run.run('t', `INSERT INTO odd VALUES (1, '张"伟', '示范市上城区湖滨街道延安路3号' || chr(9) || '2幢'), (2, '李四', '上城区湖滨街道延安路5#楼')`);
      await personFeatures(run, { source: 'odd', mapping, out: 'odd_features' });
      const rows = await run.rows<{ rid: string; name: string; addr_norm: string }>('t', `SELECT rid, name, addr_norm FROM odd_features ORDER BY rid`);
      assert.deepEqual(rows.map((r) => [r.rid, r.name, r.addr_norm]), [
        ['1', '张"伟', '上城区湖滨街道延安路3号2幢'],
        ['2', '李四', '上城区湖滨街道延安路5#楼'],
      ]);
    });
  });
});
