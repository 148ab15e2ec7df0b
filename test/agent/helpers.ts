import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { createAgentModule } from '../../src/agent/module.ts';
import { StandaloneScope } from '../../src/engine/vu-scope.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';

type TestContext = { after(fn: () => Promise<void> | void): void };

/** An agent module for VU 1 outside the engine; its agents close when the test ends. */
export function agentModule(t: TestContext) {
  const registry = new MetricRegistry();
  const scope = new StandaloneScope(registry, { idInTest: 1 });
  t.after(() => scope.closeAll());
  return { scope, registry, ...createAgentModule(scope) };
}

/** Sum of a counter, or number of samples of a trend or rate, over the whole run. */
export function count(registry: MetricRegistry, name: string): number {
  const metric = registry.get(name);
  if (!metric) return 0;
  return metric.type === 'counter' ? (metric.root.stat('count', 1000) ?? 0) : metric.root.count;
}

/** agent_errors by tag `error`. */
export function errorsByTag(registry: MetricRegistry): Record<string, number> {
  const result: Record<string, number> = {};
  for (const b of registry.get('agent_errors')?.breakdowns ?? []) {
    for (const part of b.parts.values()) result[part.tags.error!] = part.aggregate.stat('count', 1000) ?? 0;
  }
  return result;
}

export type Reply = (json: string) => void;

/**
 * A plain-TCP peer on 127.0.0.1 that hands every decoded frame to `onMessage` with a function that
 * answers on the same connection.
 */
export async function scriptedPeer(t: TestContext, onMessage: (message: Record<string, unknown>, reply: Reply) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const reply: Reply = (json) => {
      const payload = Buffer.from(json, 'utf8');
      const header = Buffer.alloc(4);
      header.writeUInt32BE(payload.length);
      if (!socket.destroyed) socket.write(Buffer.concat([header, payload]));
    };
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
        const length = buffered.readUInt32BE(0);
        const message = JSON.parse(buffered.subarray(4, 4 + length).toString('utf8')) as Record<string, unknown>;
        buffered = buffered.subarray(4 + length);
        onMessage(message, reply);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    for (const socket of sockets) socket.destroy();
    server.close();
    await once(server, 'close');
  });
  return (server.address() as { port: number }).port;
}
