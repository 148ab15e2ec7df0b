import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';

import { createMonitor } from '../../src/monitor/create.ts';
import { MonitorError } from '../../src/monitor/errors.ts';

/** Serves whatever `respond` returns on 127.0.0.1 and closes the server when the test ends. */
async function serve(t: TestContext, respond: () => { status: number; body: string } | 'hang'): Promise<string> {
  const server: Server = createServer((req, res) => {
    const answer = respond();
    if (answer === 'hang') return;
    res.writeHead(answer.status, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(answer.body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

/** Returns a clock that reads the given epoch milliseconds in order. */
function scriptedClock(...times: number[]): () => number {
  return () => {
    const next = times.shift();
    assert.ok(next !== undefined, 'clock read more often than scripted');
    return next;
  };
}

function processBody(cpuSeconds: number, rssBytes: number, openFds: number): string {
  return [
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${cpuSeconds}`,
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${rssBytes}`,
    '# TYPE process_open_fds gauge',
    `process_open_fds ${openFds}`,
    '# TYPE frames_received_total counter',
    'frames_received_total{kind="events"} 981234',
    '',
  ].join('\n');
}

/** Renders a node_exporter page of a 2-CPU host, with `idle`, `iowait` and `busy` in seconds per CPU. */
function nodeExporterBody(idle: number, iowait: number, busy: number, available: number): string {
  const lines = ['# TYPE node_cpu_seconds_total counter'];
  for (const cpu of ['0', '1']) {
    lines.push(`node_cpu_seconds_total{cpu="${cpu}",mode="idle"} ${idle}`);
    lines.push(`node_cpu_seconds_total{cpu="${cpu}",mode="iowait"} ${iowait}`);
    lines.push(`node_cpu_seconds_total{cpu="${cpu}",mode="user"} ${busy * 0.75}`);
    lines.push(`node_cpu_seconds_total{cpu="${cpu}",mode="system"} ${busy * 0.25}`);
  }
  lines.push(`node_memory_MemAvailable_bytes ${available}`, 'node_memory_MemTotal_bytes 1.6777216e+10');
  // node_exporter's own process metrics, which must not be taken for the server's.
  lines.push('process_cpu_seconds_total 99', 'process_resident_memory_bytes 2.4e+07', 'process_open_fds 9', '');
  return lines.join('\n');
}

test('endpoint process metrics and CPU percent', async (t) => {
  const bodies = [processBody(10, 123_456_789, 42), processBody(11, 130_000_000, 57)];
  const url = await serve(t, () => ({ status: 200, body: bodies.shift()! }));
  const monitor = createMonitor(url, { now: scriptedClock(1_000_000, 1_002_000) });

  const first = await monitor.sample();
  const second = await monitor.sample();

  assert.deepEqual(first, { timeMs: 1_000_000, rssBytes: 123_456_789, openFds: 42 });
  // One CPU second over two wall seconds is half of one core.
  assert.deepEqual(second, { timeMs: 1_002_000, cpuPercent: 50, rssBytes: 130_000_000, openFds: 57 });
});

test('endpoint counter reset skips CPU', async (t) => {
  const bodies = [processBody(500, 1, 1), processBody(0.5, 1, 1), processBody(1.5, 1, 1)];
  const url = await serve(t, () => ({ status: 200, body: bodies.shift()! }));
  const monitor = createMonitor(url, { now: scriptedClock(0, 5000, 10000) });

  await monitor.sample();
  const restarted = await monitor.sample();
  const next = await monitor.sample();

  assert.equal(restarted.cpuPercent, undefined);
  assert.equal(next.cpuPercent, 20);
});

test('endpoint of node_exporter gives host metrics', async (t) => {
  const bodies = [nodeExporterBody(1000, 100, 400, 8_000_000_000), nodeExporterBody(1003, 101, 403, 7_500_000_000)];
  const url = await serve(t, () => ({ status: 200, body: bodies.shift()! }));
  const monitor = createMonitor(url, { now: scriptedClock(0, 5000) });

  const first = await monitor.sample();
  const second = await monitor.sample();

  assert.deepEqual(first, { timeMs: 0, hostMemAvailableBytes: 8_000_000_000, hostMemTotalBytes: 16_777_216_000 });
  // Per CPU: idle + iowait grew by 4 s and busy modes by 3 s, so 3 of 7 seconds were busy.
  assert.equal(second.hostCpuPercent, (3 / 7) * 100);
  assert.equal(second.hostMemAvailableBytes, 7_500_000_000);
  assert.equal(second.cpuPercent, undefined);
  assert.equal(second.rssBytes, undefined);
  assert.equal(second.openFds, undefined);
});

test('endpoint HTTP error status', async (t) => {
  const url = await serve(t, () => ({ status: 503, body: 'down' }));

  await assert.rejects(createMonitor(url).sample(), (err: unknown) => {
    assert.ok(err instanceof MonitorError);
    assert.equal(err.code, 'monitor_http_failed');
    assert.equal(err.source, url);
    assert.match(err.message, /HTTP 503, expected 200/);
    return true;
  });
});

test('endpoint that never answers', async (t) => {
  const url = await serve(t, () => 'hang');

  await assert.rejects(createMonitor(url, { timeoutMs: 100 }).sample(), (err: unknown) => {
    assert.ok(err instanceof MonitorError);
    assert.equal(err.code, 'monitor_timeout');
    assert.match(err.message, /timed out after 100 ms/);
    return true;
  });
});

test('endpoint refusing connections', async () => {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  server.close();
  await once(server, 'close');

  await assert.rejects(createMonitor(url).sample(), (err: unknown) => {
    assert.ok(err instanceof MonitorError);
    assert.equal(err.code, 'monitor_http_failed');
    assert.match(err.message, /ECONNREFUSED/);
    return true;
  });
});

test('endpoint with invalid text', async (t) => {
  const url = await serve(t, () => ({ status: 200, body: 'ok 1\nbroken{ 1\n' }));

  await assert.rejects(createMonitor(url).sample(), (err: unknown) => {
    assert.ok(err instanceof MonitorError);
    assert.equal(err.code, 'monitor_parse_failed');
    assert.match(err.message, /invalid Prometheus text format: line 2:/);
    return true;
  });
});
