// TLS behaviour against the committed fixtures in test/fixtures/tls. The client-certificate tests pin
// TLS 1.2 and TLS 1.3 separately because the rejection surfaces at different points: under 1.2 the
// server rejects the certificate inside the handshake, so connect() fails; under 1.3 the client
// finishes its side of the handshake first and learns of the rejection on its first read.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import type { TLSSocket } from 'node:tls';

import { CLIENT_KEY_PASSPHRASE, tlsFixture } from '../fixtures/tls/fixtures.ts';
import { errorCount, listenOpenssl, listenTcp, listenTls, metric, newVu } from './helpers.ts';

const ca = tlsFixture('ca.crt');
const clientCert = tlsFixture('client.crt');
const clientKey = tlsFixture('client.key');

/** Echo handler that also records the peer's certificate state. */
function echo(socket: net.Socket): void {
  socket.on('data', (chunk) => socket.write(chunk));
}

test('TLS round trip counts wire bytes', async (t) => {
  // The server closes after its reply, so every byte it wrote reaches the client before the close.
  const server = await listenTls({}, (socket) => socket.on('data', (chunk) => socket.end(chunk)));
  t.after(() => server.close());
  const { net, registry } = newVu();

  const connection = await net.connect(server.address, { tls: true, ca });
  const closed = new Promise<void>((resolve) => connection.on('close', resolve));
  assert.equal(connection.tlsVersion, 'TLSv1.3');
  assert.deepEqual(await connection.request({ m: 'id' }), { m: 'id' });
  await closed;
  await server.allClosed(1);

  const serverRaw = server.sockets[0]!;
  assert.equal(metric(registry, 'data_sent'), serverRaw.bytesRead);
  assert.equal(metric(registry, 'data_received'), serverRaw.bytesWritten);
  assert.ok(metric(registry, 'data_sent') > 4 + 8, 'TLS records and handshake are counted');
  assert.equal(metric(registry, 'net_frames_sent'), 1);
  assert.equal(metric(registry, 'net_frames_received'), 1);
  assert.equal(metric(registry, 'net_tls_handshake_duration'), 1);
  assert.equal(metric(registry, 'net_connect_duration'), 1);
});

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  test(`mTLS accepted under ${version}`, async (t) => {
    let authorized = false;
    const server = await listenTls({ requestCert: true, minVersion: version, maxVersion: version }, (socket) => {
      authorized = (socket as TLSSocket).authorized;
      echo(socket);
    });
    t.after(() => server.close());
    const { net } = newVu();

    const connection = await net.connect(server.address, { tls: true, ca, cert: clientCert, key: clientKey });
    assert.equal(connection.tlsVersion, version);
    assert.deepEqual(await connection.request({ n: 1 }), { n: 1 });
    assert.equal(authorized, true);
    await connection.close();
  });

  test(`mTLS untrusted client cert rejected under ${version}`, async (t) => {
    const server = await listenOpenssl(version);
    t.after(() => server.close());
    const { net, registry } = newVu();
    const options = {
      tls: true,
      ca,
      cert: tlsFixture('client-untrusted.crt'),
      key: tlsFixture('client-untrusted.key'),
      receiveTimeout: '5s',
    };

    let connected = false;
    const attempt = (async () => {
      const connection = await net.connect(server.address, options);
      connected = true;
      return connection.request({ n: 1 });
    })();
    await assert.rejects(attempt, {
      name: 'TlsClientAuthError',
      code: 'tls_client_auth',
      peer: server.address,
      message: /tlsv1 alert unknown ca \(ERR_SSL_TLSV1_ALERT_UNKNOWN_CA\); the server rejected the client certificate/,
    });
    // Under TLS 1.3 connect succeeds and the server's alert arrives with the first read.
    assert.equal(connected, version === 'TLSv1.3');
    assert.equal(errorCount(registry, 'tls_client_auth'), 1);
  });
}

for (const [version, code] of [
  ['TLSv1.2', 'tls_handshake'],
  ['TLSv1.3', 'closed'],
] as const) {
  test(`node:tls silent rejection under ${version} gives a hint`, async (t) => {
    // A node:tls server closes without an alert, so the client cannot know the reason for sure.
    const server = await listenTls({ requestCert: true, minVersion: version, maxVersion: version }, echo);
    t.after(() => server.close());
    const { net } = newVu();
    const options = { tls: true, ca, cert: tlsFixture('client-untrusted.crt'), key: tlsFixture('client-untrusted.key') };

    const attempt = (async () => (await net.connect(server.address, options)).request({ n: 1 }))();
    await assert.rejects(attempt, {
      code,
      message: /if the server checks client certificates, it may have rejected this one/,
    });
  });
}

test('mTLS without a cert under TLS 1.3 is tls_client_auth', async (t) => {
  const server = await listenTls({ requestCert: true, minVersion: 'TLSv1.3' }, echo);
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address, { tls: true, ca });
  await assert.rejects(connection.request({ n: 1 }), { code: 'tls_client_auth', message: /CERTIFICATE_REQUIRED|certificate required/i });
});

test('encrypted client key with passphrase', async (t) => {
  const server = await listenTls({ requestCert: true }, echo);
  t.after(() => server.close());
  const { net } = newVu();
  const options = { tls: true, ca, cert: clientCert, key: tlsFixture('client-encrypted.key') };

  const connection = await net.connect(server.address, { ...options, passphrase: CLIENT_KEY_PASSPHRASE });
  assert.deepEqual(await connection.request({ ok: true }), { ok: true });
  await connection.close();
  await assert.rejects(net.connect(server.address, { ...options, passphrase: 'wrong' }), {
    code: 'invalid_config',
    message: /connect options.key: cannot load the TLS settings: .*check that cert and key match and that passphrase is right/,
  });
});

test('SNI with a private CA', async (t) => {
  const server = await listenTls({ cert: 'server-agents' }, echo);
  t.after(() => server.close());
  const { net, registry, scope } = newVu();

  await assert.rejects(net.connect(server.address, { tls: true, ca }), {
    name: 'TlsVerifyError',
    code: 'tls_verify',
    message: /IP: 127\.0\.0\.1 is not in the cert's list: .*set the ca and servername options; the bundled scenarios read CA and SERVERNAME/,
  });

  const named = await net.connect(server.address, { tls: true, ca, servername: 'agents.test' });
  assert.deepEqual(await named.request({ n: 1 }), { n: 1 });
  await named.close();
  assert.deepEqual(server.servernames, ['agents.test']);
  assert.equal(scope.insecurePeers.size, 0);

  const insecure = await net.connect(server.address, { tls: true, insecureSkipVerify: true });
  assert.deepEqual(await insecure.request({ n: 2 }), { n: 2 });
  await insecure.close();
  assert.deepEqual(server.servernames, ['agents.test', ''], 'no SNI is sent for an IP address');
  assert.deepEqual([...scope.insecurePeers], [server.address]);
  assert.equal(errorCount(registry, 'tls_verify'), 1);
});

test('IP without a SAN is tls_verify', async (t) => {
  const server = await listenTls({ cert: 'server-no-ip-san' }, echo);
  t.after(() => server.close());
  const { net } = newVu();
  await assert.rejects(net.connect(server.address, { tls: true, ca }), {
    code: 'tls_verify',
    message: /ERR_TLS_CERT_ALTNAME_INVALID|is not in the cert's list/,
  });
});

test('untrusted server certificate is tls_verify', async (t) => {
  const server = await listenTls({}, echo);
  t.after(() => server.close());
  const { net } = newVu();
  await assert.rejects(net.connect(server.address, { tls: true }), (error: Error & { code: string }) => {
    assert.equal(error.code, 'tls_verify');
    assert.equal((error.cause as { code: string }).code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    return true;
  });
});

test('handshake timeout when ClientHello gets no answer', async (t) => {
  let helloBytes = 0;
  const server = await listenTcp((socket) => socket.on('data', (chunk) => (helloBytes += chunk.length)));
  t.after(() => server.close());
  const { net, registry } = newVu();

  const started = performance.now();
  await assert.rejects(net.connect(server.address, { tls: true, ca, handshakeTimeout: 300, connectTimeout: 5000 }), {
    name: 'TlsHandshakeTimeoutError',
    code: 'tls_handshake_timeout',
    message: `${server.address}: TLS handshake timed out after 300 ms`,
  });
  const waited = performance.now() - started;
  assert.ok(waited >= 299, `waited ${waited} ms`);
  assert.ok(waited < 430, `waited ${waited} ms`);
  assert.ok(helloBytes > 0, 'the server read a ClientHello');
  assert.equal(metric(registry, 'net_connect_duration'), 1);
  assert.equal(metric(registry, 'net_tls_handshake_duration'), 0);
  assert.equal(errorCount(registry, 'tls_handshake_timeout'), 1);
  await server.allClosed(1);
});

test('version mismatch is tls_handshake', async (t) => {
  const server = await listenTls({ minVersion: 'TLSv1.3' }, echo);
  t.after(() => server.close());
  const { net } = newVu();
  await assert.rejects(net.connect(server.address, { tls: true, ca, maxVersion: 'TLSv1.2' }), {
    code: 'tls_handshake',
    message: /TLS handshake failed: tlsv1 alert protocol version \(ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION\); expected a TLS server that accepts the configured versions and ciphers/,
  });
});

test('k6 global TLS options apply as defaults', async (t) => {
  let cipher = '';
  let authorized = false;
  const server = await listenTls({ cert: 'server-agents', requestCert: true }, (socket) => {
    cipher = (socket as TLSSocket).getCipher().name;
    authorized = (socket as TLSSocket).authorized;
    echo(socket);
  });
  t.after(() => server.close());
  const { net, scope } = newVu({
    insecureSkipTLSVerify: false,
    tlsVersion: 'tls1.2',
    tlsCipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
    tlsAuth: [{ domains: ['agents.test'], cert: clientCert, key: clientKey }],
  });

  const connection = await net.connect(server.address, { tls: true, ca, servername: 'agents.test' });
  assert.deepEqual(await connection.request({ n: 1 }), { n: 1 });
  assert.equal(connection.tlsVersion, 'TLSv1.2');
  assert.equal(cipher, 'ECDHE-ECDSA-AES128-GCM-SHA256');
  assert.equal(authorized, true);
  await connection.close();
  assert.equal(scope.insecurePeers.size, 0);
});

test('k6 insecureSkipTLSVerify is noted', async (t) => {
  const server = await listenTls({}, echo);
  t.after(() => server.close());
  const { net, scope } = newVu({ insecureSkipTLSVerify: true });
  const connection = await net.connect(server.address, { tls: true });
  assert.deepEqual(await connection.request({ x: 1 }, { timeout: '5s' }), { x: 1 });
  await connection.close();
  assert.deepEqual([...scope.insecurePeers], [server.address]);
});

test('ALPN protocol is negotiated', async (t) => {
  const server = await listenTls({ alpn: ['frameload/1'] }, echo);
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address, { tls: true, ca, alpn: ['frameload/1', 'other'] });
  assert.equal(connection.alpnProtocol, 'frameload/1');
  await connection.close();
});
