import net from 'node:net';
import tls from 'node:tls';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { StandaloneScope } from '../../src/engine/vu-scope.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';
import { createNetModule } from '../../src/net/module.ts';
import { tlsFixture } from '../fixtures/tls/fixtures.ts';

/** A VU scope with a real registry and the net module built on it. */
export function newVu(options: Record<string, unknown> = {}) {
  const registry = new MetricRegistry();
  const scope = new StandaloneScope(registry, { options });
  return { registry, scope, net: createNetModule(scope) };
}

/** Reads one aggregate value: `count` for counters, `value`/`max` for gauges, `count`/`min` for trends. */
export function metric(registry: MetricRegistry, name: string, stat = 'count'): number {
  const found = registry.get(name);
  if (!found) return 0;
  return found.root.values(['count', 'min', 'max'], 1000)[stat] ?? 0;
}

/** Reads `net_errors{code:CODE}` through the metric's code breakdown. */
export function errorCount(registry: MetricRegistry, code: string): number {
  const errors = registry.get('net_errors');
  const part = errors?.breakdowns.find((b) => b.tagNames.join() === 'code')?.parts.get(code);
  return part ? part.aggregate.values([], 1000)['count']! : 0;
}

/** A frame as the agent protocol defines it, built without the codec under test: 4-byte BE length + body. */
export function frame(body: string | object | Uint8Array): Buffer {
  const payload =
    body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return Buffer.concat([header, payload]);
}

/** A server on 127.0.0.1 that tracks its sockets, so tests can see each one closed. */
export interface TestServer {
  readonly port: number;
  readonly address: string;
  /** Raw TCP sockets, in accept order. */
  readonly sockets: net.Socket[];
  /** Resolves once `count` sockets were accepted and all of them are closed. */
  allClosed(count: number): Promise<void>;
  close(): Promise<void>;
}

type OnSocket = (socket: net.Socket) => void;

/** Listens on 127.0.0.1 port 0; `onSocket` gets every accepted plain TCP socket. */
export function listenTcp(onSocket: OnSocket = () => {}): Promise<TestServer> {
  return listen(net.createServer(onSocket));
}

export interface TlsServerOptions {
  cert?: 'server-localhost' | 'server-agents' | 'server-no-ip-san';
  /** Require a client certificate signed by the fixture CA. */
  requestCert?: boolean;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  alpn?: string[];
}

/**
 * A node:tls server on 127.0.0.1 port 0. `sockets` are the raw TCP sockets underneath, whose byte
 * counts include TLS records. `onSocket` gets each TLS socket once its handshake completed.
 */
export async function listenTls(
  options: TlsServerOptions,
  onSocket: (socket: tls.TLSSocket) => void = () => {},
): Promise<TestServer & { servernames: string[] }> {
  const cert = options.cert ?? 'server-localhost';
  const servernames: string[] = [];
  const server = tls.createServer(
    {
      cert: tlsFixture(`${cert}.crt`),
      key: tlsFixture(`${cert}.key`),
      ca: options.requestCert ? tlsFixture('ca.crt') : undefined,
      requestCert: options.requestCert ?? false,
      rejectUnauthorized: options.requestCert ?? false,
      minVersion: options.minVersion,
      maxVersion: options.maxVersion,
      ALPNProtocols: options.alpn,
    },
    (secure) => {
      servernames.push((secure as tls.TLSSocket & { servername?: string | false }).servername || '');
      secure.on('error', () => {});
      onSocket(secure);
    },
  );
  server.on('tlsClientError', () => {});
  return Object.assign(await listen(server), { servernames });
}

async function listen(server: net.Server): Promise<TestServer> {
  const sockets: net.Socket[] = [];
  const closed = new Set<net.Socket>();
  let onChange = (): void => {};
  // 'connection' fires with the raw TCP socket for both net and tls servers.
  server.on('connection', (raw: net.Socket) => {
    sockets.push(raw);
    raw.on('error', () => {});
    raw.once('close', () => {
      closed.add(raw);
      onChange();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    address: `127.0.0.1:${port}`,
    sockets,
    allClosed(count) {
      return new Promise((resolve) => {
        onChange = () => {
          if (sockets.length >= count && sockets.every((s) => closed.has(s))) resolve();
        };
        onChange();
      });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Writes `pieces` one after another with `gapMs` between them (a peer that trickles bytes). */
export async function writeSlowly(socket: net.Socket, pieces: Uint8Array[], gapMs: number): Promise<void> {
  for (const [i, piece] of pieces.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    socket.write(piece);
  }
}

/** Splits `bytes` at the given offsets. */
export function splitAt(bytes: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    pieces.push(bytes.subarray(start, offset));
    start = offset;
  }
  return pieces;
}

export const TLS_CLIENT = {
  ca: () => tlsFixture('ca.crt'),
  cert: () => tlsFixture('client.crt'),
  key: () => tlsFixture('client.key'),
};

/**
 * Runs `openssl s_server` on 127.0.0.1 requiring a client certificate from the fixture CA. Unlike a
 * node:tls server, which closes silently when it rejects a client certificate, OpenSSL sends
 * a TLS alert, as most production TLS stacks do.
 */
export async function listenOpenssl(version: 'TLSv1.2' | 'TLSv1.3'): Promise<{ address: string; close(): void }> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as net.AddressInfo).port;
  probe.close();
  await once(probe, 'close');

  const fixtures = new URL('../fixtures/tls/', import.meta.url).pathname;
  const child = spawn(
    'openssl',
    [
      's_server',
      '-accept', `127.0.0.1:${port}`,
      '-cert', `${fixtures}server-localhost.crt`,
      '-key', `${fixtures}server-localhost.key`,
      '-CAfile', `${fixtures}ca.crt`,
      '-Verify', '1',
      '-verify_return_error',
      version === 'TLSv1.2' ? '-tls1_2' : '-tls1_3',
    ],
    { stdio: ['pipe', 'pipe', 'ignore'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ACCEPT')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`openssl s_server exited with ${code}: ${output}`)));
  });
  return { address: `127.0.0.1:${port}`, close: () => child.kill() };
}
