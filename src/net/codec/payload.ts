import { CodecError } from './errors.ts';

/**
 * A message a script can send: a string (UTF-8), bytes, or any other JSON-serialisable value (sent as
 * JSON). Typed arrays other than Uint8Array, and DataViews, are sent as their underlying bytes.
 */
export type Message = string | Uint8Array | ArrayBuffer | ArrayBufferView | JsonValue;
export type JsonValue = null | boolean | number | JsonValue[] | { [key: string]: JsonValue | undefined };

/** The form in which a received frame reaches the script: parsed JSON, a string, or the bytes. */
export type PayloadFormat = 'json' | 'text' | 'bytes';

const encoder = new TextEncoder();
const lenientDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Converts a message into the payload bytes. Strings and JSON are encoded as UTF-8, so a frame's length
 * is the byte length ("Zoë" is 4 bytes, "🚀" is 4), never the string length. Byte inputs are not copied.
 * Throws TypeError for values JSON cannot represent (undefined, functions, symbols, BigInt, cycles).
 */
export function encodePayload(message: unknown): Uint8Array {
  const text = payloadText(message);
  return text === null ? payloadBytes(message as ArrayBuffer | ArrayBufferView) : encoder.encode(text);
}

/**
 * Returns the text a message is sent as: a string as it is, any other non-byte value as JSON. Returns
 * null for bytes (Uint8Array, ArrayBuffer, other views), which `payloadBytes` returns as they are.
 * Throws TypeError like `encodePayload`.
 */
export function payloadText(message: unknown): string | null {
  if (typeof message === 'string') return message;
  if (message instanceof Uint8Array || message instanceof ArrayBuffer || ArrayBuffer.isView(message)) return null;
  const json = JSON.stringify(message);
  if (json === undefined) {
    throw new TypeError(`cannot send ${typeof message}: expected a string, bytes or a JSON-serialisable value`);
  }
  return json;
}

/** Returns a byte message as a Uint8Array over the same memory. */
export function payloadBytes(message: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (message instanceof Uint8Array) return message;
  if (message instanceof ArrayBuffer) return new Uint8Array(message);
  return new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

/**
 * Converts a received frame into the requested format. `bytes` returns the frame itself; `text` and
 * `json` require valid UTF-8, and `json` valid JSON. A frame that fails either is a CodecError with
 * code 'protocol'.
 */
export function decodePayload(frame: Uint8Array, format: PayloadFormat): unknown {
  if (format === 'bytes') return frame;
  const text = decodeText(frame);
  if (format === 'text') return text;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CodecError('protocol', `frame of ${frame.length} bytes is not valid JSON: ${preview(text)}`, { cause });
  }
}

/** Decodes UTF-8 strictly: invalid sequences are a protocol error, not replacement characters. */
export function decodeText(frame: Uint8Array): string {
  // The lenient decoder is faster in Node 20, and it can only hide an invalid sequence behind U+FFFD,
  // so only text containing U+FFFD is decoded again strictly.
  const text = lenientDecoder.decode(frame);
  if (!text.includes('\uFFFD')) return text;
  try {
    return strictDecoder.decode(frame);
  } catch (cause) {
    throw new CodecError('protocol', `frame of ${frame.length} bytes is not valid UTF-8`, { cause });
  }
}

function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
