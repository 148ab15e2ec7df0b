import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';

import { GaugeAggregate } from '../../src/metrics/aggregate.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';
import { createMonitor } from '../../src/monitor/create.ts';
import { MonitorError } from '../../src/monitor/errors.ts';
import { ResourceSampler } from '../../src/monitor/sampler.ts';
import type { ResourceSample } from '../../src/monitor/types.ts';

/** Serves a page whose nth scrape reports 0.25·n CPU seconds and (n+1)·100 MB RSS, or HTTP 500 for the scrapes in `failAt`. */
async function countingEndpoint(t: TestContext, failAt: ReadonlySet<number> = new Set()): Promise<string> {
  let scrapes = 0;
  const server = createServer((_req, res) => {
    const n = scrapes++;
    if (failAt.has(n)) {
      res.writeHead(500).end();
      return;
    }
    res.end(`process_cpu_seconds_total ${0.25 * n}\nprocess_resident_memory_bytes ${(n + 1) * 100_000_000}\nprocess_open_fds ${10 + n}\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

/** Returns a clock that advances one second per reading, so each interval is exactly 1000 ms. */
function secondsClock(): () => number {
  let t = 1_700_000_000_000;
  return () => (t += 1000);
}

/** Resolves once `sampler` has recorded `count` samples, through the sampler's own callback. */
function samplesRecorded(count: number): { onSample: (s: ResourceSample) => void; done: Promise<void> } {
  let seen = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  return {
    onSample: () => {
      if (++seen === count) resolve();
    },
    done,
  };
}

test('sampler feeds gauges and keeps the series', async (t) => {
  const url = await countingEndpoint(t);
  const registry = new MetricRegistry();
  const recorded = samplesRecorded(4);
  const sampler = new ResourceSampler(createMonitor(url, { now: secondsClock() }), {
    intervalMs: 20,
    registry,
    onSample: recorded.onSample,
  });

  await sampler.start();
  await recorded.done;
  const series = await sampler.stop();

  assert.equal(series.source, url);
  assert.equal(series.intervalMs, 20);
  assert.equal(series.failedSamples, 0);
  assert.deepEqual(
    series.samples.slice(0, 4).map((s) => s.cpuPercent),
    [undefined, 25, 25, 25],
  );

  const cpu = registry.get('server_cpu_percent')!;
  const rss = registry.get('server_rss_bytes')!;
  const fds = registry.get('server_open_fds')!;
  assert.equal(cpu.type, 'gauge');
  assert.equal(rss.contains, 'data');
  assert.equal((cpu.root as GaugeAggregate).max, 25);
  assert.equal((rss.root as GaugeAggregate).min, 100_000_000);
  assert.equal((rss.root as GaugeAggregate).value, series.samples.length * 100_000_000);
  assert.equal((fds.root as GaugeAggregate).value, 10 + series.samples.length - 1);
  assert.equal(registry.get('host_cpu_percent'), undefined, 'no host gauge without host metrics');
});

test('sampler gauges carry the monitor tag', async (t) => {
  const url = await countingEndpoint(t);
  const registry = new MetricRegistry();
  const sub = registry.define('server_rss_bytes', 'gauge', 'data').submetric({ monitor: url });
  const sampler = new ResourceSampler(createMonitor(url), { intervalMs: 1000, registry });

  await sampler.start();
  await sampler.stop();

  assert.equal((sub.aggregate as GaugeAggregate).value, 100_000_000);
});

test('sampler keeps going after a failed sample', async (t) => {
  const url = await countingEndpoint(t, new Set([1]));
  const errors: MonitorError[] = [];
  const recorded = samplesRecorded(3);
  const sampler = new ResourceSampler(createMonitor(url, { now: secondsClock() }), {
    intervalMs: 20,
    onSample: recorded.onSample,
    onError: (error) => errors.push(error),
  });

  await sampler.start();
  await recorded.done;
  const series = await sampler.stop();

  assert.equal(series.failedSamples, 1);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'monitor_http_failed');
  // Scrape 1 failed before reading the clock, so scrape 2 covers 0.5 CPU seconds over one clock second.
  assert.equal(series.samples[1]!.rssBytes, 300_000_000);
  assert.equal(series.samples[1]!.cpuPercent, 50);
});

test('sampler start fails on a missing process', async () => {
  const sampler = new ResourceSampler(createMonitor('pid:2147483646'));

  await assert.rejects(sampler.start(), (err: unknown) => {
    assert.ok(err instanceof MonitorError);
    assert.equal(err.code, 'monitor_process_not_found');
    return true;
  });
  assert.equal((await sampler.stop()).samples.length, 0);
});

test('sampler rejects a zero interval', () => {
  assert.throws(() => new ResourceSampler(createMonitor('pid:1'), { intervalMs: 0 }), /invalid sample interval 0 ms/);
});
