/**
 * The framing contract between a connection and a protocol. Codecs work on `Uint8Array` only and use
 * no Node API, so the same code runs in the reference server, the client and other JavaScript runtimes.
 */
export interface FrameCodec {
  /** Short identifier used in error messages and docs, e.g. `length-prefixed(4,big)`. */
  readonly name: string;
  /**
   * Encodes one payload into the bytes to write: header and payload.
   * Throws a `CodecError` when the payload cannot be framed (too large for the prefix or the limit).
   */
  encode(payload: Uint8Array): Uint8Array;
  /**
   * Optional, for codecs whose frame is a fixed-size header followed by the payload: the header's size
   * in bytes. Together with `writeHeader` it lets a connection write a text or JSON payload straight
   * into the frame instead of encoding it and copying it.
   */
  readonly headerBytes?: number;
  /**
   * Optional, with `headerBytes`: writes the header of a frame whose payload has `payloadLength`
   * bytes into `frame[0, headerBytes)`. Throws like `encode` when the payload cannot be framed.
   */
  writeHeader?(frame: Uint8Array, payloadLength: number): void;
  /** A fresh decoder for one connection (decoders hold partial-frame state). */
  createDecoder(): FrameDecoder;
}

/**
 * The receiving half of a codec for one byte stream. A decoder is a state machine: each `push` consumes
 * the whole chunk, delivers every frame it completes and keeps the bytes of an unfinished frame.
 */
export interface FrameDecoder {
  /**
   * Feeds bytes; calls onFrame for every complete frame in order; throws a CodecError
   * (code 'frame_too_large' | 'protocol').
   *
   * A frame may be a view into `chunk` (no copy) when it lies inside one chunk, so callers must not
   * reuse chunk buffers after pushing them. After a throw the decoder is unusable: every later push
   * throws the same error, because the stream position is lost. `onFrame` must not throw; if it does,
   * the exception propagates and the rest of the chunk is lost.
   */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void;
  /** Bytes held of an incomplete frame (0 exactly between frames), so EOF can be classified as unexpected_eof. */
  readonly pendingBytes: number;
}
