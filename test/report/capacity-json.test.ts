import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import type { ResourceSeries } from '../../src/monitor/types.ts';
import { buildCapacityJson, writeCapacityJson } from '../../src/report/capacity-json.ts';
import { ReportWriteError } from '../../src/report/errors.ts';
import { DEFAULT_SLO } from '../../src/report/slo.ts';
import { steppedRun } from './fixtures.ts';

test('capacity is the last step before the breach', () => {
  const json = buildCapacityJson(steppedRun({ steps: 6, breachAt: 4 }), DEFAULT_SLO);

  assert.equal(json.max_sustainable_events_per_s, 1300);
  assert.equal(json.capacity_step, 3);
  assert.deepEqual(json.breach, { step: 4, label: 'step 4', reasons: ['p95 840 ms > 500 ms', 'error rate 2% > 1%'] });
  assert.equal(json.steps.length, 6);
  assert.deepEqual(
    json.steps.map((s) => s.slo_met),
    [true, true, true, true, false, true],
  );
  assert.deepEqual(json.slo, { p95_ms: 500, error_rate: 0.01, conn_fail_rate: 0.001 });
});

test('capacity ignores spike and soak steps', () => {
  const steps = steppedRun({ steps: 4, breachAt: 3 });
  const spike = { ...steps[3]!, index: 4, label: 'spike', phase: 'spike' as const };
  steps[3] = { ...steps[3]!, slo: { met: true, reasons: [], breached: [] } };
  const json = buildCapacityJson([...steps, spike], DEFAULT_SLO);

  assert.equal(json.max_sustainable_events_per_s, 1300);
  assert.equal(json.breach, null);
});

test('capacity is null when the warm-up breaches', () => {
  const json = buildCapacityJson(steppedRun({ steps: 3, breachAt: 0 }), DEFAULT_SLO);

  assert.equal(json.max_sustainable_events_per_s, null);
  assert.equal(json.capacity_step, null);
  assert.equal(json.breach?.step, 0);
});

test('capacity step fields', () => {
  const step = buildCapacityJson(steppedRun({ steps: 6, breachAt: 4 }), DEFAULT_SLO).steps[4]!;

  assert.equal(step.target_events_per_s, 1400);
  assert.equal(step.achieved_events_per_s, 1372);
  assert.equal(step.p50_ms, 210);
  assert.equal(step.p95_ms, 840);
  assert.equal(step.p99_ms, 1260);
  assert.equal(step.max_ms, 1680);
  assert.equal(step.error_rate, 0.02);
  assert.deepEqual(step.errors, { confirm_timeout: 20, send_failed: 8 });
  assert.equal(step.conn_fail_rate, 0);
  assert.deepEqual(step.slo_reasons, ['p95 840 ms > 500 ms', 'error rate 2% > 1%']);
  assert.equal(step.resources, undefined);
});

test('capacity resources and peak at capacity', () => {
  const steps = steppedRun({ steps: 6, breachAt: 4 });
  const capacity = steps[3]!;
  const resources: ResourceSeries = {
    source: 'pid:4242',
    intervalMs: 5000,
    failedSamples: 1,
    samples: [
      { timeMs: capacity.startMs, cpuPercent: 99, rssBytes: 1 },
      { timeMs: capacity.startMs + 5000, cpuPercent: 61.234, rssBytes: 300_000_000, openFds: 210 },
      { timeMs: capacity.startMs + 10000, cpuPercent: 75.5, rssBytes: 280_000_000, openFds: 230 },
      { timeMs: capacity.endMs, cpuPercent: 70, rssBytes: 310_000_000, openFds: 205 },
      { timeMs: capacity.endMs + 5000, cpuPercent: 180, rssBytes: 900_000_000, openFds: 400 },
    ],
  };
  const json = buildCapacityJson(steps, DEFAULT_SLO, resources);

  // The sample at the step's start covers the step before, so it is left out.
  assert.deepEqual(json.resources?.peak_at_capacity, {
    samples: 3,
    cpu_percent: 75.5,
    rss_bytes: 310_000_000,
    open_fds: 230,
    host_cpu_percent: null,
    host_mem_available_min_bytes: null,
  });
  assert.equal(json.resources?.samples.length, 5);
  assert.deepEqual(json.resources?.samples[1], {
    t_ms: capacity.startMs + 5000,
    cpu_percent: 61.23,
    rss_bytes: 300_000_000,
    open_fds: 210,
    host_cpu_percent: null,
    host_mem_available_bytes: null,
    host_mem_total_bytes: null,
  });
  assert.equal(json.resources?.failed_samples, 1);
  assert.equal(json.steps[4]!.resources?.cpu_percent, 180);
});

test('capacity.json written and read back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'frameload-capacity-'));
  try {
    const json = buildCapacityJson(steppedRun({ steps: 3, breachAt: 2 }), DEFAULT_SLO);
    const path = await writeCapacityJson(join(dir, 'nested', 'report'), json);

    assert.equal(path, join(dir, 'nested', 'report', 'capacity.json'));
    assert.deepEqual(JSON.parse(await readFile(path, 'utf8')), json);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('capacity.json into a file path fails typed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'frameload-capacity-'));
  try {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const json = buildCapacityJson(steppedRun({ steps: 1, breachAt: 1 }), DEFAULT_SLO);

    await assert.rejects(writeCapacityJson(blocker, json), (err: unknown) => {
      assert.ok(err instanceof ReportWriteError);
      assert.equal(err.code, 'report_write_failed');
      assert.equal(err.path, join(blocker, 'capacity.json'));
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a stopped run without a breach gives no verdict', async () => {
  const { renderVerdict } = await import('../../src/report/html-sections.ts');
  // breachAt past the last step: every step met the objectives before the Ctrl-C.
  const json = buildCapacityJson(steppedRun({ steps: 3, breachAt: 99 }), DEFAULT_SLO, undefined, null, 'interrupted by the user');
  assert.equal(json.stopped, 'interrupted by the user');
  assert.equal(json.breach, null);
  assert.equal(json.max_sustainable_events_per_s, 1200);
  const html = renderVerdict(json);
  assert.match(html, /class="verdict stopped"/);
  assert.match(html, /stopped \(interrupted by the user\) before any step breached an objective, so this is no verdict/);

  const finished = buildCapacityJson(steppedRun({ steps: 3, breachAt: 99 }), DEFAULT_SLO);
  assert.equal(finished.stopped, null);
});
