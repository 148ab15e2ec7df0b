import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventRate } from '../../src/server/event-rate.ts';
import { SERIES_NAMES, startServer, type RunningServer } from '../../src/server/index.ts';
import { approvedAgent, TestAgent } from './test-agent.ts';

interface Scrape {
  readonly contentType: string | null;
  readonly values: Map<string, number>;
  readonly types: Map<string, string>;
}

// Parses the text format strictly enough to catch malformed output: every sample line is
// `name value`, and each name has one HELP and one TYPE line before its sample.
async function scrape(server: RunningServer): Promise<Scrape> {
  const response = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
  assert.equal(response.status, 200);
  const values = new Map<string, number>();
  const types = new Map<string, string>();
  const helped = new Set<string>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '') continue;
    const help = /^# HELP (\w+) \S.*$/.exec(line);
    const type = /^# TYPE (\w+) (counter|gauge)$/.exec(line);
    const sample = /^(\w+) (-?[\d.e+]+|NaN)$/.exec(line);
    if (help) helped.add(help[1]!);
    else if (type) types.set(type[1]!, type[2]!);
    else if (sample) {
      assert.ok(helped.has(sample[1]!), `${sample[1]} has no HELP line before its sample`);
      assert.ok(types.has(sample[1]!), `${sample[1]} has no TYPE line before its sample`);
      values.set(sample[1]!, Number(sample[2]));
    } else assert.fail(`not a line of the text format: ${JSON.stringify(line)}`);
  }
  return { contentType: response.headers.get('content-type'), values, types };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

test('metrics endpoint reports exact counters', async () => {
  const server = await startServer({ port: 0, plain: true, metricsPort: 0, token: 't', dropConfirmShare: 0.25 });
  try {
    const agent = await TestAgent.connect({ port: server.port, tls: 'plain' });
    agent.sendId('metered', 't');
    await agent.waitForAuth();
    agent.send({ m: 'ping' }); // an unknown message: counted as invalid
    const sent = [agent.sendBatch(10), agent.sendBatch(20), agent.sendBatch(30), agent.sendBatch(40)];
    await agent.waitForConfirm(sent[2]!.confirmId); // the 4th confirm is dropped

    const intruder = await TestAgent.connect({ port: server.port, tls: 'plain' });
    intruder.sendId('intruder', 'wrong');
    await intruder.closed;
    await until(() => server.stats.connectionsClosed === 1, 'the rejected connection to close');

    const { contentType, values, types } = await scrape(server);
    assert.equal(contentType, 'text/plain; version=0.0.4; charset=utf-8');
    assert.deepEqual([...values.keys()], SERIES_NAMES);
    const expected: Record<string, number> = {
      frameload_server_connections_open: 1,
      frameload_server_connections_accepted_total: 2,
      frameload_server_connections_closed_total: 1,
      frameload_server_connections_closed_by_server_total: 1,
      frameload_server_agents_approved_total: 1,
      frameload_server_agents_rejected_total: 1,
      frameload_server_batches_received_total: 4,
      frameload_server_batches_confirmed_total: 3,
      frameload_server_events_received_total: 100,
      frameload_server_events_confirmed_total: 60,
      frameload_server_confirms_dropped_total: 1,
      frameload_server_notices_sent_total: 0,
      frameload_server_stalls_total: 0,
      frameload_server_invalid_frames_total: 1,
      frameload_server_connection_errors_total: 0,
      frameload_server_queue_depth: 0,
      frameload_server_capacity_events_per_second: 0,
    };
    for (const [name, value] of Object.entries(expected)) assert.equal(values.get(name), value, name);
    for (const name of SERIES_NAMES) assert.equal(types.get(name), name.endsWith('_total') ? 'counter' : 'gauge', `type of ${name}`);
    agent.close();
  } finally {
    await server.close();
  }
});

test('metrics report process CPU and memory of this process', async () => {
  const server = await startServer({ port: 0, plain: true, metricsPort: 0 });
  try {
    const cpuBefore = process.cpuUsage();
    const rssBefore = process.memoryUsage.rss();
    const { values } = await scrape(server);
    const cpuAfter = process.cpuUsage();
    const cpu = values.get('process_cpu_seconds_total')!;
    assert.ok(cpu >= (cpuBefore.user + cpuBefore.system) / 1e6, `cpu ${cpu} s is below the CPU time before the scrape`);
    assert.ok(cpu <= (cpuAfter.user + cpuAfter.system) / 1e6, `cpu ${cpu} s is above the CPU time after the scrape`);
    const rss = values.get('process_resident_memory_bytes')!;
    assert.ok(Math.abs(rss - rssBefore) < 64 * 1024 * 1024, `rss ${rss} vs ${rssBefore}`);
    const startTime = values.get('process_start_time_seconds')!;
    assert.ok(Math.abs(startTime - (Date.now() / 1000 - process.uptime())) <= 1, `start time ${startTime}`);
  } finally {
    await server.close();
  }
});

test('metrics show the capacity queue depth', async () => {
  const server = await startServer({ port: 0, plain: true, metricsPort: 0, capacity: 200 });
  try {
    const agent = await approvedAgent({ port: server.port, tls: 'plain' }, 'queued');
    for (let i = 0; i < 3; i++) agent.sendBatch(100);
    await agent.waitForConfirm('1'); // batches 2 and 3 finish at 1000 and 1500 ms
    const { values } = await scrape(server);
    assert.equal(values.get('frameload_server_queue_depth'), 2);
    assert.equal(values.get('frameload_server_capacity_events_per_second'), 200);
    agent.close();
  } finally {
    await server.close();
  }
});

test('metrics endpoint answers 404 outside /metrics', async () => {
  const server = await startServer({ port: 0, plain: true, metricsPort: 0 });
  try {
    const response = await fetch(`http://127.0.0.1:${server.metricsPort}/`);
    assert.equal(response.status, 404);
    assert.equal(await response.text(), 'not found: the metrics are at GET /metrics\n');
  } finally {
    await server.close();
  }
});

test('event rate spans the window of samples', () => {
  let now = 0;
  let count = 0;
  const rate = new EventRate(() => count, 5, () => now);
  try {
    assert.equal(rate.perSecond, 0); // one sample only
    for (let second = 1; second <= 8; second++) {
      now = second * 1000;
      count += second <= 4 ? 100 : 400;
      rate.sample();
    }
    // The window contains seconds 3..8: counts 300 and 2000 over 5 s.
    assert.equal(rate.perSecond, (2000 - 300) / 5);
  } finally {
    rate.stop();
  }
});
