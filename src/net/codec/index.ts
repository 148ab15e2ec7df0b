export type { FrameCodec, FrameDecoder } from './types.ts';
export { CodecError, DEFAULT_MAX_FRAME_BYTES, type CodecErrorCode } from './errors.ts';
export { lengthPrefixed, type LengthPrefixedOptions } from './length-prefixed.ts';
export { delimited, type DelimitedOptions } from './delimited.ts';
export { raw } from './raw.ts';
export {
  encodePayload,
  decodePayload,
  decodeText,
  type Message,
  type JsonValue,
  type PayloadFormat,
} from './payload.ts';
