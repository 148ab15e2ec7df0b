// The capacity plan at low load against a server that adds 50 ms to every confirm and has no
// capacity limit: no step breaches, so the capacity is the last step's target, and SPIKE=1 and
// SOAK=1 run spike.ts and soak.ts in the same process from it, adding their steps to the report.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { CAPACITY, runPlan, serve } from './helpers.ts';

const TARGET = 2000;

test('plan follow-ups from the capacity', async (t) => {
  const server = await serve(t, ['--latency', '50']);
  const run = await runPlan(t, CAPACITY, {
    HOST: server.host,
    TLS: 'false',
    AGENTS: 20,
    TARGET_EPS: TARGET,
    WARMUP: '3s',
    STEP: '3s',
    MAX_STEPS: 1,
    APPROVAL_TIMEOUT: '2s',
    CONFIRM_TIMEOUT: '5s',
    SPIKE: 1,
    SPIKE_SETTLE: '2s',
    SPIKE_DURATION: '2s',
    SPIKE_RECOVERY: '3s',
    SOAK: 1,
    SOAK_DURATION: '3s',
    SOAK_STEP: '2s',
  });
  const { report } = run;

  assert.equal(run.code, 0, run.stderr);
  assert.equal(report.breach, null);
  assert.equal(report.max_sustainable_events_per_s, 1200);
  assert.match(run.stderr, /capacity 1,200 events\/s; starting \.\/spike\.ts, \.\/soak\.ts with CAPACITY_EPS=1200/);
  assert.deepEqual(
    report.steps.map((s) => [s.label, s.phase, s.target_events_per_s]),
    [
      ['warm-up', 'warmup', 1000],
      ['step 1', 'ramp', 1200],
      ['before spike', 'spike', 900],
      ['spike', 'spike', 2400],
      ['after spike', 'spike', 900],
      ['soak 1', 'soak', 900],
      ['soak 2', 'soak', 900],
    ],
  );

  // At low load the confirm latency is the server's 50 ms plus a few milliseconds of transport.
  for (const step of report.steps) {
    assert.ok(step.p50_ms >= 50, `${step.label}: p50 ${step.p50_ms} ms below 50 ms`);
    assert.ok(step.p50_ms <= 55, `${step.label}: p50 ${step.p50_ms} ms above 55 ms`);
    assert.equal(step.error_count, 0, `${step.label} errors`);
  }

  // A 2x spike the server absorbs leaves nothing to recover from: the first window after it is under the SLO.
  assert.equal(report.recovery?.spike_step, 3);
  assert.equal(report.recovery?.spike_events_per_s, 2400);
  assert.equal(report.recovery?.recovery_ms, 0);
  assert.ok(report.recovery!.observed_ms >= 2000, `observed ${report.recovery!.observed_ms} ms after the spike`);
  const html = await readFile(join(run.reportDir, 'report.html'), 'utf8');
  assert.match(html, /Spike \(spike, 2,400 events\/s\): p95 confirm latency was back under 500 ms 0 s after the spike ended \(measured in 1 s windows/);

  // Each run exports its own summary: the follow-ups' go next to the first one's.
  const exported = async (path: string) => (JSON.parse(await readFile(path, 'utf8')) as { frameload: { steps: { label: string }[] } }).frameload.steps.map((s) => s.label);
  assert.deepEqual(await exported(run.summaryPath), ['warm-up', 'step 1']);
  assert.deepEqual(await exported(run.summaryPath.replace(/\.json$/, '.spike.json')), ['before spike', 'spike', 'after spike']);
  assert.deepEqual(await exported(run.summaryPath.replace(/\.json$/, '.soak.json')), ['soak 1', 'soak 2']);
});
