import { readFileSync } from 'node:fs';

/** Settings both clients share, so they do the same work per round trip. */
export const BENCH = {
  connections: 200,
  warmupRoundTripsPerConnection: 10,
  roundTripsPerConnection: 60,
  /** The measured round trips are timed in this many equal segments, to show the spread within a run. */
  segments: 5,
};

/** Reads a fixture certificate or key as text. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../test/fixtures/tls/${name}`, import.meta.url), 'utf8');
}

/** Builds an event batch as agents send it, with 75 events so the JSON is about 7 KB (7,165 bytes for confirmId "1"). */
export function makeBatch(confirmId: number): { m: string; priority: number; ts: number; confirmId: string; events: object[] } {
  const events = [];
  for (let id = 0; id < 75; id++) {
    events.push({ id, eid: 1, ts: 1733312345, t: 3, e: 'Startup', tick: id, src: 'App', data: { time: id } });
  }
  return { m: 'events', priority: 0, ts: 1733312345, confirmId: String(confirmId), events };
}

/** The JSON line each client process prints last. */
export interface ClientResult {
  client: string;
  roundTrips: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** CPU seconds of each segment, which all have roundTrips / segments round trips. */
  segmentCpuSeconds: number[];
}

/**
 * Runs the measured round trips in `BENCH.segments` segments and returns the CPU and wall time.
 * `run(first, count)` performs `count` round trips on every connection, numbering them from `first`.
 */
export async function measure(
  run: (first: number, count: number) => Promise<unknown>,
): Promise<Omit<ClientResult, 'client'>> {
  const perSegment = BENCH.roundTripsPerConnection / BENCH.segments;
  const segmentCpuSeconds: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let segment = 0; segment < BENCH.segments; segment++) {
    const segmentBefore = process.cpuUsage();
    await run(BENCH.warmupRoundTripsPerConnection + segment * perSegment, perSegment);
    const used = process.cpuUsage(segmentBefore);
    segmentCpuSeconds.push((used.user + used.system) / 1e6);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return {
    roundTrips: BENCH.connections * BENCH.roundTripsPerConnection,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: (performance.now() - started) / 1000,
    segmentCpuSeconds,
  };
}
