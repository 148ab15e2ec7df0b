import { readFileSync } from 'node:fs';

/** Settings both clients share, so they do the same work per round trip. */
export const BENCH = {
  connections: 200,
  /** Round trips per connection in each measured segment. */
  roundTripsPerSegment: 12,
  /** Round trips per connection that each client makes before measuring, so both are compiled and warm. */
  warmupRoundTrips: 24,
  /** Pairs of segments per measuring process: one segment of each client, in alternating order. */
  pairs: 30,
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

/** A set of open connections to the echo server, driven by one of the two clients. */
export interface BenchClient {
  readonly name: string;
  /**
   * Makes `count` round trips on every connection at once, one in flight per connection, with
   * confirmIds numbered from `first`; each reply's confirmId is checked.
   */
  run(first: number, count: number): Promise<void>;
  close(): void;
}

/** Result line a measuring process prints last: the CPU time of every segment, per client. */
export interface PairedResult {
  roundTripsPerSegment: number;
  /** CPU seconds (user + system) of each segment, in pair order. */
  bare: number[];
  frameload: number[];
}
