import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';
import {
  bitString,
  boolean,
  explicit,
  implicitPrimitive,
  objectIdentifier,
  octetString,
  sequence,
  set,
  smallInteger,
  time,
  unsignedInteger,
  utf8String,
} from './der.ts';

/** A certificate and its private key, both PEM. */
export interface CertificatePair {
  readonly cert: string;
  readonly key: string;
}

export interface SelfSignedOptions {
  /** Subject common name. Default "frameload reference server". */
  readonly commonName?: string;
  /** DNS names and IP addresses for the subjectAltName extension. Default localhost, 127.0.0.1, ::1. */
  readonly altNames?: readonly string[];
  /** Validity in days from one hour before now, so small clock skew does not reject it. Default 365. */
  readonly validDays?: number;
}

const OID = {
  commonName: '2.5.4.3',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/**
 * Generates an ECDSA P-256 key and a self-signed X.509 v3 server certificate for it, without the
 * openssl command: node:crypto makes the key and the signature, `der.ts` encodes the certificate.
 */
export function generateSelfSigned(options: SelfSignedOptions = {}): CertificatePair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const commonName = options.commonName ?? 'frameload reference server';
  const altNames = options.altNames ?? ['localhost', '127.0.0.1', '::1'];
  const notBefore = new Date(Date.now() - 3_600_000);
  const notAfter = new Date(notBefore.getTime() + (options.validDays ?? 365) * 86_400_000);

  const name = sequence(set(sequence(objectIdentifier(OID.commonName), utf8String(commonName))));
  const signatureAlgorithm = sequence(objectIdentifier(OID.ecdsaWithSha256));
  // The key's SubjectPublicKeyInfo DER is exactly the structure the certificate embeds.
  const subjectPublicKeyInfo = publicKey.export({ type: 'spki', format: 'der' });

  const tbsCertificate = sequence(
    explicit(0, smallInteger(2)), // version v3
    unsignedInteger(serialNumber()),
    signatureAlgorithm,
    name, // issuer: self-signed, so the same as the subject
    sequence(time(notBefore), time(notAfter)),
    name,
    subjectPublicKeyInfo,
    explicit(3, sequence(...extensions(altNames))),
  );

  const signature = sign('sha256', tbsCertificate, privateKey); // DER-encoded ECDSA-Sig-Value
  const certificate = sequence(tbsCertificate, signatureAlgorithm, bitString(signature));

  return {
    cert: toPem('CERTIFICATE', certificate),
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function extensions(altNames: readonly string[]): Uint8Array[] {
  return [
    // An end-entity certificate (cA FALSE is the default, so the sequence is empty).
    extension(OID.basicConstraints, true, sequence()),
    // digitalSignature only: bit 0 set, 7 unused bits, as DER's named-bit rule requires.
    extension(OID.keyUsage, true, Uint8Array.of(0x03, 0x02, 0x07, 0x80)),
    extension(OID.extKeyUsage, false, sequence(objectIdentifier(OID.serverAuth))),
    extension(OID.subjectAltName, false, sequence(...altNames.map(generalName))),
  ];
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  const parts = [objectIdentifier(oid)];
  if (critical) parts.push(boolean(true)); // DER omits a DEFAULT FALSE value
  parts.push(octetString(value));
  return sequence(...parts);
}

// GeneralName: [2] dNSName (IA5String) or [7] iPAddress (4 or 16 bytes in network order).
function generalName(name: string): Uint8Array {
  const family = isIP(name);
  if (family === 4) return implicitPrimitive(7, Uint8Array.from(name.split('.').map(Number)));
  if (family === 6) return implicitPrimitive(7, ipv6Bytes(name));
  return implicitPrimitive(2, new TextEncoder().encode(name));
}

function ipv6Bytes(text: string): Uint8Array {
  // An embedded IPv4 address (::ffff:192.0.2.1) is the last two 16-bit groups.
  const address = text.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a: string, b: string, c: string, d: string) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const [head = '', tail] = address.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : zeros).fill('0'), ...tailGroups];
  const out = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    out[i * 2] = value >> 8;
    out[i * 2 + 1] = value & 0xff;
  });
  return out;
}

// 16 random bytes with the top bit cleared: positive and at most 20 octets, per RFC 5280 4.1.2.2.
function serialNumber(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
