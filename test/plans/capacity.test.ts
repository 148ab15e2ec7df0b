// A compressed capacity plan against the reference server with a known capacity C: steps of 9 s
// instead of 3 min. TARGET_EPS = C / 1.05 puts step 5 at 95% of C and step 6 at 105% of C, so the
// verdict must be step 5. A server 5% past its capacity builds a queue whose latency grows by about
// 48 ms per second, about 430 ms by the end of a 9 s step, which P95_MS=250 catches. Below capacity
// the p95 stays at a few milliseconds on an idle machine. The margin up to 250 ms absorbs the
// scheduling delays of a busy one.
import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { runChromium } from '../chromium.ts';
import { CAPACITY, countSeries, runPlan, serve } from './helpers.ts';

const C = 20_000;
const TARGET = Math.round(C / 1.05);
const STEPS = 7; // warm-up and steps 1 to 6
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

test('capacity plan finds the server capacity', async (t) => {
  const server = await serve(t, ['--capacity', String(C)]);
  const run = await runPlan(
    t,
    CAPACITY,
    {
      HOST: server.host,
      TLS: 'false',
      // The queue of step 6 holds up to about 90 batches, one per waiting agent.
      AGENTS: 150,
      TARGET_EPS: TARGET,
      WARMUP: '3s',
      STEP: '9s',
      P95_MS: 250,
      MAX_STEPS: 10,
      APPROVAL_TIMEOUT: '2s',
      CONFIRM_TIMEOUT: '5s',
    },
    ['--monitor', server.metricsUrl!],
  );
  const { report } = run;
  const capacity = report.max_sustainable_events_per_s!;

  const table = report.steps
    .map((s) => `${s.label}: target ${s.target_events_per_s}, achieved ${s.achieved_events_per_s}, p95 ${s.p95_ms} ms, send lateness p95 ${s.send_lateness_p95_ms} ms max ${s.send_lateness_max_ms} ms`)
    .join('\n');
  assert.equal(run.code, 0, run.stderr);
  assert.ok(capacity >= C / 1.12, `capacity ${capacity} below ${C / 1.12}; steps:\n${table}`);
  assert.ok(capacity <= C, `capacity ${capacity} above ${C}; steps:\n${table}`);
  assert.ok(Math.abs(capacity - TARGET) < 0.01, `capacity ${capacity}, expected step 5 at ${TARGET}`);

  // One entry per step run: the plan stopped after the breaching step, four steps short of MAX_STEPS.
  assert.deepEqual(report.steps.map((s) => s.label), ['warm-up', 'step 1', 'step 2', 'step 3', 'step 4', 'step 5', 'step 6']);
  // The plan passes rates as whole batches per 1000 s, 100 events per batch.
  const planned = (k: number): number => (Math.round(((TARGET * (0.5 + k * 0.1)) / 100) * 1000) * 100) / 1000;
  report.steps.forEach((step, k) => assert.ok(Math.abs(step.target_events_per_s - planned(k)) < 0.01, `target of ${step.label}: ${step.target_events_per_s}, planned ${planned(k)}`));
  assert.equal(report.capacity_step, 5);
  assert.equal(report.breach?.step, 6);
  assert.equal(report.breach?.label, 'step 6');
  assert.match(report.breach!.reasons.join('; '), /^p95 \d+ ms > 250 ms$/);
  assert.match(run.stderr, /finished early: step 6 breached: p95 \d+ ms > 250 ms/);

  // Below capacity the fleet's pacing keeps to the target; past it the server confirms about C.
  for (const step of report.steps.slice(0, 6)) {
    assert.ok(Math.abs(step.achieved_events_per_s / step.target_events_per_s - 1) < 0.05, `${step.label}: achieved ${step.achieved_events_per_s} of ${step.target_events_per_s}`);
    assert.equal(step.error_count, 0, `${step.label} errors`);
  }
  assert.ok(Math.abs(report.steps[6]!.achieved_events_per_s / C - 1) < 0.05, `step 6 achieved ${report.steps[6]!.achieved_events_per_s}, not about ${C}`);

  // The monitor read the server's own endpoint; the report states the peak at capacity.
  assert.equal(report.resources?.source, server.metricsUrl);
  assert.ok(report.resources!.samples.length >= 8, `${report.resources!.samples.length} monitor samples`);
  assert.ok(report.resources!.peak_at_capacity!.rss_bytes! > 10_000_000, 'peak RSS at capacity');

  // The summary shows the same steps.
  assert.match(run.stdout, /STEPS/);
  assert.match(run.stdout, /step 6 .*✗ p95 \d+ ms > 250 ms/);
  const summary = JSON.parse(await readFile(run.summaryPath, 'utf8')) as { frameload: { steps: { label: string }[] } };
  assert.equal(summary.frameload.steps.length, STEPS);

  // report.html from this run renders every chart in Chromium, one point per step.
  const url = pathToFileURL(join(run.reportDir, 'report.html')).href;
  await mkdir(ARTIFACTS, { recursive: true });
  const screenshot = join(ARTIFACTS, 'capacity-plan-report.png');
  await rm(screenshot, { force: true });
  const [dom] = await Promise.all([
    runChromium(t, ['--dump-dom', url]),
    runChromium(t, [`--screenshot=${screenshot}`, '--window-size=1280,2000', '--hide-scrollbars', url]),
  ]);
  assert.match(dom, /<html lang="en" data-report-rendered="true">/);
  for (const chart of ['throughput', 'latency', 'cpu', 'memory']) {
    assert.match(dom, new RegExp(`<figure data-chart="${chart}" data-rendered="true">`), `chart ${chart} not rendered`);
  }
  for (const series of ['target', 'achieved', 'p50', 'p95', 'p99']) assert.equal(countSeries(dom, 'circle', series), STEPS, `points of ${series}`);
  assert.equal(countSeries(dom, 'circle', 'rss'), report.resources!.samples.length);
  assert.equal((await readFile(screenshot)).subarray(1, 4).toString(), 'PNG');
});
