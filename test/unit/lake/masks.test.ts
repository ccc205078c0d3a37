import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Engine } from '../../../src/lake/Engine.ts';
import { maskSql, pseudonym, MASK_KINDS } from '../../../src/lake/index.ts';
import { emptyRelation } from '../../../src/lake/scan.ts';

describe('lake masking macros', () => {
  let engine: Engine;
  before(async () => {
    engine = await Engine.create({ threads: 1 });
  });
  after(() => engine.close());

  /** Evaluate one SQL expression per input value (given as SQL literals). */
  async function each(expr: (v: string) => string, inputs: string[]): Promise<unknown[]> {
    const rows = await engine.query<{ r: unknown }>(`SELECT ${inputs.map((v, i) => `${expr(v)} AS r${i}`).join(', ')}`);
    return Object.values(rows[0]);
  }

  test('mask_name keeps the first character (and the last one from three characters on)', async () => {
    assert.deepEqual(await each((v) => `mask_name(${v})`, [`'张三'`, `'张三丰'`, `'欧阳娜娜'`, `'张'`, `''`, 'NULL', `'阿卜杜拉·艾则孜'`]), [
      '张*', '张*丰', '欧**娜', '*', '', null, '阿******孜',
    ]);
  });

  test('mask_id shows the first 6 and last 4', async () => {
    assert.deepEqual(await each((v) => `mask_id(${v})`, [`'110101199003071234'`, `'11010119900307123X'`, `'110101900307123'`, `'12345'`, `''`, 'NULL']), [
      '110101********1234', '110101********123X', '110101*****7123', '*****', '', null,
    ]);
  });

  test('mask_phone shows the first 3 and last 4', async () => {
    assert.deepEqual(await each((v) => `mask_phone(${v})`, [`'13812345678'`, '13812345678::BIGINT', `'+8613812345678'`, `'0571-8888'`, `'12345'`, 'NULL']), [
      '138****5678', '138****5678', '+86*******5678', '057**8888', '*****', null,
    ]);
  });

  test('mask_address cuts after the first 区/县/旗', async () => {
    assert.deepEqual(
      await each((v) => `mask_address(${v})`, [
        `'北京市朝阳区建国路88号'`,
        `'浙江省杭州市西湖区文三路90号'`,
        `'河北省石家庄市正定县城关镇'`,
        `'北京市市辖区东城区'`,
        `'内蒙古自治区'`,
        `'某某路1号'`,
        `''`,
        'NULL',
      ]),
      ['北京市朝阳区****', '浙江省杭州市西湖区****', '河北省石家庄市正定县****', '北京市市辖区****', '内蒙古自治区****', '****', '****', null],
    );
  });

  test('mask_email keeps the first character and the domain', async () => {
    assert.deepEqual(await each((v) => `mask_email(${v})`, [`'zhangsan@example.com'`, `'a@b.cn'`, `'@x.com'`, `'no-at-sign'`, `''`, 'NULL']), [
      'z***@example.com', 'a***@b.cn', '***@x.com', 'n***', '***', null,
    ]);
  });

  test('mask_keep shows the first n and last m characters, never the whole value', async () => {
    assert.deepEqual(
      await each((v) => v, [`mask_keep('abcdef', 1, 2)`, `mask_keep('abcdef', 0, 4)`, `mask_keep('abc', 2, 2)`, `mask_keep('abc', 0, 0)`, `mask_keep('统一社会信用代码', 2, 0)`, `mask_keep(NULL, 1, 1)`]),
      ['a***ef', '**cdef', '***', '***', '统一******', null],
    );
  });

  test('mask_year keeps only the year', async () => {
    assert.deepEqual(await each((v) => `mask_year(${v})`, [`DATE '1990-03-07'`, `TIMESTAMP '2001-12-31 23:59:59'`, `'1985-06-01'`, `'garbage'`, 'NULL']), [1990, 2001, 1985, null, null]);
  });

  test('pseudonym is keyed, stable and the same in SQL and JS', async () => {
    const [a, b, c, d] = await each((v) => v, [`pseudonym('110101199003071234', 'k1')`, `pseudonym('110101199003071234', 'k1')`, `pseudonym('110101199003071234', 'k2')`, `pseudonym(NULL, 'k1')`]);
    assert.match(String(a), /^P[0-9a-f]{16}$/);
    assert.equal(a, b);
    assert.notEqual(a, c);
    assert.equal(d, null);
    assert.equal(pseudonym('110101199003071234', 'k1'), a);
  });

  test('macros run vectorised over a column', async () => {
    const [r] = await engine.query<{ n: number; ok: number }>(
      `SELECT count(*) AS n, count(*) FILTER (WHERE mask_phone(p) = '138****' || right(p, 4)) AS ok
       FROM (SELECT '138' || lpad((i % 100000000)::VARCHAR, 8, '0') AS p FROM range(200000) t(i))`,
    );
    assert.deepEqual(r, { n: 200000, ok: 200000 });
  });

  test('maskSql builds the expression for each kind', async () => {
    const col = '"姓 名"';
    const dated = new Set(['year', 'month', 'ageband']);
    const today = new Date('2026-06-15T12:00:00+08:00');
    const sql = MASK_KINDS.map((k) => `${maskSql(k, dated.has(k) ? 'd' : col, { key: "o'k", first: 1, last: 0, today })} AS "${k}"`).join(', ');
    const [r] = await engine.query(`SELECT ${sql} FROM (SELECT '欧阳娜娜' AS "姓 名", DATE '1990-01-01' AS d)`);
    assert.deepEqual(r, {
      name: '欧**娜',
      id: '****',
      phone: '****',
      address: '****',
      email: '欧***',
      bankcard: '****',
      year: 1990,
      month: '1990-01',
      ageband: '30-39',
      keep: '欧***',
      pseudonym: pseudonym('欧阳娜娜', "o'k"),
      null: null,
      none: '欧阳娜娜',
    });
    assert.throws(() => maskSql('pseudonym', col), /key/);
    assert.throws(() => maskSql('keep', col, { first: -1 }), /first/);
    assert.throws(() => maskSql('nope' as never, col), /unknown mask kind/);
  });

  test('an empty relation carries its types, even with awkward column names', async () => {
    const rel = emptyRelation([{ name: 'a"b', type: 'DECIMAL(12,2)' }, { name: '出生日期', type: 'DATE' }]);
    const cols = await engine.query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${rel}`);
    assert.deepEqual(cols.map((c) => [c.column_name, c.column_type]), [['a"b', 'DECIMAL(12,2)'], ['出生日期', 'DATE']]);
  });
});
