import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { HeldWrites } from '../../../src/connectors/sensors/HeldWrites.ts';

function wire() {
  const stream = new PassThrough();
  const seen: string[] = [];
  stream.on('data', (d: Buffer) => seen.push(d.toString()));
  return { stream, seen, flushed: () => new Promise((r) => setImmediate(r)) };
}

test('held writes go out a sealed group at a time, in order; nothing held passes straight through', async () => {
  const { stream, seen, flushed } = wire();
  const held = new HeldWrites(stream);
  stream.write('ping;');
  await flushed();
  assert.deepEqual(seen, ['ping;']);

  held.hold();
  stream.write('ack1;');
  stream.write(Buffer.from('ack2;'));
  held.seal(); // group 1: being made durable
  stream.write('ack3;'); // group 2 arrives meanwhile
  await flushed();
  assert.deepEqual(seen, ['ping;'], 'nothing goes out before its group is released');

  held.release();
  await flushed();
  assert.deepEqual(seen, ['ping;', 'ack1;ack2;']);
  held.seal();
  held.release();
  await flushed();
  assert.deepEqual(seen, ['ping;', 'ack1;ack2;', 'ack3;']);

  stream.write('ping;'); // nothing held any more
  await flushed();
  assert.equal(seen.at(-1), 'ping;');
});

test('a failed group is never let out, and the connection is given up', async () => {
  const { stream, seen, flushed } = wire();
  stream.on('error', () => {});
  const held = new HeldWrites(stream);
  held.hold();
  stream.write('ack1;');
  held.seal();
  held.fail(new Error('journal write failed'));
  held.release();
  await flushed();
  assert.deepEqual(seen, []);
  assert.equal(stream.destroyed, true);
});
