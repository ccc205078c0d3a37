import assert from 'node:assert/strict';
import { test } from 'node:test';
import { journalLine, sensorRows, sensorTime, topicMatcher } from '../../../src/connectors/sensors/sensorRows.ts';
import { tsvLine } from '../../../src/connectors/db/tsv.ts';

const match = topicMatcher('city/{device}/{metric}');
const at = Date.parse('2024-05-01T08:00:00Z');
const rows = (payload: string) => sensorRows('city/d1/pm25', Buffer.from(payload), at, match);

test('sensor messages become readings: a number, a value object, several metrics', () => {
  assert.deepEqual(rows('21.5'), [{ device: 'd1', metric: 'pm25', value: 21.5, time: '2024-05-01 08:00:00.000', payload: '21.5' }]);
  assert.deepEqual(rows('{"value":"7","ts":1714550400,"device":"x"}'), [
    { device: 'x', metric: 'pm25', value: 7, time: '2024-05-01 08:00:00.000', payload: '{"value":"7","ts":1714550400,"device":"x"}' },
  ]);
  assert.deepEqual(rows('{"temp":20,"hum":40}').map((r) => [r.metric, r.value]), [['temp', 20], ['hum', 40]]);
});

test('malformed sensor messages keep the whole text as the value, for the ingest to quarantine', () => {
  for (const p of ['not json', '[1,2]', '{"note":"no number"}', ''])
    assert.deepEqual(rows(p), [{ device: 'd1', metric: 'pm25', value: p || '(empty)', time: '2024-05-01 08:00:00.000', payload: p }]);
});

test('a reading’s journal line is its TSV line, quoting what needs it', () => {
  for (const r of [...rows('{"value":1.5,"time":"2024-05-01T10:00:00+02:00"}'), ...rows('bad\ttext "q"\nline'), { device: null, metric: null, value: null, time: null, payload: '' }])
    assert.equal(journalLine(r), `${tsvLine([r.device, r.metric, r.value, r.time, r.payload])}\n`);
});

test('reading times: epoch seconds and milliseconds, fractions, before 1970, zones, in any order', () => {
  const t = (v: unknown) => sensorTime(v, at);
  assert.equal(t(1714550400.1234), '2024-05-01 08:00:00.123');
  assert.equal(t(1714550400007), '2024-05-01 08:00:00.007');
  assert.equal(t(1714550399999), '2024-05-01 07:59:59.999');
  assert.equal(t(-1.5), '1969-12-31 23:59:58.500');
  assert.equal(t(1714550400045), '2024-05-01 08:00:00.045');
  assert.equal(t('2024-05-01T10:00:00.5+02:00'), '2024-05-01 08:00:00.500');
  for (let ms = at - 3000; ms < at + 3000; ms += 37) assert.equal(t(ms), new Date(ms).toISOString().replace('T', ' ').slice(0, 23));
});
