// A deliberately naive agent for the server tests on node:net and node:tls. It reads frames with
// Buffer.concat and readUInt32BE instead of the project's codec. A framing bug shared by the codec's
// encoder and decoder therefore cannot hide from the server tests.
import { once } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface ReceivedFrame {
  readonly message: Record<string, unknown>;
  /** performance.now() when the frame was complete. */
  readonly at: number;
}

export interface TestAgentOptions {
  readonly port: number;
  /** PEM certificate to trust (TLS with verification), 'insecure' (TLS without), or 'plain' (TCP). */
  readonly tls: string | 'insecure' | 'plain';
  readonly host?: string;
}

export class TestAgent {
  /** Every frame received, in order. */
  readonly frames: ReceivedFrame[] = [];
  /** Resolves when the server closed the connection or it failed. */
  readonly closed: Promise<void>;
  private buffered: Buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private nextConfirmId = 1;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true); // back-to-back batches must not wait for an ACK (Nagle's algorithm)
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // a reset shows up as 'close', which the tests assert on
    this.closed = once(socket, 'close').then(() => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(options: TestAgentOptions): Promise<TestAgent> {
    const host = options.host ?? '127.0.0.1';
    if (options.tls === 'plain') {
      const socket = connectTcp({ host, port: options.port });
      await once(socket, 'connect');
      return new TestAgent(socket);
    }
    const socket = connectTls({
      host,
      port: options.port,
      ...(options.tls === 'insecure' ? { rejectUnauthorized: false } : { ca: options.tls }),
    });
    await once(socket, 'secureConnect');
    return new TestAgent(socket);
  }

  /** Sends a value as one frame: 4-byte big-endian byte length, then the UTF-8 JSON. */
  send(value: unknown): number {
    const payload = Buffer.from(JSON.stringify(value), 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.length);
    this.socket.write(Buffer.concat([header, payload]));
    return performance.now();
  }

  /** Writes raw bytes, for malformed input. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  sendId(name: string, token = 'test-token'): void {
    this.send(idMessage(name, token));
  }

  /** Sends a batch of `size` events with the next confirmId; returns that confirmId and the send time. */
  sendBatch(size: number): { confirmId: string; sentAt: number } {
    const confirmId = String(this.nextConfirmId++);
    return { confirmId, sentAt: this.send(eventsMessage(confirmId, size)) };
  }

  /** Waits for the first frame at index >= `from` that matches; rejects if the connection closes first. */
  async waitFor(match: (message: Record<string, unknown>) => boolean, from = 0): Promise<ReceivedFrame> {
    for (;;) {
      for (let i = from; i < this.frames.length; i++) if (match(this.frames[i]!.message)) return this.frames[i]!;
      from = this.frames.length;
      if (this.socket.destroyed || this.socket.readableEnded) {
        throw new Error(`connection closed before the expected frame; received ${JSON.stringify(this.frames.map((f) => f.message))}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  waitForConfirm(confirmId: string): Promise<ReceivedFrame> {
    return this.waitFor((m) => m.m === 'confirm' && m.confirmId === confirmId);
  }

  waitForAuth(): Promise<ReceivedFrame> {
    return this.waitFor((m) => m.subsystem === 'auth');
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (this.buffered.length < 4 + length) break;
      const payload = this.buffered.subarray(4, 4 + length).toString('utf8');
      this.buffered = this.buffered.subarray(4 + length);
      this.frames.push({ message: JSON.parse(payload) as Record<string, unknown>, at: performance.now() });
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}

export function idMessage(name: string, token: string): Record<string, unknown> {
  return {
    m: 'id',
    bootstrap_token: token,
    client_token: '',
    name,
    peer: `PEER_${name}`,
    hostname: name,
    os: 'win64',
    v: '3.5.0.1111',
    tags: [],
    ts: Math.floor(Date.now() / 1000),
  };
}

export function eventsMessage(confirmId: string, size: number): Record<string, unknown> {
  const ts = Math.floor(Date.now() / 1000);
  const events = Array.from({ length: size }, (_, i) => ({ id: i, eid: i + 1, ts, tick: i, t: 3, e: 'Startup', src: 'App', data: { time: i } }));
  return { m: 'events', priority: 0, ts, confirmId, events };
}

/** Connects, sends the id message and waits for the approval frame. */
export async function approvedAgent(options: TestAgentOptions, name: string): Promise<TestAgent> {
  const agent = await TestAgent.connect(options);
  agent.sendId(name);
  const auth = await agent.waitForAuth();
  if (auth.message.status !== 'approved') throw new Error(`agent ${name} was not approved: ${JSON.stringify(auth.message)}`);
  return agent;
}
