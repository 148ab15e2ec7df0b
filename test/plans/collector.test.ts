import assert from 'node:assert/strict';
import { test } from 'node:test';

import { resolveOptions } from '../../src/engine/options.ts';
import type { Run } from '../../src/engine/run.ts';
import { ScenarioState } from '../../src/engine/scenario-state.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';
import type { Tags } from '../../src/metrics/types.ts';
import { findCapacity } from '../../src/report/capacity.ts';
import { StepCollector } from '../../src/report/collect.ts';
import { measureRecovery } from '../../src/report/recovery.ts';
import type { StepResult } from '../../src/report/steps.ts';
import type { LatencyWindow } from '../../src/report/windows.ts';

// The histogram keeps values in microseconds with at most 1/1024 relative error above 2.048 ms.
const HISTOGRAM_ERROR = 1 / 1024;
const T0 = 1_700_000_000_000;

function assertNear(actual: number, expected: number, label: string): void {
  const tolerance = expected * HISTOGRAM_ERROR;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} not within ${tolerance} of ${expected}`);
}

/** A run stand-in that records finishEarly calls; the collector only calls that method. */
function recordingRun(): { run: Run; reasons: string[] } {
  const reasons: string[] = [];
  return { run: { finishEarly: (reason: string) => reasons.push(reason) } as unknown as Run, reasons };
}

/**
 * Starts a collector on a plan of three stages (10 s at 100 batches/s, a jump to 200, 10 s at 200)
 * with the capacity plan's labels. Returns the collector and a sample writer for each stage.
 */
function startCollector(stopAfterBreach: boolean) {
  const options = resolveOptions({
    scenarios: {
      cap: {
        executor: 'ramping-arrival-rate',
        startRate: 100,
        timeUnit: '1s',
        stages: [
          { duration: '10s', target: 100 },
          { duration: '0s', target: 200 },
          { duration: '10s', target: 200 },
        ],
        preAllocatedVUs: 10,
      },
    },
    slo: { stopAfterBreach },
    report: { stages: { cap: [{ label: 'warm-up', phase: 'warmup' }, null, { label: 'step 1', phase: 'ramp' }] } },
  });
  const registry = new MetricRegistry();
  const { run, reasons } = recordingRun();
  const collector = new StepCollector();
  collector.onStart({ registry, options, run });
  const scenario = new ScenarioState(options.scenarios[0]!, {});

  const metric = (name: string, type: 'trend' | 'counter' | 'rate') => registry.define(name, type, type === 'trend' ? 'time' : 'default');
  const confirm = metric('agent_confirm_duration', 'trend');
  const batches = metric('agent_batches_confirmed', 'counter');
  const events = metric('agent_events_confirmed', 'counter');
  const errors = metric('agent_errors', 'counter');
  const lateness = metric('agent_send_lateness', 'trend');
  const dropped = metric('dropped_iterations', 'counter');
  const connectFailed = metric('agent_connect_failed', 'rate');

  const write = (stage: number) => {
    const tags: Tags = { scenario: 'cap', stage: String(stage) };
    return {
      confirm(ms: number): void {
        confirm.add(ms, tags);
        batches.add(1, tags);
        events.add(50, tags);
        lateness.add(ms / 10, tags);
      },
      error: (code: string) => errors.add(1, { ...tags, error: code }),
      dropped: () => dropped.add(1, tags),
      connect: (failed: boolean) => connectFailed.add(failed ? 1 : 0, tags),
    };
  };
  return { collector, scenario, reasons, write };
}

/** Feeds the scripted samples: stage 0 is clean, stage 2 breaches p95 and the error rate. */
function scriptedRun(stopAfterBreach: boolean) {
  const { collector, scenario, reasons, write } = startCollector(stopAfterBreach);

  collector.onStageStart(scenario, 0, 0, T0);
  const warm = write(0);
  for (let ms = 1; ms <= 100; ms++) warm.confirm(ms);
  for (let i = 0; i < 4; i++) warm.connect(false);
  collector.onStageEnd(scenario, 0, 10_000, T0 + 10_000);

  collector.onStageStart(scenario, 1, 10_000, T0 + 10_000);
  collector.onStageEnd(scenario, 1, 10_000, T0 + 10_000);

  collector.onStageStart(scenario, 2, 10_000, T0 + 10_000);
  const step = write(2);
  for (let i = 0; i < 180; i++) step.confirm(20);
  for (let i = 0; i < 20; i++) step.confirm(900);
  for (const code of ['confirm_timeout', 'confirm_timeout', 'confirm_timeout', 'closed']) step.error(code);
  for (let i = 0; i < 5; i++) step.dropped();
  step.connect(true);
  step.connect(false);
  collector.onStageEnd(scenario, 2, 20_000, T0 + 20_000);
  // A confirm after the stage ended (during the graceful stop) belongs to no step.
  step.confirm(5000);
  collector.onEnd();
  return { steps: collector.steps(), reasons, collector };
}

test('collector skips zero-duration stages', () => {
  const { steps } = scriptedRun(false);
  assert.deepEqual(steps.map((s) => [s.index, s.label, s.phase, s.scenario]), [
    [0, 'warm-up', 'warmup', 'cap'],
    [2, 'step 1', 'ramp', 'cap'],
  ]);
  assert.deepEqual(steps.map((s) => [s.startMs, s.endMs]), [[T0, T0 + 10_000], [T0 + 10_000, T0 + 20_000]]);
});

test('collector computes each step from its own samples', () => {
  const [warm, step] = scriptedRun(false).steps;

  // 100 batches/s aimed, 50 events per batch measured from the run: 5,000 events/s.
  assert.equal(warm!.targetBatchesPerS, 100);
  assert.equal(warm!.targetEventsPerS, 5000);
  assert.equal(warm!.batchesConfirmed, 100);
  assert.equal(warm!.eventsConfirmed, 5000);
  assert.equal(warm!.achievedBatchesPerS, 10);
  assert.equal(warm!.achievedEventsPerS, 500);
  assert.equal(warm!.confirmMs.count, 100);
  assertNear(warm!.confirmMs.p50, 50, 'warm-up p50');
  assertNear(warm!.confirmMs.p95, 95, 'warm-up p95');
  assertNear(warm!.confirmMs.p99, 99, 'warm-up p99');
  assert.equal(warm!.confirmMs.max, 100);
  assert.equal(warm!.errorRate, 0);
  assert.deepEqual(warm!.errors, {});
  assert.equal(warm!.connectAttempts, 4);
  assert.equal(warm!.connectFailures, 0);
  assert.deepEqual(warm!.slo, { met: true, reasons: [], breached: [] });

  assert.equal(step!.targetBatchesPerS, 200);
  assert.equal(step!.targetEventsPerS, 10_000);
  assert.equal(step!.batchesConfirmed, 200, 'the confirm after the stage end is not counted');
  assert.equal(step!.achievedEventsPerS, 1000);
  assertNear(step!.confirmMs.p50, 20, 'step p50');
  assertNear(step!.confirmMs.p95, 900, 'step p95');
  assert.equal(step!.confirmMs.max, 900);
  assert.deepEqual(step!.errors, { confirm_timeout: 3, closed: 1 });
  assert.equal(step!.errorCount, 4);
  assert.equal(step!.errorRate, 4 / 204);
  assert.equal(step!.connFailRate, 0.5);
  assert.equal(step!.droppedIterations, 5);
  assertNear(step!.sendLatenessMs.p95, 90, 'step send lateness p95');
  assert.deepEqual(step!.slo.breached, ['p95_ms', 'error_rate', 'conn_fail_rate']);
});

test('collector stops after breaching step', () => {
  assert.deepEqual(scriptedRun(true).reasons, ['step 1 breached: p95 900 ms > 500 ms; error rate 1.96% > 1%; connection failure rate 50% > 0.1%']);
  assert.deepEqual(scriptedRun(false).reasons, []);
});

test('collector rejects unknown slo scenario', () => {
  const options = resolveOptions({ vus: 1, duration: '1s', slo: { scenario: 'capacity' } });
  assert.throws(
    () => new StepCollector().onStart({ registry: new MetricRegistry(), options, run: recordingRun().run }),
    /invalid option slo\.scenario: expected the name of a ramping-vus or ramping-arrival-rate scenario, got "capacity"/,
  );
});

function window(startS: number, p95: number, count = 10): LatencyWindow {
  return { scenario: 'spike', stage: 0, startMs: T0 + startS * 1000, endMs: T0 + (startS + 1) * 1000, count, p50: p95 / 2, p95, p99: p95 };
}

function spikeStep(phase: StepResult['phase'], label: string, target: number, endS: number): StepResult {
  const [step] = scriptedRun(false).steps;
  return { ...step!, scenario: 'spike', phase, label, targetEventsPerS: target, endMs: T0 + endS * 1000 };
}

test('recovery starts where latency stays under', () => {
  const steps = [spikeStep('spike', 'before spike', 750, 10), spikeStep('spike', 'spike', 2000, 20), spikeStep('spike', 'after spike', 750, 30)];
  // After the spike ends at 20 s: bad, good, bad again, then good from 23 s on, with an empty window.
  const windows = [window(19, 900), window(20, 800), window(21, 100), window(22, 700), window(23, 300), window(24, 0, 0), window(25, 200)];
  const recovery = measureRecovery(steps, windows, 500, 1000);
  assert.deepEqual(recovery, {
    spikeStep: 1,
    spikeLabel: 'spike',
    spikeEventsPerS: 2000,
    spikeEndMs: T0 + 20_000,
    recoveredAtMs: T0 + 23_000,
    recoveryMs: 3000,
    observedMs: 6000,
    windowMs: 1000,
    p95LimitMs: 500,
  });
});

test('recovery is null while latency stays high', () => {
  const steps = [spikeStep('spike', 'spike', 2000, 20)];
  const recovery = measureRecovery(steps, [window(20, 300), window(21, 800)], 500, 1000);
  assert.equal(recovery?.recoveredAtMs, null);
  assert.equal(recovery?.recoveryMs, null);
  assert.equal(measureRecovery([spikeStep('ramp', 'step 1', 2000, 20)], [], 500, 1000), null);
});

test('recovery is 0 when latency never breached', () => {
  const steps = [spikeStep('spike', 'spike', 2000, 20)];
  // The next stage, and with it the first window, starts 2 ms after the spike ends.
  const first = { ...window(20, 300), startMs: T0 + 20_002 };
  const recovery = measureRecovery(steps, [first, window(21, 200)], 500, 1000);
  assert.equal(recovery?.recoveredAtMs, T0 + 20_000);
  assert.equal(recovery?.recoveryMs, 0);
});

test('stopped stage is partial and decides nothing', () => {
  const { collector, scenario, write } = startCollector(false);
  collector.onStageStart(scenario, 0, 0, T0);
  for (let ms = 1; ms <= 100; ms++) write(0).confirm(ms);
  collector.onStageEnd(scenario, 0, 10_000, T0 + 10_000);
  collector.onStageStart(scenario, 2, 10_000, T0 + 10_000);
  write(2).confirm(10);
  // Ctrl-C two seconds into the 10 s stage.
  collector.onStageEnd(scenario, 2, 12_000, T0 + 12_000);
  collector.onEnd();

  const steps = collector.steps();
  assert.deepEqual(steps.map((s) => [s.label, s.partial]), [['warm-up', undefined], ['step 1 (partial)', true]]);
  assert.equal(steps[1]!.achievedEventsPerS, 25);
  assert.deepEqual(findCapacity(steps), { capacityEventsPerS: 5000, capacityStep: 0, breach: null });
});

test('recovery is immediate after an empty sliver', () => {
  const steps = [spikeStep('spike', 'spike', 2000, 20), spikeStep('spike', 'after spike', 750, 30)];
  // The next stage starts 1 ms after the spike: a 1 ms window with no confirm, then good windows.
  const sliver: LatencyWindow = { ...window(20, 0, 0), endMs: T0 + 20_001 };
  const first: LatencyWindow = { ...window(20, 100), startMs: T0 + 20_001, endMs: T0 + 21_001 };
  const recovery = measureRecovery(steps, [sliver, first, window(21, 120)], 500, 1000);
  assert.equal(recovery?.recoveryMs, 0);
  assert.equal(recovery?.recoveredAtMs, T0 + 20_000);
});
