import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import { objectIdentifier, octetString, smallInteger, time, unsignedInteger } from '../../src/server/der.ts';
import { generateSelfSigned } from '../../src/server/self-signed.ts';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('DER object identifiers use base-128 arcs', () => {
  assert.equal(hex(objectIdentifier('1.2.840.113549')), '06062a864886f70d'); // RSA Data Security, X.690 example
  assert.equal(hex(objectIdentifier('2.5.29.17')), '0603551d11');
  assert.equal(hex(objectIdentifier('1.2.840.10045.4.3.2')), '06082a8648ce3d040302');
});

test('DER lengths switch to the long form at 128', () => {
  assert.equal(hex(octetString(new Uint8Array(127))).slice(0, 4), '047f');
  assert.equal(hex(octetString(new Uint8Array(128))).slice(0, 6), '048180');
  assert.equal(hex(octetString(new Uint8Array(300))).slice(0, 8), '0482012c');
});

test('DER integers are minimal and positive', () => {
  assert.equal(hex(unsignedInteger(Uint8Array.of(0x80))), '02020080');
  assert.equal(hex(unsignedInteger(Uint8Array.of(0, 0, 1))), '020101');
  assert.equal(hex(unsignedInteger(Uint8Array.of(0))), '020100');
  assert.equal(hex(smallInteger(2)), '020102');
});

test('DER times are UTCTime before 2050 and GeneralizedTime after', () => {
  assert.equal(Buffer.from(time(new Date('2026-12-04T19:46:16.900Z'))).toString('latin1'), '\x17\x0d261204194616Z');
  assert.equal(Buffer.from(time(new Date('2050-01-01T00:00:00Z'))).toString('latin1'), '\x18\x0f20500101000000Z');
});

test('self-signed certificate parses with the expected fields', () => {
  const pair = generateSelfSigned({ commonName: 'frameload test', altNames: ['localhost', 'ingest.test', '127.0.0.1', '::1'], validDays: 30 });
  const certificate = new X509Certificate(pair.cert);

  assert.equal(certificate.subject, 'CN=frameload test');
  assert.equal(certificate.issuer, 'CN=frameload test');
  assert.equal(certificate.subjectAltName, 'DNS:localhost, DNS:ingest.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  assert.equal(certificate.checkHost('ingest.test'), 'ingest.test');
  assert.equal(certificate.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(certificate.ca, false);
  assert.deepEqual(certificate.keyUsage, ['1.3.6.1.5.5.7.3.1']); // extended key usage: serverAuth
  assert.equal(certificate.verify(certificate.publicKey), true);
  assert.equal(certificate.publicKey.asymmetricKeyType, 'ec');
  assert.ok(certificate.checkPrivateKey(createPrivateKey(pair.key)));

  const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
  assert.equal(days, 30);
  const hoursBeforeNow = (Date.now() - Date.parse(certificate.validFrom)) / 3_600_000;
  assert.ok(hoursBeforeNow >= 1, `validFrom is ${hoursBeforeNow} h before now`);
  assert.ok(hoursBeforeNow < 1.01, `validFrom is ${hoursBeforeNow} h before now`);
});

test('self-signed serial numbers differ', () => {
  const serials = new Set(Array.from({ length: 5 }, () => new X509Certificate(generateSelfSigned().cert).serialNumber));
  assert.equal(serials.size, 5);
});

test('self-signed IPv6 names include embedded IPv4 forms', () => {
  const pair = generateSelfSigned({ altNames: ['::ffff:192.0.2.1', 'fe80::1:2', '2001:db8::'] });
  const certificate = new X509Certificate(pair.cert);
  assert.equal(
    certificate.subjectAltName,
    'IP Address:0:0:0:0:0:FFFF:C000:201, IP Address:FE80:0:0:0:0:0:1:2, IP Address:2001:DB8:0:0:0:0:0:0',
  );
});
