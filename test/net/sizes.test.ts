// Frame sizes around the 16 KiB TLS record and 64 KiB boundaries, and 4 MiB, over TLS and plain TCP.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';

import { tlsFixture } from '../fixtures/tls/fixtures.ts';
import { frame, listenTcp, listenTls, metric, newVu } from './helpers.ts';

const SIZES = [0, 16384, 16385, 65535, 65536, 65537, 4 * 1024 * 1024];

function echo(socket: Socket): void {
  socket.on('data', (chunk) => socket.write(chunk));
}

/** Bytes that differ at every offset modulo 251, so a shifted or truncated copy cannot pass. */
function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i % 251;
  return bytes;
}

for (const transport of ['tcp', 'tls'] as const) {
  test(`sizes round-trip over ${transport}`, async (t) => {
    const server = transport === 'tls' ? await listenTls({}, echo) : await listenTcp(echo);
    t.after(() => server.close());
    const { net, registry } = newVu();
    const options = transport === 'tls' ? { tls: true, ca: tlsFixture('ca.crt') } : {};
    const connection = await net.connect(server.address, { ...options, format: 'bytes', receiveTimeout: '20s' });

    for (const size of SIZES) {
      const payload = pattern(size);
      const reply = (await connection.request(payload)) as Uint8Array;
      assert.equal(reply.length, size, `size ${size}`);
      assert.ok(Buffer.from(reply).equals(Buffer.from(payload)), `size ${size} came back altered`);
    }
    await connection.close();

    const wireFrames = SIZES.reduce((sum, size) => sum + 4 + size, 0);
    assert.equal(metric(registry, 'net_frames_sent'), SIZES.length);
    assert.equal(metric(registry, 'net_frames_received'), SIZES.length);
    if (transport === 'tcp') assert.equal(metric(registry, 'data_sent'), wireFrames);
    else assert.ok(metric(registry, 'data_sent') > wireFrames, 'TLS adds record overhead');
  });
}

test('1 MiB UTF-8 JSON frame over TLS', async (t) => {
  const server = await listenTls({}, echo);
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address, { tls: true, ca: tlsFixture('ca.crt') });

  const body = { m: 'events', names: ['Zoë', '日本', '🚀'], data: '日本🚀Zoë'.repeat(80_000) };
  assert.ok(frame(body).length > 1024 * 1024);
  assert.deepEqual(await connection.request(body), body);
  await connection.close();
});

test('UTF-8 prefix on the wire', async (t) => {
  let received = Buffer.alloc(0);
  const server = await listenTcp((socket) => socket.on('data', (chunk) => (received = Buffer.concat([received, chunk]))));
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);

  const body = { names: ['Zoë', '日本', '🚀'] };
  await connection.send(body);
  await connection.close();
  await server.allClosed(1);
  const json = JSON.stringify(body);
  assert.equal(received.readUInt32BE(0), Buffer.byteLength(json, 'utf8'));
  assert.equal(received.readUInt32BE(0), 34);
  assert.equal(json.length, 27);
  assert.equal(received.subarray(4).toString('utf8'), json);
});
