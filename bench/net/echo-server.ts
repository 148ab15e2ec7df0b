// TLS echo server for the net benchmark, in its own process so its CPU is not counted for either
// client. Every byte read is written back, so each request frame returns as one identical reply frame.
import net from 'node:net';
import tls from 'node:tls';

import { fixture } from './shared.ts';

const server = tls.createServer({ cert: fixture('server-localhost.crt'), key: fixture('server-localhost.key') }, (socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => socket.destroy());
});
server.listen({ port: 0, host: '127.0.0.1', backlog: 1024 }, () => {
  process.stdout.write(`${(server.address() as net.AddressInfo).port}\n`);
});
// Bounded life: the runner kills the server, and it exits by itself after 5 minutes in any case.
setTimeout(() => process.exit(0), 300_000).unref();
process.on('SIGTERM', () => process.exit(0));
