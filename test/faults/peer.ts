// A programmable agent-protocol peer for fault tests: a TCP or TLS server on 127.0.0.1 port 0 whose
// every connection runs a script of the test's choosing. The script reads the client's frames with
// `next()` and misbehaves with the primitives below: split or coalesced writes with gaps, frames with
// lying lengths or the other byte order, unrelated frames, FIN mid-frame, RST, silence. Frames the
// peer writes are built here from the byte length of the exact body, never by the code under test.
import { once } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';

import { tlsFixture } from '../fixtures/tls/fixtures.ts';

export type Json = Record<string, unknown>;

export const APPROVED: Json = { m: 'auth', subsystem: 'auth', status: 'approved' };
export const NOTICE: Json = { m: 'notice', text: 'maintenance at 03:00' };
export const confirmFor = (confirmId: unknown): Json => ({ m: 'confirm', confirmId });

export interface FrameShape {
  /** Byte order of the length field. Default 'big', as the protocol defines. */
  byteOrder?: 'big' | 'little';
  /** Count the 4 header bytes in the length, as some dialects do. Default false. */
  includeHeader?: boolean;
  /** Announce this length instead of the true one (a lying peer). */
  announce?: number;
}

/** Encodes one frame: a 4-byte length and the UTF-8 body, whose byte count is the length unless `shape` lies. */
export function encodeFrame(body: Json | string | Uint8Array, shape: FrameShape = {}): Buffer {
  const payload =
    body instanceof Uint8Array ? Buffer.from(body) : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const length = shape.announce ?? payload.length + (shape.includeHeader ? 4 : 0);
  const header = Buffer.alloc(4);
  if (shape.byteOrder === 'little') header.writeUInt32LE(length);
  else header.writeUInt32BE(length);
  return Buffer.concat([header, payload]);
}

/** Splits `bytes` at the given offsets. */
export function splitAt(bytes: Uint8Array, ...offsets: number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    pieces.push(Buffer.from(bytes.subarray(start, offset)));
    start = offset;
  }
  return pieces;
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One accepted connection as its script sees it. */
export class PeerConnection {
  /** Every frame the client sent, decoded as JSON, in order. */
  readonly frames: Json[] = [];
  /** Resolves when the TCP socket underneath is closed. */
  readonly closed: Promise<void>;
  /** performance.now() when the TCP socket closed, or null while open. */
  closedAt: number | null = null;

  private buffered = Buffer.alloc(0);
  private readIndex = 0;
  private waiters: Array<{ resolve(frame: Json): void; reject(error: Error): void }> = [];

  constructor(
    readonly socket: net.Socket,
    readonly raw: net.Socket,
  ) {
    socket.on('error', () => {});
    raw.on('error', () => {});
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.closed = once(raw, 'close').then(() => {
      this.closedAt = performance.now();
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the client closed the connection'));
    });
  }

  /** Returns the next frame from the client; rejects when the connection closes first. */
  next(): Promise<Json> {
    if (this.readIndex < this.frames.length) return Promise.resolve(this.frames[this.readIndex++]!);
    if (this.closedAt !== null) return Promise.reject(new Error('the client closed the connection'));
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Writes bytes now, if the socket is still writable. */
  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Writes one frame of `body` in one write. */
  send(body: Json | string, shape?: FrameShape): void {
    this.write(encodeFrame(body, shape));
  }

  /** Writes the pieces one after another with `gapMs` between them (a peer that trickles bytes). */
  async trickle(pieces: Uint8Array[], gapMs: number): Promise<void> {
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await delay(gapMs);
      this.write(piece);
    }
  }

  /** Half-closes (TLS close_notify, then FIN) after writing `bytes`. */
  end(bytes?: Uint8Array): void {
    if (bytes === undefined) this.socket.end();
    else this.socket.end(bytes);
  }

  /** Resets the TCP connection (RST), as a crashed or overloaded server does. */
  reset(): void {
    this.raw.resetAndDestroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readUInt32BE(0)) {
      const length = this.buffered.readUInt32BE(0);
      const frame = JSON.parse(this.buffered.subarray(4, 4 + length).toString('utf8')) as Json;
      this.buffered = this.buffered.subarray(4 + length);
      this.frames.push(frame);
      const waiter = this.waiters.shift();
      if (waiter !== undefined) {
        this.readIndex++;
        waiter.resolve(frame);
      }
    }
  }
}

export type PeerTls =
  | false
  | {
      /** Certificate the server presents; server-agents is for `agents.test` only. Default server-localhost. */
      cert?: 'server-localhost' | 'server-agents';
      /** Require a client certificate signed by the fixture CA. */
      requestCert?: boolean;
    };

export interface PeerOptions {
  /** TLS settings, or false for plain TCP. */
  tls: PeerTls;
  /** Accept TCP and read the ClientHello, but never reply to it (and run no script). */
  stallHandshake?: boolean;
  /** Runs for every connection once it is usable; its failures are ignored (the client may be gone). */
  script?: (connection: PeerConnection) => Promise<void> | void;
}

export interface Peer {
  readonly port: number;
  readonly address: string;
  /** Usable connections (after the TLS handshake), in accept order. */
  readonly connections: PeerConnection[];
  /** Bytes received on connections whose handshake the peer stalls. */
  readonly stalledBytes: () => number;
  /** Raw TCP sockets accepted. */
  readonly accepted: () => number;
  /** performance.now() at each TCP accept, in order. */
  readonly acceptedAt: number[];
  /** TCP sockets accepted and still open. */
  readonly open: () => number;
  /** TLS SNI names the clients sent, '' when none. */
  readonly servernames: string[];
  /** Resolves once `count` usable connections exist. */
  waitConnections(count: number): Promise<void>;
  close(): Promise<void>;
}

type TestContext = { after(fn: () => Promise<void> | void): void };

/** Starts a peer on 127.0.0.1 port 0; it is closed when the test ends. */
export async function startPeer(t: TestContext, options: PeerOptions): Promise<Peer> {
  const connections: PeerConnection[] = [];
  const rawSockets = new Set<net.Socket>();
  const servernames: string[] = [];
  let accepted = 0;
  const acceptedAt: number[] = [];
  let stalledBytes = 0;
  let onConnection = (): void => {};

  const run = (socket: net.Socket, raw: net.Socket): void => {
    const connection = new PeerConnection(socket, raw);
    connections.push(connection);
    onConnection();
    void Promise.resolve()
      .then(() => options.script?.(connection))
      .catch(() => {});
  };

  let server: net.Server;
  const settings = options.tls;
  if (options.stallHandshake === true || settings === false) {
    server = net.createServer((socket) => {
      if (options.stallHandshake === true) {
        socket.on('data', (chunk) => (stalledBytes += chunk.length));
        return;
      }
      run(socket, socket);
    });
  } else {
    const cert = settings.cert ?? 'server-localhost';
    server = tls.createServer(
      {
        cert: tlsFixture(`${cert}.crt`),
        key: tlsFixture(`${cert}.key`),
        ca: settings.requestCert ? tlsFixture('ca.crt') : undefined,
        requestCert: settings.requestCert ?? false,
        rejectUnauthorized: settings.requestCert ?? false,
      },
      (secure) => {
        servernames.push((secure as tls.TLSSocket & { servername?: string | false }).servername || '');
        run(secure, (secure as tls.TLSSocket & { _parent?: net.Socket })._parent ?? secure);
      },
    );
    server.on('tlsClientError', () => {});
  }
  server.on('connection', (raw: net.Socket) => {
    accepted++;
    acceptedAt.push(performance.now());
    rawSockets.add(raw);
    raw.on('error', () => {});
    raw.once('close', () => rawSockets.delete(raw));
  });

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;

  const close = async (): Promise<void> => {
    for (const raw of rawSockets) raw.destroy();
    if (!server.listening) return;
    server.close();
    await once(server, 'close');
  };
  t.after(close);

  return {
    port,
    address: `127.0.0.1:${port}`,
    connections,
    stalledBytes: () => stalledBytes,
    accepted: () => accepted,
    acceptedAt,
    open: () => rawSockets.size,
    servernames,
    waitConnections(count) {
      return new Promise((resolve) => {
        onConnection = () => {
          if (connections.length >= count) resolve();
        };
        onConnection();
      });
    },
    close,
  };
}

/** Runs the usual agent-protocol server side: approve the id, confirm every batch. */
export async function approveAndConfirm(connection: PeerConnection): Promise<void> {
  const id = await connection.next();
  if (id.m !== 'id') return;
  connection.send(APPROVED);
  for (;;) {
    const batch = await connection.next();
    connection.send(confirmFor(batch.confirmId));
  }
}
