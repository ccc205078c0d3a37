/** Settings from a configuration file, and built automatically from the columns. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoSettings, settingsFromConfig } from '../../../../src/entity/index.ts';
import { createTable, prng, withRun } from './_synthetic.ts';

test('a configuration names comparisons by helper; errors say what is wrong', () => {
  const s = settingsFromConfig(
    {
      comparisons: [
        { use: 'jaroWinkler', columns: ['surname'], thresholds: [0.95, 0.85, 0.7], tf: true },
        { use: 'date', columns: ['dob'], name: 'born' },
        { name: 'custom', columns: ['a'], levels: [{ label: 'same', sql: 'l.a = r.a' }] },
      ],
      blocking: ['l.surname = r.surname'],
    },
    'id',
  );
  assert.equal(s.idColumn, 'id');
  assert.equal(s.threshold, 0.9);
  assert.deepEqual(s.comparisons.map((c) => c.name), ['surname', 'born', 'custom']);
  assert.equal(s.comparisons[0]!.levels.length, 4);
  assert.equal(s.comparisons[0]!.levels[0]!.tf, 'surname');
  assert.throws(() => settingsFromConfig({ comparisons: [{ use: 'soundex' as never, columns: ['x'] }], blocking: ['true'] }, 'id'), /unknown comparison "soundex"/);
  assert.throws(() => settingsFromConfig({ comparisons: [{ use: 'exact', columns: ['x'] }] }, 'id'), /blocking/);
});

test('automatic settings: kinds from the columns, blocking rules within the pair budget', async () => {
  const rnd = prng(5);
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    id: String(i),
    surname: `name${Math.floor(rnd() * 800)}`,
    email: `user${i}@example.org`,
    born: `19${String(10 + Math.floor(rnd() * 80))}-0${1 + Math.floor(rnd() * 9)}-1${Math.floor(rnd() * 10)}`,
    state: ['nsw', 'vic', 'qld'][i % 3]!,
    updated_at: '2024-05-17T14:47:01Z',
  }));
  await withRun(async (run) => {
    await createTable(run, 'people', rows);
    const cols = Object.keys(rows[0]!).filter((c) => c !== 'id').map((name) => ({ name, type: 'VARCHAR' }));
    const { settings, kinds } = await autoSettings(run, 'people', 'id', cols);
    assert.deepEqual(kinds, { surname: 'name', email: 'email', born: 'date', state: 'category', updated_at: 'skip' });
    assert.deepEqual(settings.comparisons.map((c) => c.name), ['surname', 'email', 'born', 'state']);
    // state alone would make ≈1.5 million pairs: only in combination, if at all
    assert.ok(!settings.blocking.includes('l."state" = r."state"'));
    assert.ok(settings.blocking.includes('l."surname" = r."surname"') && settings.blocking.includes('l."born" = r."born"'));
    for (const rule of settings.blocking) {
      const [row] = await run.rows<{ n: bigint }>('count', `SELECT count(*) AS n FROM people l JOIN people r ON (${rule}) AND l.id < r.id`);
      assert.ok(Number(row!.n) <= 90_000, `${rule}: ${row!.n} pairs`);
    }
    assert.ok(settings.trainingBlocking!.length > 0 && settings.trainingBlocking!.every((r) => settings.blocking.includes(r)));
  });
});
