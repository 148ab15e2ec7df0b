import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CounterAggregate, RateAggregate, TrendAggregate } from '../../src/metrics/aggregate.ts';
import { DEFAULT_SLO } from '../../src/report/slo.ts';
import { computeStepResult, type StageSamples } from '../../src/report/steps.ts';

// The histogram keeps values in microseconds with at most 1/1024 relative error above 2.048 ms.
const HISTOGRAM_ERROR = 1 / 1024;

function assertNear(actual: number, expected: number, label: string): void {
  const tolerance = expected * HISTOGRAM_ERROR;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${label}: ${actual} not within ${tolerance} of ${expected}`);
}

function counter(...values: number[]): CounterAggregate {
  const c = new CounterAggregate();
  for (const v of values) c.add(v);
  return c;
}

function trend(values: Iterable<number>): TrendAggregate {
  const t = new TrendAggregate();
  for (const v of values) t.add(v);
  return t;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Builds a 10-second step: 100 batches of 100 events confirmed in 1..100 ms, 2 timeouts, 1 refused connect. */
function scriptedStage(): StageSamples {
  const connections = new RateAggregate();
  for (let i = 0; i < 1000; i++) connections.add(i < 2 ? 1 : 0);
  return {
    index: 3,
    label: 'step 3',
    phase: 'ramp',
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_010_000,
    targetEventsPerS: 1100,
    targetBatchesPerS: 11,
    confirm: trend(range(1, 100)),
    batchesConfirmed: counter(...new Array<number>(100).fill(1)),
    eventsConfirmed: counter(...new Array<number>(100).fill(100)),
    errors: new Map([
      ['confirm_timeout', counter(1, 1)],
      ['connect_refused', counter(1)],
      ['auth_rejected', new CounterAggregate()],
    ]),
    sendLateness: trend(range(0, 19)),
    droppedIterations: counter(1, 1, 1, 1),
    connections,
  };
}

test('step percentiles of 1..100 ms', () => {
  const step = computeStepResult(scriptedStage(), DEFAULT_SLO);

  assert.equal(step.confirmMs.count, 100);
  assertNear(step.confirmMs.p50, 50, 'p50');
  assertNear(step.confirmMs.p95, 95, 'p95');
  assertNear(step.confirmMs.p99, 99, 'p99');
  assert.equal(step.confirmMs.max, 100);
});

test('step rates over the step duration', () => {
  const step = computeStepResult(scriptedStage(), DEFAULT_SLO);

  assert.equal(step.eventsConfirmed, 10_000);
  assert.equal(step.batchesConfirmed, 100);
  assert.equal(step.achievedEventsPerS, 1000);
  assert.equal(step.achievedBatchesPerS, 10);
  assert.equal(step.targetEventsPerS, 1100);
  assert.equal(step.targetBatchesPerS, 11);
  assert.equal(step.droppedIterations, 4);
});

test('step errors by code and error rate', () => {
  const step = computeStepResult(scriptedStage(), DEFAULT_SLO);

  assert.deepEqual(step.errors, { confirm_timeout: 2, connect_refused: 1 });
  assert.equal(step.errorCount, 3);
  assert.equal(step.errorRate, 3 / 103);
});

test('step connection failures from a Rate', () => {
  const step = computeStepResult(scriptedStage(), DEFAULT_SLO);

  assert.equal(step.connectAttempts, 1000);
  assert.equal(step.connectFailures, 2);
  assert.equal(step.connFailRate, 0.002);
});

test('step connection failures from counters', () => {
  const stage = { ...scriptedStage(), connections: { attempts: counter(200, 50), failures: counter(1) } };
  const step = computeStepResult(stage, DEFAULT_SLO);

  assert.equal(step.connectAttempts, 250);
  assert.equal(step.connectFailures, 1);
  assert.equal(step.connFailRate, 0.004);
});

test('step send lateness of 0..19 ms', () => {
  const step = computeStepResult(scriptedStage(), DEFAULT_SLO);

  // The 95th percentile of 20 values is the 19th smallest, 18 ms.
  assertNear(step.sendLatenessMs.p95, 18, 'lateness p95');
  assert.equal(step.sendLatenessMs.max, 19);
});

test('step verdict lists every breach', () => {
  const step = computeStepResult(scriptedStage(), DEFAULT_SLO);

  assert.equal(step.slo.met, false);
  assert.deepEqual(step.slo.breached, ['error_rate', 'conn_fail_rate']);
  assert.deepEqual(step.slo.reasons, ['error rate 2.91% > 1%', 'connection failure rate 0.2% > 0.1%']);
});

test('step without samples has zeros and fails on confirms', () => {
  const step = computeStepResult(
    { index: 0, label: 'empty', startMs: 0, endMs: 5000, targetEventsPerS: 500, targetBatchesPerS: 5 },
    DEFAULT_SLO,
  );

  assert.equal(step.phase, 'stage');
  assert.deepEqual(step.confirmMs, { count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  assert.equal(step.achievedEventsPerS, 0);
  assert.equal(step.errorRate, 0);
  assert.equal(step.connFailRate, 0);
  assert.deepEqual(step.errors, {});
  assert.deepEqual(step.slo.breached, ['confirms']);
});

test('step windows from Aggregate.since', () => {
  // An engine can snapshot cumulative aggregates at stage boundaries, so the step contains only its own samples.
  const run = new TrendAggregate();
  for (const v of range(1000, 1999)) run.add(v);
  const atStageStart = run.copy();
  for (const v of range(1, 100)) run.add(v);

  const stage = { ...scriptedStage(), confirm: run.since(atStageStart) as TrendAggregate };
  const step = computeStepResult(stage, DEFAULT_SLO);

  assert.equal(step.confirmMs.count, 100);
  assertNear(step.confirmMs.p95, 95, 'windowed p95');
});
