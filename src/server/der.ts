// A minimal DER encoder (ITU-T X.690), enough to build one X.509 certificate: definite lengths only,
// no indefinite forms, no reals. Every function returns the complete TLV (tag, length, value).

/** Encodes a tag, a definite length and the value bytes. */
export function tlv(tag: number, value: Uint8Array): Uint8Array {
  const length = encodeLength(value.length);
  const out = new Uint8Array(1 + length.length + value.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(value, 1 + length.length);
  return out;
}

// Short form below 128, else 0x80 | number of length bytes, then the length big-endian.
function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function sequence(...items: Uint8Array[]): Uint8Array {
  return tlv(0x30, concat(items));
}

export function set(...items: Uint8Array[]): Uint8Array {
  return tlv(0x31, concat(items));
}

/** Encodes a context-specific constructed tag, e.g. `[0] EXPLICIT` (tag number 0..30). */
export function explicit(tagNumber: number, inner: Uint8Array): Uint8Array {
  return tlv(0xa0 | tagNumber, inner);
}

/** Encodes a context-specific primitive tag, e.g. `[2] IMPLICIT IA5String` in a GeneralName. */
export function implicitPrimitive(tagNumber: number, value: Uint8Array): Uint8Array {
  return tlv(0x80 | tagNumber, value);
}

/** Encodes a non-negative INTEGER from its big-endian magnitude, with the sign byte DER requires. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const needsSignByte = trimmed.length === 0 || (trimmed[0]! & 0x80) !== 0;
  return tlv(0x02, needsSignByte ? concat([Uint8Array.of(0), trimmed]) : trimmed);
}

export function smallInteger(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0x7f) throw new RangeError(`smallInteger expects 0..127, got ${value}`);
  return tlv(0x02, Uint8Array.of(value));
}

export function boolean(value: boolean): Uint8Array {
  return tlv(0x01, Uint8Array.of(value ? 0xff : 0x00));
}

/** Encodes an OBJECT IDENTIFIER from dotted text ("1.2.840.10045.4.3.2"). */
export function objectIdentifier(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((arc) => !Number.isSafeInteger(arc) || arc < 0)) {
    throw new RangeError(`objectIdentifier expects dotted decimal arcs, got ${JSON.stringify(dotted)}`);
  }
  // The first two arcs share one subidentifier (40 * first + second). Every subidentifier is written
  // in base 128, with the high bit set on every byte but the last.
  const subidentifiers = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  const bytes: number[] = [];
  for (const sub of subidentifiers) {
    const groups: number[] = [sub & 0x7f];
    for (let rest = Math.floor(sub / 128); rest > 0; rest = Math.floor(rest / 128)) groups.unshift((rest & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

export function nullValue(): Uint8Array {
  return Uint8Array.of(0x05, 0x00);
}

export function octetString(value: Uint8Array): Uint8Array {
  return tlv(0x04, value);
}

/** Encodes a BIT STRING whose length is a whole number of bytes (no unused bits). */
export function bitString(value: Uint8Array): Uint8Array {
  return tlv(0x03, concat([Uint8Array.of(0), value]));
}

export function utf8String(text: string): Uint8Array {
  return tlv(0x0c, new TextEncoder().encode(text));
}

/**
 * Encodes a certificate validity time in UTC with whole seconds. RFC 5280 section 4.1.2.5 requires
 * UTCTime up to 2049 and GeneralizedTime from 2050.
 */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z'; // YYYYMMDDHHMMSSZ
  const year = date.getUTCFullYear();
  if (year < 1950 || year > 9999) throw new RangeError(`time expects a year in 1950..9999, got ${year}`);
  if (year < 2050) return tlv(0x17, new TextEncoder().encode(digits.slice(2)));
  return tlv(0x18, new TextEncoder().encode(digits));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
