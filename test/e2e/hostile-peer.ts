import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/** How the peer misbehaves; each provokes one error class of the agent. */
export type Misbehaviour =
  /** Reads every frame and never answers. */
  | 'never-approve'
  /** Reads the id message, then closes (FIN) without approving. */
  | 'close-after-id'
  /** Approves, reads the first batch, then closes (FIN) between frames. */
  | 'close-after-batch'
  /** Approves, reads the first batch, sends a confirm header announcing 31 bytes and only 10 of them, then FIN. */
  | 'eof-mid-frame'
  /** Approves, reads the first batch, then resets the connection (RST). */
  | 'reset-after-batch';

export interface HostilePeer {
  readonly port: number;
  /** Frames received, decoded as JSON. */
  readonly frames: Array<Record<string, unknown>>;
}

function frame(json: string): Buffer {
  const payload = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

/** A plain-TCP agent-protocol peer on 127.0.0.1 that fails in one planned way. */
export async function hostilePeer(t: { after(fn: () => Promise<void> | void): void }, behaviour: Misbehaviour): Promise<HostilePeer> {
  const frames: Array<Record<string, unknown>> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
        const length = buffered.readUInt32BE(0);
        const message = JSON.parse(buffered.subarray(4, 4 + length).toString('utf8')) as Record<string, unknown>;
        buffered = buffered.subarray(4 + length);
        frames.push(message);
        react(socket, message);
      }
    });
  });

  const react = (socket: Socket, message: Record<string, unknown>): void => {
    if (behaviour === 'never-approve') return;
    if (message.m === 'id') {
      if (behaviour === 'close-after-id') socket.end();
      else socket.write(frame('{"m":"auth","subsystem":"auth","status":"approved"}'));
      return;
    }
    if (behaviour === 'close-after-batch') socket.end();
    else if (behaviour === 'eof-mid-frame') socket.end(frame('{"m":"confirm","confirmId":"1"}').subarray(0, 14));
    else if (behaviour === 'reset-after-batch') socket.resetAndDestroy();
  };

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });
  return { port: (server.address() as { port: number }).port, frames };
}
