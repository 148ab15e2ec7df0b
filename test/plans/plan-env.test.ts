// The plans' options as `frameload inspect` resolves them from -e values, and the messages for
// invalid values. Rates are batches per 1000 s (timeUnit 1000000 ms) with 100 events per batch.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';

import { ROOT, runCli } from '../helpers.ts';
import { CAPACITY } from './helpers.ts';

const SPIKE = join(ROOT, 'scripts', 'spike.ts');
const SOAK = join(ROOT, 'scripts', 'soak.ts');

interface Inspected {
  options: {
    scenarios: { name: string; startRate?: number; timeUnitMs?: number; stages?: { durationMs: number; target: number }[] }[];
    slo: Record<string, unknown>;
    report: { dir: string; eventsPerBatch: number; stages: Record<string, ({ label: string; phase: string } | null)[]> };
    afterCapacity: { script: string; env: Record<string, string> }[];
  };
}

async function inspect(script: string, env: Record<string, string>): Promise<Inspected> {
  const args = ['inspect'];
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  const result = await runCli([...args, script], { timeoutMs: 20_000 });
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Inspected;
}

test('capacity plan options from env', async () => {
  const { options } = await inspect(CAPACITY, { TARGET_EPS: '1000', WARMUP: '10s', STEP: '20s', MAX_STEPS: '2', P95_MS: '300', SPIKE: '1', SOAK: 'true', REPORT_DIR: 'out' });
  const plan = options.scenarios.find((s) => s.name === 'capacity')!;
  assert.equal(plan.timeUnitMs, 1_000_000);
  assert.equal(plan.startRate, 5000);
  assert.deepEqual(plan.stages, [
    { durationMs: 10_000, target: 5000 },
    { durationMs: 0, target: 6000 },
    { durationMs: 20_000, target: 6000 },
    { durationMs: 0, target: 7000 },
    { durationMs: 20_000, target: 7000 },
  ]);
  assert.deepEqual(options.report.stages.capacity, [
    { label: 'warm-up', phase: 'warmup' },
    null,
    { label: 'step 1', phase: 'ramp' },
    null,
    { label: 'step 2', phase: 'ramp' },
  ]);
  assert.deepEqual(options.slo, { p95Ms: 300, errorRate: 0.01, connFailRate: 0.001, stopAfterBreach: true, scenario: 'capacity' });
  assert.equal(options.report.dir, 'out');
  assert.equal(options.report.eventsPerBatch, 100);
  assert.deepEqual(options.afterCapacity, [{ script: './spike.ts', env: {} }, { script: './soak.ts', env: {} }]);
});

test('spike and soak plans from capacity', async () => {
  const spike = (await inspect(SPIKE, { CAPACITY_EPS: '1000', SPIKE_X: '3', SPIKE_SETTLE: '5s', SPIKE_DURATION: '10s', SPIKE_RECOVERY: '15s' })).options;
  assert.deepEqual(spike.scenarios.find((s) => s.name === 'spike')!.stages, [
    { durationMs: 5000, target: 7500 },
    { durationMs: 0, target: 30_000 },
    { durationMs: 10_000, target: 30_000 },
    { durationMs: 0, target: 7500 },
    { durationMs: 15_000, target: 7500 },
  ]);
  assert.equal(spike.slo.stopAfterBreach, false);

  const soak = (await inspect(SOAK, { CAPACITY_EPS: '1000', SOAK_PCT: '80', SOAK_DURATION: '12m', SOAK_STEP: '5m' })).options;
  const stages = soak.scenarios.find((s) => s.name === 'soak')!.stages!;
  assert.deepEqual(stages.filter((s) => s.durationMs > 0), [
    { durationMs: 300_000, target: 8000 },
    { durationMs: 300_000, target: 8000 },
    { durationMs: 120_000, target: 8000 },
  ]);
  assert.deepEqual(soak.report.stages.soak!.filter((s) => s !== null).map((s) => s!.label), ['soak 1', 'soak 2', 'soak 3']);
});

const INVALID: [string, Record<string, string>, string][] = [
  [CAPACITY, { TARGET_EPS: '0' }, 'invalid environment variable TARGET_EPS: expected a number > 0, got "0"'],
  [CAPACITY, { STEP_PCT: 'ten' }, 'invalid environment variable STEP_PCT: expected a number > 0, got "ten"'],
  [CAPACITY, { STEP: '3 minutes' }, 'invalid environment variable STEP: expected a duration such as 3m, 1m30s or 500ms (a bare number counts seconds), got "3 minutes"'],
  [CAPACITY, { MAX_STEPS: '2.5' }, 'invalid environment variable MAX_STEPS: expected a whole number >= 1, got "2.5"'],
  [CAPACITY, { ERR_RATE: '5' }, 'invalid environment variable ERR_RATE: expected a number from 0 to 1, got "5"'],
  [CAPACITY, { SPIKE: 'maybe' }, 'invalid environment variable SPIKE: expected 1 or 0 (true or false), got "maybe"'],
  [SPIKE, {}, 'missing environment variable CAPACITY_EPS: expected the capacity in events per second, e.g. -e CAPACITY_EPS=5000'],
  [SOAK, { CAPACITY_EPS: '1000', SOAK_DURATION: '0s' }, 'invalid environment variable SOAK_DURATION: expected a duration above zero, got "0s"'],
];

test('invalid plan env names the variable', async () => {
  await Promise.all(
    INVALID.map(async ([script, env, message]) => {
      const args = ['inspect'];
      for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
      const result = await runCli([...args, script], { timeoutMs: 20_000 });
      assert.equal(result.code, 107, `${message}: exit ${result.code}`);
      assert.ok(result.stderr.includes(message), `expected "${message}" in:\n${result.stderr}`);
    }),
  );
});
