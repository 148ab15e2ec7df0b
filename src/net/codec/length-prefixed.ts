import { CodecError, checkMaxFrameBytes } from './errors.ts';
import type { FrameCodec, FrameDecoder } from './types.ts';

export interface LengthPrefixedOptions {
  /** Size of the length field in bytes. Default 4. */
  prefixBytes?: 1 | 2 | 4 | 8;
  /** Byte order of the length field. Default 'big' (network order). */
  byteOrder?: 'big' | 'little';
  /** Whether the announced length counts the length field itself. Default false (payload only). */
  lengthIncludesHeader?: boolean;
  /** Largest payload accepted, in bytes, for both encoding and decoding. Default 16 MiB. */
  maxFrameBytes?: number;
}

type LengthReader = (bytes: Uint8Array, offset: number) => number;
type LengthWriter = (bytes: Uint8Array, value: number) => void;

const TWO_POW_32 = 4294967296;

// Lengths are read byte by byte so that no DataView is created per frame; 8-byte lengths are
// combined as floats, which is exact up to 2^53 and only compared against the limit above that.
const readers: Record<string, LengthReader> = {
  '1big': (b, o) => b[o]!,
  '1little': (b, o) => b[o]!,
  '2big': (b, o) => (b[o]! << 8) | b[o + 1]!,
  '2little': (b, o) => b[o]! | (b[o + 1]! << 8),
  '4big': (b, o) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0,
  '4little': (b, o) => ((b[o + 3]! << 24) | (b[o + 2]! << 16) | (b[o + 1]! << 8) | b[o]!) >>> 0,
  '8big': (b, o) => readers['4big']!(b, o) * TWO_POW_32 + readers['4big']!(b, o + 4),
  '8little': (b, o) => readers['4little']!(b, o + 4) * TWO_POW_32 + readers['4little']!(b, o),
};

function writeLength(size: number, little: boolean): LengthWriter {
  return (bytes, value) => {
    let rest = value;
    for (let i = 0; i < size; i++) {
      const byte = rest % 256;
      bytes[little ? i : size - 1 - i] = byte;
      rest = (rest - byte) / 256;
    }
  };
}

/**
 * Creates a codec whose frames are a length field followed by the payload, as in most binary protocols.
 * Defaults: 4-byte big-endian length counting the payload only, payloads up to 16 MiB.
 */
export function lengthPrefixed(options: LengthPrefixedOptions = {}): FrameCodec {
  const prefixBytes = options.prefixBytes ?? 4;
  const byteOrder = options.byteOrder ?? 'big';
  const includesHeader = options.lengthIncludesHeader ?? false;
  if (prefixBytes !== 1 && prefixBytes !== 2 && prefixBytes !== 4 && prefixBytes !== 8) {
    throw new RangeError(`lengthPrefixed: prefixBytes must be 1, 2, 4 or 8, got ${String(prefixBytes)}`);
  }
  if (byteOrder !== 'big' && byteOrder !== 'little') {
    throw new RangeError(`lengthPrefixed: byteOrder must be 'big' or 'little', got ${String(byteOrder)}`);
  }
  const name = `length-prefixed(${prefixBytes},${byteOrder}${includesHeader ? ',includes-header' : ''})`;
  const maxFrameBytes = checkMaxFrameBytes(options.maxFrameBytes, 'lengthPrefixed');

  // The largest payload the length field can describe; an 8-byte field is bounded by safe integers.
  const fieldMax = prefixBytes === 8 ? Number.MAX_SAFE_INTEGER : 2 ** (8 * prefixBytes) - 1;
  const maxPayload = Math.min(maxFrameBytes, fieldMax - (includesHeader ? prefixBytes : 0));
  const headerAdjust = includesHeader ? prefixBytes : 0;
  const layout: Layout = {
    name,
    prefixBytes,
    headerAdjust,
    maxPayload,
    limitName: maxPayload === maxFrameBytes ? `maxFrameBytes ${maxFrameBytes}` : `${prefixBytes}-byte length field`,
    read: readers[`${prefixBytes}${byteOrder}`]!,
  };
  const write = writeLength(prefixBytes, byteOrder === 'little');

  function writeHeader(frame: Uint8Array, payloadLength: number): void {
    if (payloadLength > maxPayload) {
      throw new CodecError(
        'frame_too_large',
        `${name}: payload of ${payloadLength} bytes exceeds the limit of ${maxPayload} bytes (${layout.limitName})`,
      );
    }
    write(frame, payloadLength + headerAdjust);
  }

  return {
    name,
    headerBytes: prefixBytes,
    writeHeader,
    encode(payload: Uint8Array): Uint8Array {
      const frame = new Uint8Array(prefixBytes + payload.length);
      writeHeader(frame, payload.length);
      frame.set(payload, prefixBytes);
      return frame;
    },
    createDecoder(): FrameDecoder {
      return new LengthPrefixedDecoder(layout);
    },
  };
}

interface Layout {
  readonly name: string;
  readonly prefixBytes: number;
  readonly headerAdjust: number;
  readonly maxPayload: number;
  readonly limitName: string;
  readonly read: LengthReader;
}

/**
 * Two states: reading the length field, then reading the body. A length field split across chunks is
 * gathered in a small fixed buffer; a body is copied only when it spans chunks, and only after its
 * announced length passed the limit. The copy starts at most 64 KiB large and doubles as bytes
 * arrive, so memory follows the bytes received, not the length a peer announced: 500 connections
 * announcing 16 MiB and sending nothing more hold 32 MiB, not 8 GiB.
 *
 * Zero-length payloads are delivered as empty frames. Each one consumes its length field, so a stream
 * of them makes progress and cannot loop.
 */
const INITIAL_BODY_BYTES = 64 * 1024;

class LengthPrefixedDecoder implements FrameDecoder {
  private readonly header: Uint8Array;
  private headerFilled = 0;
  /** The body gathered so far; it grows up to `bodyLength`. */
  private body: Uint8Array | null = null;
  private bodyLength = 0;
  private bodyFilled = 0;
  private failure: CodecError | null = null;

  constructor(private readonly layout: Layout) {
    this.header = new Uint8Array(layout.prefixBytes);
  }

  get pendingBytes(): number {
    return this.body === null ? this.headerFilled : this.layout.prefixBytes + this.bodyFilled;
  }

  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    if (this.failure !== null) throw this.failure;
    const end = chunk.length;
    const prefixBytes = this.layout.prefixBytes;
    let offset = 0;

    while (offset < end) {
      if (this.body !== null) {
        offset = this.continueBody(chunk, offset, onFrame);
        continue;
      }

      let announced: number;
      if (this.headerFilled === 0 && end - offset >= prefixBytes) {
        announced = this.layout.read(chunk, offset);
        offset += prefixBytes;
      } else {
        const take = Math.min(prefixBytes - this.headerFilled, end - offset);
        this.header.set(chunk.subarray(offset, offset + take), this.headerFilled);
        this.headerFilled += take;
        offset += take;
        if (this.headerFilled < prefixBytes) return;
        this.headerFilled = 0;
        announced = this.layout.read(this.header, 0);
      }

      const length = this.payloadLength(announced);
      if (end - offset >= length) {
        onFrame(chunk.subarray(offset, offset + length));
        offset += length;
      } else {
        const received = end - offset;
        const body = new Uint8Array(Math.min(length, Math.max(INITIAL_BODY_BYTES, 2 * received)));
        body.set(chunk.subarray(offset), 0);
        this.bodyFilled = received;
        this.bodyLength = length;
        this.body = body;
        return;
      }
    }
  }

  private continueBody(chunk: Uint8Array, offset: number, onFrame: (frame: Uint8Array) => void): number {
    let body = this.body!;
    const take = Math.min(this.bodyLength - this.bodyFilled, chunk.length - offset);
    if (this.bodyFilled + take > body.length) {
      const grown = new Uint8Array(Math.min(this.bodyLength, Math.max(2 * body.length, this.bodyFilled + take)));
      grown.set(body.subarray(0, this.bodyFilled), 0);
      body = grown;
      this.body = grown;
    }
    body.set(chunk.subarray(offset, offset + take), this.bodyFilled);
    this.bodyFilled += take;
    if (this.bodyFilled === this.bodyLength) {
      // Reset before delivering, so the decoder is between frames while onFrame runs.
      this.body = null;
      this.bodyFilled = 0;
      onFrame(body);
    }
    return offset + take;
  }

  private payloadLength(announced: number): number {
    const length = announced - this.layout.headerAdjust;
    if (length < 0) {
      this.failure = new CodecError(
        'protocol',
        `${this.layout.name}: announced length ${announced} is smaller than the ${this.layout.prefixBytes}-byte header it includes`,
      );
      throw this.failure;
    }
    if (length > this.layout.maxPayload) {
      this.failure = new CodecError(
        'frame_too_large',
        `${this.layout.name}: announced payload of ${length} bytes exceeds the limit of ${this.layout.maxPayload} bytes (${this.layout.limitName})`,
      );
      throw this.failure;
    }
    return length;
  }
}
