import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';

import { CodecError } from '../../src/net/codec/errors.ts';
import { delimited } from '../../src/net/codec/delimited.ts';
import { lengthPrefixed, type LengthPrefixedOptions } from '../../src/net/codec/length-prefixed.ts';
import { raw } from '../../src/net/codec/raw.ts';
import type { FrameCodec } from '../../src/net/codec/types.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

/** Pushes `stream` cut at `cuts` (sorted offsets) and returns copies of the frames delivered. */
function decodeChunked(codec: FrameCodec, stream: Uint8Array, cuts: number[]): Uint8Array[] {
  const decoder = codec.createDecoder();
  const frames: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, stream.length]) {
    decoder.push(stream.subarray(start, cut), (frame) => frames.push(frame.slice()));
    start = cut;
  }
  assert.equal(decoder.pendingBytes, 0);
  return frames;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Arbitrary sorted cut points inside a stream of `length` bytes. */
const cutsFor = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: length }), { maxLength: Math.min(length + 1, 40) }).map((c) => c.sort((a, b) => a - b));

const LAYOUTS: LengthPrefixedOptions[] = [];
for (const prefixBytes of [1, 2, 4, 8] as const) {
  for (const byteOrder of ['big', 'little'] as const) {
    for (const lengthIncludesHeader of [false, true]) LAYOUTS.push({ prefixBytes, byteOrder, lengthIncludesHeader });
  }
}

describe('lengthPrefixed encoding', () => {
  const cases: Array<[LengthPrefixedOptions, string, string]> = [
    [{}, '616263', '00000003 616263'],
    [{ prefixBytes: 1 }, '6162', '02 6162'],
    [{ prefixBytes: 1, lengthIncludesHeader: true }, '6162', '03 6162'],
    [{ prefixBytes: 2, byteOrder: 'little' }, '61', '0100 61'],
    [{ prefixBytes: 2, byteOrder: 'little', lengthIncludesHeader: true }, '61', '0300 61'],
    [{ prefixBytes: 4, byteOrder: 'little' }, '6162', '02000000 6162'],
    [{ prefixBytes: 4, lengthIncludesHeader: true }, '6162', '00000006 6162'],
    [{ prefixBytes: 8 }, '61', '0000000000000001 61'],
    [{ prefixBytes: 8, byteOrder: 'little', lengthIncludesHeader: true }, '61', '0900000000000000 61'],
    [{}, '', '00000000'],
  ];
  for (const [options, payload, expected] of cases) {
    test(`${JSON.stringify(options)} frames ${payload || 'empty'}`, () => {
      assert.equal(hex(lengthPrefixed(options).encode(fromHex(payload))), expected.replace(/\s/g, ''));
    });
  }

  test('payload over the 1-byte field is frame_too_large', () => {
    const codec = lengthPrefixed({ prefixBytes: 1, lengthIncludesHeader: true });
    assert.equal(codec.encode(new Uint8Array(254)).length, 255);
    assert.throws(() => codec.encode(new Uint8Array(255)), { name: 'CodecError', code: 'frame_too_large' });
  });

  test('payload over maxFrameBytes is frame_too_large', () => {
    const codec = lengthPrefixed({ maxFrameBytes: 10 });
    assert.equal(codec.encode(new Uint8Array(10)).length, 14);
    assert.throws(() => codec.encode(new Uint8Array(11)), { code: 'frame_too_large' });
  });

  test('invalid options throw RangeError', () => {
    assert.throws(() => lengthPrefixed({ prefixBytes: 3 as 4 }), /prefixBytes must be 1, 2, 4 or 8, got 3/);
    assert.throws(() => lengthPrefixed({ byteOrder: 'middle' as 'big' }), /byteOrder must be 'big' or 'little'/);
    assert.throws(() => lengthPrefixed({ maxFrameBytes: -1 }), /maxFrameBytes must be an integer >= 0, got -1/);
  });
});

describe('lengthPrefixed decoding', () => {
  for (const layout of LAYOUTS) {
    const codec = lengthPrefixed(layout);
    const maxPayload = layout.prefixBytes === 1 ? 255 - (layout.lengthIncludesHeader ? 1 : 0) : 600;

    test(`${codec.name} round-trips any chunking`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.uint8Array({ maxLength: maxPayload }), { maxLength: 8 }).chain((frames) => {
            const stream = concat(frames.map((f) => codec.encode(f)));
            return fc.tuple(fc.constant(frames), fc.constant(stream), cutsFor(stream.length));
          }),
          ([frames, stream, cuts]) => {
            assert.deepEqual(decodeChunked(codec, stream, cuts).map(hex), frames.map(hex));
          },
        ),
        { numRuns: 150 },
      );
    });
  }

  test('every strict prefix yields no frame', () => {
    fc.assert(
      fc.property(fc.constantFrom(...LAYOUTS), fc.uint8Array({ maxLength: 200 }), (layout, payload) => {
        const codec = lengthPrefixed(layout);
        const encoded = codec.encode(payload);
        for (let end = 0; end < encoded.length; end++) {
          const decoder = codec.createDecoder();
          let frames = 0;
          for (let i = 0; i < end; i++) decoder.push(encoded.subarray(i, i + 1), () => frames++);
          assert.equal(frames, 0);
          assert.equal(decoder.pendingBytes, end);
        }
      }),
      { numRuns: 100 },
    );
  });

  test('random bytes only raise coded errors', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LAYOUTS),
        fc.uint8Array({ maxLength: 300 }).chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length))),
        (layout, [bytes, cuts]) => {
          const decoder = lengthPrefixed({ ...layout, maxFrameBytes: 100 }).createDecoder();
          let start = 0;
          try {
            for (const cut of [...cuts, bytes.length]) {
              decoder.push(bytes.subarray(start, cut), () => {});
              start = cut;
            }
          } catch (error) {
            assert.ok(error instanceof CodecError, `expected a CodecError, got ${String(error)}`);
            assert.ok(['frame_too_large', 'protocol'].includes(error.code));
            assert.throws(() => decoder.push(new Uint8Array(1), () => {}), (again) => again === error);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('header split 1+1+1+1 decodes one frame', () => {
    const decoder = lengthPrefixed().createDecoder();
    const frames: string[] = [];
    for (const piece of ['00', '00', '00', '02', '6869']) decoder.push(fromHex(piece), (f) => frames.push(hex(f)));
    assert.deepEqual(frames, ['6869']);
    assert.equal(decoder.pendingBytes, 0);
  });

  test('frame inside one chunk is a view', () => {
    const chunk = fromHex('00000002 6869 00000001 21');
    const frames: Uint8Array[] = [];
    lengthPrefixed().createDecoder().push(chunk, (f) => frames.push(f));
    assert.equal(frames.length, 2);
    assert.equal(frames[0]!.buffer, chunk.buffer);
    assert.equal(frames[0]!.byteOffset, 4);
    assert.equal(frames[1]!.byteOffset, 10);
  });

  test('frame spanning chunks is a copy', () => {
    const decoder = lengthPrefixed().createDecoder();
    const first = fromHex('00000003 6869');
    const frames: Uint8Array[] = [];
    decoder.push(first, (f) => frames.push(f));
    assert.equal(decoder.pendingBytes, 6);
    decoder.push(fromHex('21'), (f) => frames.push(f));
    assert.equal(hex(frames[0]!), '686921');
    assert.notEqual(frames[0]!.buffer, first.buffer);
  });

  test('zero-length frames are delivered, never spin', () => {
    const decoder = lengthPrefixed({ prefixBytes: 2 }).createDecoder();
    const lengths: number[] = [];
    decoder.push(fromHex('0000 0000 0001 41 0000'), (f) => lengths.push(f.length));
    assert.deepEqual(lengths, [0, 0, 1, 0]);
    assert.equal(decoder.pendingBytes, 0);
  });

  test('announced 4 GiB raises frame_too_large without allocating', () => {
    const before = process.memoryUsage().arrayBuffers;
    const decoder = lengthPrefixed().createDecoder();
    assert.throws(() => decoder.push(fromHex('ffffffff 00'), () => {}), {
      code: 'frame_too_large',
      message: 'length-prefixed(4,big): announced payload of 4294967295 bytes exceeds the limit of 16777216 bytes (maxFrameBytes 16777216)',
    });
    assert.ok(process.memoryUsage().arrayBuffers - before < 1024 * 1024);
  });

  test('announced 2^60 with an 8-byte field raises frame_too_large', () => {
    const decoder = lengthPrefixed({ prefixBytes: 8, maxFrameBytes: Number.MAX_SAFE_INTEGER }).createDecoder();
    assert.throws(() => decoder.push(fromHex('1000000000000000'), () => {}), { code: 'frame_too_large' });
  });

  test('length one past maxFrameBytes is rejected, at the limit accepted', () => {
    const codec = lengthPrefixed({ maxFrameBytes: 5 });
    const frames: number[] = [];
    codec.createDecoder().push(fromHex('00000005 0102030405'), (f) => frames.push(f.length));
    assert.deepEqual(frames, [5]);
    assert.throws(() => codec.createDecoder().push(fromHex('00000006'), () => {}), { code: 'frame_too_large' });
  });

  test('length below an included header is protocol', () => {
    const decoder = lengthPrefixed({ lengthIncludesHeader: true }).createDecoder();
    assert.throws(() => decoder.push(fromHex('00000003'), () => {}), {
      code: 'protocol',
      message: 'length-prefixed(4,big,includes-header): announced length 3 is smaller than the 4-byte header it includes',
    });
  });
});

describe('delimited', () => {
  test('round-trips any chunking with a two-byte delimiter', () => {
    const codec = delimited({ delimiter: '\r\n' });
    const payload = fc.uint8Array({ maxLength: 60 }).filter((p) => !hex(p).includes('0d0a'));
    fc.assert(
      fc.property(
        fc.array(payload, { maxLength: 8 }).chain((frames) => {
          const stream = concat(frames.map((f) => codec.encode(f)));
          return fc.tuple(fc.constant(frames), fc.constant(stream), cutsFor(stream.length));
        }),
        ([frames, stream, cuts]) => {
          assert.deepEqual(decodeChunked(codec, stream, cuts).map(hex), frames.map(hex));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('newline frames, including an empty one', () => {
    const frames: string[] = [];
    const decoder = delimited().createDecoder();
    decoder.push(new TextEncoder().encode('{"a":1}\n\n{"b"'), (f) => frames.push(Buffer.from(f).toString()));
    assert.equal(decoder.pendingBytes, 4);
    decoder.push(new TextEncoder().encode(':2}\n'), (f) => frames.push(Buffer.from(f).toString()));
    assert.deepEqual(frames, ['{"a":1}', '', '{"b":2}']);
  });

  test('no delimiter past maxFrameBytes is frame_too_large', () => {
    const decoder = delimited({ maxFrameBytes: 8 }).createDecoder();
    decoder.push(new Uint8Array(8).fill(65), () => {});
    assert.equal(decoder.pendingBytes, 8);
    assert.throws(() => decoder.push(new Uint8Array(1).fill(65), () => {}), { code: 'frame_too_large' });
  });

  test('payload with the delimiter cannot be encoded', () => {
    assert.throws(() => delimited().encode(new TextEncoder().encode('a\nb')), { code: 'protocol' });
  });
});

describe('raw', () => {
  test('delivers each chunk as one frame', () => {
    const decoder = raw().createDecoder();
    const frames: string[] = [];
    for (const piece of ['0102', '', '03']) decoder.push(fromHex(piece), (f) => frames.push(hex(f)));
    assert.deepEqual(frames, ['0102', '03']);
    assert.equal(decoder.pendingBytes, 0);
    assert.equal(hex(raw().encode(fromHex('0a0b'))), '0a0b');
  });
});
