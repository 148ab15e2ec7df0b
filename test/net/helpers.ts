import net from 'node:net';
import tls from 'node:tls';
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

type OnSocket = (socket: net.Socket, raw: net.Socket) => void;

/** Listens on 127.0.0.1 port 0; `onSocket` gets every accepted plain TCP socket. */
export function listenTcp(onSocket: OnSocket = () => {}): Promise<TestServer> {
  return listen((raw) => onSocket(raw, raw));
}

export interface TlsServerOptions {
  cert?: 'server-localhost' | 'server-agents' | 'server-no-ip-san';
  requestCert?: boolean;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
}

/**
 * Listens on 127.0.0.1 port 0 and runs the TLS server side on each TCP socket, so tests can read the
 * raw byte counts. `onSocket` gets the TLS socket once the handshake completed.
 */
export function listenTls(options: TlsServerOptions, onSocket: OnSocket = () => {}): Promise<TestServer & { servernames: string[] }> {
  const cert = options.cert ?? 'server-localhost';
  const context = tls.createSecureContext({
    cert: tlsFixture(`${cert}.crt`),
    key: tlsFixture(`${cert}.key`),
    ca: options.requestCert ? tlsFixture('ca.crt') : undefined,
    minVersion: options.minVersion,
    maxVersion: options.maxVersion,
  });
  const servernames: string[] = [];
  const server = listen((raw) => {
    const secure = new tls.TLSSocket(raw, {
      isServer: true,
      secureContext: context,
      requestCert: options.requestCert ?? false,
      rejectUnauthorized: options.requestCert ?? false,
    });
    secure.on('error', () => {});
    secure.once('secure', () => {
      servernames.push((secure as tls.TLSSocket & { servername?: string | false }).servername || '');
      onSocket(secure, raw);
    });
  });
  return server.then((s) => Object.assign(s, { servernames }));
}

async function listen(onRaw: (raw: net.Socket) => void): Promise<TestServer> {
  const sockets: net.Socket[] = [];
  const closed = new Set<net.Socket>();
  let onChange = (): void => {};
  const server = net.createServer((raw) => {
    sockets.push(raw);
    raw.on('error', () => {});
    raw.once('close', () => {
      closed.add(raw);
      onChange();
    });
    onRaw(raw);
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
