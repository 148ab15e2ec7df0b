import assert from 'node:assert/strict';
import { test } from 'node:test';

import { lengthPrefixed } from '../../src/net/codec/length-prefixed.ts';
import { decodePayload, encodePayload } from '../../src/net/codec/payload.ts';

test('strings are UTF-8 byte lengths', () => {
  const cases: Array<[string, number]> = [
    ['Zoë', 4],
    ['日本', 6],
    ['🚀', 4],
    ['', 0],
  ];
  for (const [text, bytes] of cases) {
    assert.equal(encodePayload(text).length, bytes, text);
    assert.equal(decodePayload(encodePayload(text), 'text'), text);
  }
});

test('JSON prefix counts bytes, not characters', () => {
  const body = { m: 'events', names: ['Zoë', '日本', '🚀'] };
  const json = JSON.stringify(body);
  const frame = lengthPrefixed().encode(encodePayload(body));
  const announced = new DataView(frame.buffer, frame.byteOffset).getUint32(0);
  assert.equal(json.length, 40);
  assert.equal(announced, 47);
  assert.equal(announced, frame.length - 4);
  assert.deepEqual(decodePayload(frame.subarray(4), 'json'), body);
});

test('bytes and ArrayBuffer are sent as they are', () => {
  const bytes = Uint8Array.of(1, 2, 3);
  assert.equal(encodePayload(bytes), bytes);
  assert.deepEqual([...encodePayload(bytes.buffer)], [1, 2, 3]);
  const view = new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2);
  assert.deepEqual([...encodePayload(view)], [8, 7]);
});

test('numbers, booleans and null are JSON', () => {
  assert.equal(Buffer.from(encodePayload(42)).toString(), '42');
  assert.equal(Buffer.from(encodePayload(null)).toString(), 'null');
  assert.equal(Buffer.from(encodePayload([true])).toString(), '[true]');
});

test('values JSON cannot encode throw TypeError', () => {
  assert.throws(() => encodePayload(undefined), { name: 'TypeError', message: /cannot send undefined/ });
  assert.throws(() => encodePayload(() => 1), { name: 'TypeError' });
  assert.throws(() => encodePayload(10n), { name: 'TypeError' });
});

test('a real U+FFFD decodes as itself', () => {
  assert.equal(decodePayload(encodePayload('a\uFFFDb'), 'text'), 'a\uFFFDb');
  assert.deepEqual(decodePayload(encodePayload({ s: '\uFFFD' }), 'json'), { s: '\uFFFD' });
});

test('invalid UTF-8 and JSON are protocol errors', () => {
  assert.throws(() => decodePayload(Uint8Array.of(0xc3), 'text'), {
    code: 'protocol',
    message: 'frame of 1 bytes is not valid UTF-8',
  });
  assert.throws(() => decodePayload(encodePayload('{"a":'), 'json'), {
    code: 'protocol',
    message: 'frame of 5 bytes is not valid JSON: "{\\"a\\":"',
  });
});

test('1 MiB JSON frame decodes', () => {
  const body = { data: '🚀'.repeat(262_144) };
  const frame = lengthPrefixed().encode(encodePayload(body));
  assert.equal(frame.length, 4 + 1_048_576 + 11);
  const frames: Uint8Array[] = [];
  const decoder = lengthPrefixed().createDecoder();
  for (let offset = 0; offset < frame.length; offset += 1460) {
    decoder.push(frame.subarray(offset, offset + 1460), (f) => frames.push(f));
  }
  assert.equal(frames.length, 1);
  assert.deepEqual(decodePayload(frames[0]!, 'json'), body);
});
