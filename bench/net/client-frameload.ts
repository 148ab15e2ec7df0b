// Benchmark client using frameload/net: connections, request() with a confirmId match, JSON both ways.
import { StandaloneScope } from '../../src/engine/vu-scope.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';
import { createNetModule } from '../../src/net/module.ts';
import { BENCH, fixture, makeBatch, measure, type ClientResult } from './shared.ts';

type Connection = Awaited<ReturnType<ReturnType<typeof createNetModule>['connect']>>;

const address = `127.0.0.1:${process.argv[2]}`;
const scope = new StandaloneScope(new MetricRegistry());
const net = createNetModule(scope);
const ca = fixture('ca.crt');

async function run(connection: Connection, first: number, count: number): Promise<void> {
  const batch = makeBatch(0);
  for (let i = first; i < first + count; i++) {
    const confirmId = String(i);
    batch.confirmId = confirmId;
    await connection.request(batch, { match: (m) => (m as { confirmId?: string }).confirmId === confirmId });
  }
}

const connections = await Promise.all(Array.from({ length: BENCH.connections }, () => net.connect(address, { tls: true, ca })));
await Promise.all(connections.map((c) => run(c, 0, BENCH.warmupRoundTripsPerConnection)));

const measured = await measure((first, count) => Promise.all(connections.map((c) => run(c, first, count))));
scope.closeAll();
const result: ClientResult = { client: 'frameload/net', ...measured };
process.stdout.write(`${JSON.stringify(result)}\n`);
