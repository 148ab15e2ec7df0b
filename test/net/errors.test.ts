// Provokes every error code once against a real peer on 127.0.0.1 and checks the class, the code,
// the peer in the message and the net_errors{code} count.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';

import { NET_ERROR_CODES, type NetErrorCode } from '../../src/net/errors.ts';
import { tlsFixture } from '../fixtures/tls/fixtures.ts';
import { errorCount, frame, listenOpenssl, listenTcp, listenTls, newVu } from './helpers.ts';

type Vu = ReturnType<typeof newVu>;

interface Case {
  code: NetErrorCode;
  name: string;
  /** Runs the failing operation and returns its promise plus a cleanup. */
  provoke(vu: Vu): Promise<{ attempt: Promise<unknown>; peer: string; cleanup(): unknown }>;
}

const ca = tlsFixture('ca.crt');

/** A listener whose process blocks its event loop, so once its small backlog is full SYNs go unanswered. */
async function unresponsiveListener(): Promise<{ port: number; close(): void }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer();
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         console.log(s.address().port);
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000);
         process.exit(0);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d)))));
  return { port, close: () => child.kill() };
}

/** Opens plain sockets until one does not connect within 200 ms: the backlog is then full. */
async function fillBacklog(port: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < 8; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    sockets.push(socket);
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) return sockets;
  }
  throw new Error('the listener kept accepting; cannot provoke a connect timeout');
}

const CASES: Case[] = [
  {
    code: 'connect_refused',
    name: 'ConnectRefusedError',
    async provoke({ net: module }) {
      const server = await listenTcp();
      await server.close();
      return { attempt: module.connect(server.address), peer: server.address, cleanup() {} };
    },
  },
  {
    code: 'connect_timeout',
    name: 'ConnectTimeoutError',
    async provoke({ net: module }) {
      const listener = await unresponsiveListener();
      const fillers = await fillBacklog(listener.port);
      const peer = `127.0.0.1:${listener.port}`;
      return {
        attempt: module.connect(peer, { connectTimeout: 300 }),
        peer,
        cleanup() {
          for (const socket of fillers) socket.destroy();
          listener.close();
        },
      };
    },
  },
  {
    code: 'dns',
    name: 'DnsError',
    async provoke({ net: module }) {
      // A resolver that fails like getaddrinfo does, so no DNS query leaves the machine.
      const lookup = ((hostname: string, _options: unknown, callback: (error: Error) => void) => {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        process.nextTick(callback, error);
      }) as never;
      return { attempt: module.connect('agents.test:8444', { lookup }), peer: 'agents.test:8444', cleanup() {} };
    },
  },
  {
    code: 'tls_handshake',
    name: 'TlsHandshakeError',
    async provoke({ net: module }) {
      const server = await listenTcp((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
      return { attempt: module.connect(server.address, { tls: true, ca }), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'tls_handshake_timeout',
    name: 'TlsHandshakeTimeoutError',
    async provoke({ net: module }) {
      const server = await listenTcp();
      return {
        attempt: module.connect(server.address, { tls: true, ca, handshakeTimeout: 200 }),
        peer: server.address,
        cleanup: () => server.close(),
      };
    },
  },
  {
    code: 'tls_verify',
    name: 'TlsVerifyError',
    async provoke({ net: module }) {
      const server = await listenTls({ cert: 'server-no-ip-san' });
      return { attempt: module.connect(server.address, { tls: true, ca }), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'tls_client_auth',
    name: 'TlsClientAuthError',
    async provoke({ net: module }) {
      const server = await listenOpenssl('TLSv1.2');
      const options = { tls: true, ca, cert: tlsFixture('client-untrusted.crt'), key: tlsFixture('client-untrusted.key') };
      return { attempt: module.connect(server.address, options), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'timeout',
    name: 'NetTimeoutError',
    async provoke({ net: module }) {
      const server = await listenTcp();
      const connection = await module.connect(server.address);
      return { attempt: connection.receive({ timeout: 100 }), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'closed',
    name: 'ClosedError',
    async provoke({ net: module }) {
      const server = await listenTcp((socket) => socket.once('data', () => socket.end(frame({ m: 'bye' }))));
      const connection = await module.connect(server.address);
      const attempt = (async () => {
        assert.deepEqual(await connection.request({ m: 'id' }), { m: 'bye' });
        return connection.receive();
      })();
      return { attempt, peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'reset',
    name: 'ResetError',
    async provoke({ net: module }) {
      const server = await listenTcp((socket) => socket.once('data', () => socket.resetAndDestroy()));
      const connection = await module.connect(server.address);
      return { attempt: connection.request({ m: 'events' }), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'unexpected_eof',
    name: 'UnexpectedEofError',
    async provoke({ net: module }) {
      const server = await listenTcp((socket) => socket.end(frame('x'.repeat(26)).subarray(0, 14)));
      const connection = await module.connect(server.address);
      return { attempt: connection.receive(), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'frame_too_large',
    name: 'FrameTooLargeError',
    async provoke({ net: module }) {
      const server = await listenTcp((socket) => socket.write(Buffer.from('7fffffff', 'hex')));
      const connection = await module.connect(server.address);
      return { attempt: connection.receive(), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'protocol',
    name: 'ProtocolError',
    async provoke({ net: module }) {
      const server = await listenTcp((socket) => socket.write(frame('not json')));
      const connection = await module.connect(server.address);
      return { attempt: connection.receive(), peer: server.address, cleanup: () => server.close() };
    },
  },
  {
    code: 'local_resource',
    name: 'LocalResourceError',
    async provoke({ net: module }) {
      const server = await listenTcp();
      // 192.0.2.1 (TEST-NET-1) is on no local interface, so bind fails with EADDRNOTAVAIL before any packet.
      return {
        attempt: module.connect(server.address, { localAddress: '192.0.2.1' }),
        peer: server.address,
        cleanup: () => server.close(),
      };
    },
  },
];

test('every code has a case', () => {
  assert.deepEqual(
    CASES.map((c) => c.code),
    NET_ERROR_CODES,
  );
});

for (const { code, name, provoke } of CASES) {
  test(`${code} is raised as ${name}`, async (t) => {
    const vu = newVu();
    const { attempt, peer, cleanup } = await provoke(vu);
    t.after(cleanup);

    await assert.rejects(attempt, (error: Error & { code: string; peer: string }) => {
      assert.equal(error.code, code, error.message);
      assert.equal(error.name, name);
      assert.equal(error.peer, peer);
      assert.ok(error.message.startsWith(`${peer}: `), error.message);
      return true;
    });
    assert.equal(errorCount(vu.registry, code), 1);
    assert.equal(vu.registry.get('net_errors')!.root.values([], 1000)['count'], 1);
    vu.scope.closeAll();
  });
}

test('EMFILE is local_resource', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const child = new URL('./emfile-client.ts', import.meta.url).pathname;

  // 64 descriptors are enough for Node to start and few enough to run out after some connections.
  const output = await new Promise<string>((resolve, reject) => {
    execFile('sh', ['-c', `ulimit -n 64 && exec "${process.execPath}" --import tsx "${child}" ${server.address}`], { timeout: 30_000 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
  const outcome = JSON.parse(output) as { code: string; name: string; message: string };
  assert.equal(outcome.code, 'local_resource');
  assert.equal(outcome.name, 'LocalResourceError');
  assert.match(outcome.message, /EMFILE/);
});
