// Connections live as long as their VU: the scope closes every one of them, and any connect still in
// progress, when the VU is done or the run ends.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { tlsFixture } from '../fixtures/tls/fixtures.ts';
import { errorCount, listenTcp, listenTls, metric, newVu } from './helpers.ts';

test('closeAll closes every connection', async (t) => {
  const tcp = await listenTcp();
  const tls = await listenTls({});
  t.after(() => Promise.all([tcp.close(), tls.close()]));
  const { net, scope, registry } = newVu();

  const connections = await Promise.all([
    ...Array.from({ length: 5 }, () => net.connect(tcp.address)),
    ...Array.from({ length: 5 }, () => net.connect(tls.address, { tls: true, ca: tlsFixture('ca.crt') })),
  ]);
  assert.equal(metric(registry, 'net_connections_open', 'value'), 10);
  const pending = assert.rejects(connections[0]!.receive(), { code: 'closed' });

  const started = performance.now();
  scope.closeAll();
  await Promise.all([tcp.allClosed(5), tls.allClosed(5)]);
  assert.ok(performance.now() - started < 1000, 'the server sees every connection closed within 1 s');
  await pending;
  for (const connection of connections) assert.equal(connection.closed, true);
  assert.equal(metric(registry, 'net_connections_open', 'value'), 0);
  assert.equal(metric(registry, 'net_errors'), 0);
});

test('connections survive iterations until closeAll', async (t) => {
  const server = await listenTcp((socket) => socket.on('data', (chunk) => socket.write(chunk)));
  t.after(() => server.close());
  const { net, scope } = newVu();

  const connection = await net.connect(server.address);
  for (let iteration = 0; iteration < 3; iteration++) {
    assert.deepEqual(await connection.request({ iteration }), { iteration });
  }
  assert.equal(server.sockets.length, 1);
  assert.equal(connection.closed, false);
  scope.closeAll();
  await server.allClosed(1);
});

test('closeAll aborts a connect in progress', async (t) => {
  let helloReceived!: () => void;
  const hello = new Promise<void>((resolve) => (helloReceived = resolve));
  // The server never replies to the ClientHello, so the connect stays in its handshake.
  const server = await listenTcp((socket) => socket.once('data', () => helloReceived()));
  t.after(() => server.close());
  const { net, scope, registry } = newVu();

  const attempt = net.connect(server.address, { tls: true, ca: tlsFixture('ca.crt'), handshakeTimeout: '30s' });
  await hello;
  scope.closeAll();
  await assert.rejects(attempt, { code: 'closed', message: /connect aborted: the VU is done/ });
  await server.allClosed(1);
  assert.equal(errorCount(registry, 'closed'), 0);
});

test('connection closed by the script leaves the scope', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const { net, scope } = newVu();

  const connection = await net.connect(server.address);
  await connection.close();
  await connection.close();
  assert.equal(connection.closed, true);
  scope.closeAll();
  await server.allClosed(1);
});
