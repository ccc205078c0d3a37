/** The comparison helpers put pairs of values in the levels their labels promise. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparisons, gammaSql, classify, type Comparison, type ColumnProfile } from '../../../../src/entity/index.ts';
import { literal } from '../../../../src/lake/index.ts';
import { withRun } from './_synthetic.ts';

async function gammas(c: Comparison, pairs: Array<[string | null, string | null]>): Promise<number[]> {
  const col = c.columns[0]!;
  const v = (x: string | null) => (x === null ? 'NULL::VARCHAR' : literal(x));
  return withRun(async (run) => {
    const rows = await run.rows<{ g: number }>(
      'gamma',
      pairs.map(([a, b], i) => `SELECT ${i} AS i, ${gammaSql(c)} AS g FROM (SELECT ${v(a)} AS "${col}") l, (SELECT ${v(b)} AS "${col}") r`).join(' UNION ALL ') + ' ORDER BY i',
    );
    return rows.map((r) => Number(r.g));
  });
}

test('date: exact, one part differs, day-month swapped, within days, within years, else, null', async () => {
  const c = comparisons.date('dob', [1, 10]);
  const got = await gammas(c, [
    ['1980-05-12', '19800512'],
    ['19800512', '19810512'],
    ['1980-05-12', '1980-12-05'],
    ['1980-05-30', '1980-06-02'],
    ['1980-05-12', '1981-03-01'],
    ['1980-05-12', '1975-01-01'],
    ['1980-05-12', '1950-01-01'],
    ['1980-05-12', null],
    ['19080431', '19080413'],
  ]);
  assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6, -1, 1]);
});

test('dates in other layouts are brought to YYYY-MM-DD; other text is left alone', async () => {
  const got = await withRun((run) =>
    run.rows<{ v: string }>('norm', `SELECT ${comparisons.normalizeDateSql('x')} AS v FROM (VALUES ('1996/8/2'), ('1996.08.02'), ('1996年8月2日'), ('1996-08-02'), ('19960802'), ('not a date')) t(x)`),
  );
  assert.deepEqual(got.map((r) => r.v), ['1996-08-02', '1996-08-02', '1996-08-02', '1996-08-02', '19960802', 'not a date']);
  assert.ok(new RegExp(comparisons.DATE_TEXT_PATTERN).test('1996年8月2日'));
});

test('jaroWinkler, levenshtein, email, postcode levels', async () => {
  assert.deepEqual(await gammas(comparisons.jaroWinkler('n', [0.92, 0.8]), [['martha', 'martha'], ['martha', 'marhta'], ['dwayne', 'duane'], ['abc', 'xyz']]), [0, 1, 2, 3]);
  assert.deepEqual(await gammas(comparisons.levenshtein('n', [1, 2]), [['1234567', '1234567'], ['1234567', '1234568'], ['1234567', '1234598'], ['1234567', '7654321']]), [0, 1, 2, 3]);
  assert.deepEqual(await gammas(comparisons.email('e'), [['a@x.com', 'a@x.com'], ['Ann@x.com', 'ann@y.org'], ['annabel@x.com', 'annabell@y.org'], ['a@x.com', 'zz@x.com']]), [0, 1, 2, 3]);
  assert.deepEqual(await gammas(comparisons.postcode('p'), [['310012', '310012'], ['310012', '310013'], ['310012', '310099'], ['310012', '200001']]), [0, 1, 2, 3]);
});

test('column kinds from names and profiles', () => {
  const p = (name: string, o: Partial<ColumnProfile>): ColumnProfile => ({ name, type: 'VARCHAR', nonNull: 1000, distinct: 500, nullShare: 0, avgLength: 8, emailShare: 0, dateShare: 0, digitShare: 0, timeShare: 0, ...o });
  assert.equal(classify(p('surname', {})), 'name');
  assert.equal(classify(p('contact', { emailShare: 0.9 })), 'email');
  assert.equal(classify(p('born', { dateShare: 0.95 })), 'date');
  assert.equal(classify(p('dob', { type: 'DATE' })), 'date');
  assert.equal(classify(p('postcode', { digitShare: 1, avgLength: 4 })), 'postcode');
  assert.equal(classify(p('soc_sec_id', { digitShare: 1, avgLength: 7, distinct: 900 })), 'code');
  assert.equal(classify(p('state', { distinct: 8 })), 'category');
  assert.equal(classify(p('address', { avgLength: 25, distinct: 800 })), 'text');
  assert.equal(classify(p('empty', { nonNull: 10, nullShare: 0.99 })), 'skip');
  assert.equal(classify(p('updated_at', { dateShare: 1 })), 'skip');
  assert.equal(classify(p('seen', { dateShare: 1, timeShare: 1 })), 'skip');
  assert.equal(classify(p('seen', { type: 'TIMESTAMP WITH TIME ZONE' })), 'skip');
});
