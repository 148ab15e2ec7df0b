// Benchmark client using frameload/net: connections, request() with a confirmId match, JSON both ways.
import { StandaloneScope } from '../../src/engine/vu-scope.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';
import { createNetModule } from '../../src/net/module.ts';
import { BENCH, fixture, makeBatch, type BenchClient } from './shared.ts';

type Connection = Awaited<ReturnType<ReturnType<typeof createNetModule>['connect']>>;

async function roundTrips(connection: Connection, first: number, count: number): Promise<void> {
  const batch = makeBatch(0);
  // One match function per connection, as a script would write it: it reads the confirmId in flight.
  let confirmId = '';
  const options = { match: (m: unknown) => (m as { confirmId?: string }).confirmId === confirmId };
  for (let i = first; i < first + count; i++) {
    confirmId = String(i);
    batch.confirmId = confirmId;
    await connection.request(batch, options);
  }
}

/** Opens frameload/net connections to the echo server on `port`, with the module's metrics recording. */
export async function openFrameloadClient(port: number): Promise<BenchClient> {
  const scope = new StandaloneScope(new MetricRegistry());
  const net = createNetModule(scope);
  const ca = fixture('ca.crt');
  const connections = await Promise.all(
    Array.from({ length: BENCH.connections }, () => net.connect(`127.0.0.1:${port}`, { tls: true, ca })),
  );
  return {
    name: 'frameload/net',
    run: async (first, count) => {
      await Promise.all(connections.map((c) => roundTrips(c, first, count)));
    },
    close: () => scope.closeAll(),
  };
}
