/** Codes a codec raises; the connection layer reports them with the same code and the peer's address. */
export type CodecErrorCode = 'frame_too_large' | 'protocol';

/** A framing failure: a frame over the size limit, or bytes that break the codec's rules. */
export class CodecError extends Error {
  constructor(
    readonly code: CodecErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CodecError';
  }
}

/** Default limit on one frame's payload: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Validates a `maxFrameBytes` option; throws RangeError naming the option and the accepted range. */
export function checkMaxFrameBytes(value: number | undefined, codec: string): number {
  if (value === undefined) return DEFAULT_MAX_FRAME_BYTES;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${codec}: maxFrameBytes must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}
