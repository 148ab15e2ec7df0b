import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createMonitor } from '../../src/monitor/create.ts';
import { startServer } from '../../src/server/index.ts';

const MiB = 1024 * 1024;

/** Spins until this process has used `ms` more milliseconds of CPU. */
function burnCpu(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1000) return;
  }
}

// The reference server runs in this process, so its process_* series describe this test process.
test('monitor of the reference server endpoint', async (t) => {
  const server = await startServer({ port: 0, plain: true, metricsPort: 0 });
  t.after(() => server.close());
  const monitor = createMonitor(`http://127.0.0.1:${server.metricsPort}/metrics`);

  await monitor.sample(); // the first fetch loads and compiles the HTTP client; keep that out of the window
  const before = process.cpuUsage();
  const first = await monitor.sample();
  burnCpu(300);
  const second = await monitor.sample();
  const after = process.cpuUsage(before);

  assert.ok(Math.abs(second.rssBytes! - process.memoryUsage.rss()) <= 8 * MiB, `RSS ${second.rssBytes} vs ${process.memoryUsage.rss()}`);
  // The server reads process.cpuUsage() at each scrape, inside the window this test measures itself,
  // so the monitor sees at least the 300 ms burned and at most what the whole window used.
  const cpuMs = (second.cpuPercent! / 100) * (second.timeMs - first.timeMs);
  const windowMs = (after.user + after.system) / 1000;
  assert.ok(cpuMs >= 299.9, `monitor measured ${cpuMs.toFixed(1)} ms of CPU for a 300 ms burn`);
  assert.ok(cpuMs <= windowMs + 0.1, `monitor measured ${cpuMs.toFixed(1)} ms, more than the ${windowMs.toFixed(1)} ms the window used`);
  assert.equal(second.openFds, undefined, 'the reference server exports no process_open_fds');
});
