import { CodecError, checkMaxFrameBytes } from './errors.ts';
import type { FrameCodec, FrameDecoder } from './types.ts';

export interface DelimitedOptions {
  /** Bytes that end each frame; a string is taken as UTF-8. Default '\n'. */
  delimiter?: string | Uint8Array;
  /** Largest payload accepted, in bytes, not counting the delimiter. Default 16 MiB. */
  maxFrameBytes?: number;
}

/**
 * Creates a codec whose frames end with a delimiter, such as newline-delimited JSON. The delimiter is removed
 * from received frames and appended to sent ones; a payload that contains the delimiter cannot be
 * encoded. Two delimiters in a row make an empty frame, which is delivered.
 */
export function delimited(options: DelimitedOptions = {}): FrameCodec {
  const raw = options.delimiter ?? '\n';
  const delimiter = typeof raw === 'string' ? new TextEncoder().encode(raw) : Uint8Array.from(raw);
  if (delimiter.length === 0) throw new RangeError('delimited: delimiter must not be empty');
  const maxFrameBytes = checkMaxFrameBytes(options.maxFrameBytes, 'delimited');
  const name = `delimited(${JSON.stringify(typeof raw === 'string' ? raw : Array.from(delimiter))})`;

  return {
    name,
    encode(payload: Uint8Array): Uint8Array {
      if (payload.length > maxFrameBytes) {
        throw new CodecError(
          'frame_too_large',
          `${name}: payload of ${payload.length} bytes exceeds maxFrameBytes ${maxFrameBytes}`,
        );
      }
      if (indexOf(payload, delimiter, 0) !== -1) {
        throw new CodecError('protocol', `${name}: payload contains the delimiter, so it cannot be framed`);
      }
      const frame = new Uint8Array(payload.length + delimiter.length);
      frame.set(payload, 0);
      frame.set(delimiter, payload.length);
      return frame;
    },
    createDecoder(): FrameDecoder {
      return new DelimitedDecoder(name, delimiter, maxFrameBytes);
    },
  };
}

/** Returns the index of the first `needle` in `haystack` at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/**
 * Frames inside one chunk are delivered as views. Bytes of an unfinished frame are kept in a buffer that
 * grows by doubling. It never exceeds maxFrameBytes plus the delimiter length minus one, which is the
 * largest legal frame with a partial delimiter, so a peer that never sends the delimiter gets frame_too_large.
 */
class DelimitedDecoder implements FrameDecoder {
  private pending = new Uint8Array(0);
  private pendingLength = 0;
  private failure: CodecError | null = null;
  private readonly maxBuffered: number;

  constructor(
    private readonly name: string,
    private readonly delimiter: Uint8Array,
    private readonly maxFrameBytes: number,
  ) {
    this.maxBuffered = maxFrameBytes + delimiter.length - 1;
  }

  get pendingBytes(): number {
    return this.pendingLength;
  }

  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    if (this.failure !== null) throw this.failure;
    let offset = 0;
    if (this.pendingLength > 0) {
      offset = this.finishPending(chunk, onFrame);
      if (offset === -1) return;
    }

    const d = this.delimiter.length;
    while (offset < chunk.length) {
      const at = indexOf(chunk, this.delimiter, offset);
      if (at === -1) {
        this.keep(chunk.subarray(offset));
        return;
      }
      this.checkLength(at - offset);
      onFrame(chunk.subarray(offset, at));
      offset = at + d;
    }
  }

  /** Completes the buffered frame with the start of `chunk`; returns the offset after it, or -1. */
  private finishPending(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): number {
    const d = this.delimiter.length;

    // A delimiter may start in the buffered tail and end in this chunk.
    for (let start = Math.max(0, this.pendingLength - d + 1); start < this.pendingLength; start++) {
      if (this.matchesAcross(start, chunk)) {
        const frame = this.pending.slice(0, start);
        const consumed = d - (this.pendingLength - start);
        this.pendingLength = 0;
        this.checkLength(frame.length);
        onFrame(frame);
        return consumed;
      }
    }

    const at = indexOf(chunk, this.delimiter, 0);
    if (at === -1) {
      this.keep(chunk);
      return -1;
    }
    this.checkLength(this.pendingLength + at);
    const frame = new Uint8Array(this.pendingLength + at);
    frame.set(this.pending.subarray(0, this.pendingLength), 0);
    frame.set(chunk.subarray(0, at), this.pendingLength);
    this.pendingLength = 0;
    onFrame(frame);
    return at + d;
  }

  private matchesAcross(start: number, chunk: Uint8Array): boolean {
    const d = this.delimiter.length;
    for (let j = 0; j < d; j++) {
      const position = start + j;
      const byte = position < this.pendingLength ? this.pending[position] : chunk[position - this.pendingLength];
      if (byte !== this.delimiter[j]) return false;
    }
    return true;
  }

  private keep(bytes: Uint8Array): void {
    const needed = this.pendingLength + bytes.length;
    if (needed > this.maxBuffered) {
      this.fail(needed - (this.delimiter.length - 1));
    }
    if (needed > this.pending.length) {
      const grown = new Uint8Array(Math.min(this.maxBuffered, Math.max(needed, this.pending.length * 2, 256)));
      grown.set(this.pending.subarray(0, this.pendingLength), 0);
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength = needed;
  }

  private checkLength(length: number): void {
    if (length > this.maxFrameBytes) this.fail(length);
  }

  private fail(atLeast: number): never {
    this.failure = new CodecError(
      'frame_too_large',
      `${this.name}: frame of at least ${atLeast} bytes exceeds maxFrameBytes ${this.maxFrameBytes} before a delimiter was found`,
    );
    throw this.failure;
  }
}
