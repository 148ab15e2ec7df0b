// Benchmark floor: a bare node:tls client with hand-written 4-byte big-endian framing and JSON,
// doing the same work per round trip as the frameload client.
import tls from 'node:tls';

import { BENCH, fixture, makeBatch, type BenchClient } from './shared.ts';

class BareConnection {
  private pending: Buffer = Buffer.alloc(0);
  private waiting: ((reply: { confirmId?: string }) => void) | null = null;

  private constructor(private readonly socket: tls.TLSSocket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static open(port: number, ca: string): Promise<BareConnection> {
    return new Promise((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port, ca }, () => resolve(new BareConnection(socket)));
      socket.once('error', reject);
    });
  }

  request(message: object): Promise<{ confirmId?: string }> {
    const json = JSON.stringify(message);
    const length = Buffer.byteLength(json);
    const frame = Buffer.allocUnsafe(4 + length);
    frame.writeUInt32BE(length, 0);
    frame.write(json, 4, 'utf8');
    this.socket.write(frame);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (data.length >= 4) {
      const length = data.readUInt32BE(0);
      if (data.length < 4 + length) break;
      const reply = JSON.parse(data.toString('utf8', 4, 4 + length)) as { confirmId?: string };
      data = data.subarray(4 + length);
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.(reply);
    }
    this.pending = data;
  }
}

async function roundTrips(connection: BareConnection, first: number, count: number): Promise<void> {
  const batch = makeBatch(0);
  for (let i = first; i < first + count; i++) {
    const confirmId = String(i);
    batch.confirmId = confirmId;
    const reply = await connection.request(batch);
    if (reply.confirmId !== confirmId) throw new Error(`expected confirmId ${confirmId}, got ${reply.confirmId}`);
  }
}

/** Opens the floor's connections to the echo server on `port`. */
export async function openBareClient(port: number): Promise<BenchClient> {
  const ca = fixture('ca.crt');
  const connections = await Promise.all(Array.from({ length: BENCH.connections }, () => BareConnection.open(port, ca)));
  return {
    name: 'bare node:tls',
    run: async (first, count) => {
      await Promise.all(connections.map((c) => roundTrips(c, first, count)));
    },
    close: () => connections.forEach((c) => c.close()),
  };
}
