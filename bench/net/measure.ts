// One measuring process of the net benchmark. It opens both clients' connections to the echo server
// and times segments of round trips, one client after the other, in the order ABBA ABBA. A slow drift
// of the machine therefore falls on both clients alike. Prints a PairedResult as its last line.
// Usage: node --import tsx bench/net/measure.ts PORT
import { openBareClient } from './client-bare.ts';
import { openFrameloadClient } from './client-frameload.ts';
import { BENCH, type BenchClient, type PairedResult } from './shared.ts';

const port = Number(process.argv[2]);
const bare = await openBareClient(port);
const frameload = await openFrameloadClient(port);

let next = 1;
async function segment(client: BenchClient, count: number): Promise<number> {
  const before = process.cpuUsage();
  await client.run(next, count);
  next += count;
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

await segment(bare, BENCH.warmupRoundTrips);
await segment(frameload, BENCH.warmupRoundTrips);
const result: PairedResult = { roundTripsPerSegment: BENCH.connections * BENCH.roundTripsPerSegment, bare: [], frameload: [] };
for (let pair = 0; pair < BENCH.pairs; pair++) {
  const order = pair % 2 === 0 ? [bare, frameload] : [frameload, bare];
  for (const client of order) {
    const cpu = await segment(client, BENCH.roundTripsPerSegment);
    (client === bare ? result.bare : result.frameload).push(cpu);
  }
}
bare.close();
frameload.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
