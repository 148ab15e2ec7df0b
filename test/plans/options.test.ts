import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ConfigError } from '../../src/engine/errors.ts';
import { resolveOptions } from '../../src/engine/options.ts';

test('slo and report defaults', () => {
  const options = resolveOptions({});
  assert.deepEqual(options.slo, { p95Ms: 500, errorRate: 0.01, connFailRate: 0.001, stopAfterBreach: false, scenario: undefined });
  assert.deepEqual(options.report, { dir: undefined, eventsPerBatch: undefined, stages: {} });
  assert.deepEqual(options.afterCapacity, []);
});

test('slo, report and afterCapacity as written', () => {
  const options = resolveOptions({
    slo: { p95Ms: 250, errorRate: 0.02, connFailRate: 0, stopAfterBreach: true, scenario: 'capacity' },
    report: { dir: 'out', eventsPerBatch: 50, stages: { capacity: [{ label: 'warm-up', phase: 'warmup' }, null] } },
    afterCapacity: [{ script: './spike.ts', env: { SPIKE_X: '3' } }, { script: './soak.ts' }],
  });
  assert.deepEqual(options.slo, { p95Ms: 250, errorRate: 0.02, connFailRate: 0, stopAfterBreach: true, scenario: 'capacity' });
  assert.deepEqual(options.report, { dir: 'out', eventsPerBatch: 50, stages: { capacity: [{ label: 'warm-up', phase: 'warmup' }, null] } });
  assert.deepEqual(options.afterCapacity, [
    { script: './spike.ts', env: { SPIKE_X: '3' } },
    { script: './soak.ts', env: {} },
  ]);
});

const INVALID: [string, Record<string, unknown>, string][] = [
  ['slo', { slo: 500 }, 'expected an object'],
  ['slo.p95', { slo: { p95: 500 } }, 'unknown option; expected one of p95Ms, errorRate, connFailRate, stopAfterBreach, scenario'],
  ['slo.p95Ms', { slo: { p95Ms: 0 } }, 'expected a number above 0, got 0'],
  ['slo.errorRate', { slo: { errorRate: 1.5 } }, 'expected a ratio from 0 to 1 (0.01 is 1%), got 1.5'],
  ['slo.connFailRate', { slo: { connFailRate: '0.1' } }, 'expected a ratio from 0 to 1 (0.01 is 1%), got "0.1"'],
  ['slo.stopAfterBreach', { slo: { stopAfterBreach: 'yes' } }, 'expected true or false, got "yes"'],
  ['slo.scenario', { slo: { scenario: '' } }, 'expected a non-empty string, got ""'],
  ['report.dir', { report: { dir: 3 } }, 'expected a non-empty string, got 3'],
  ['report.eventsPerBatch', { report: { eventsPerBatch: -1 } }, 'expected a number above 0, got -1'],
  ['report.stages.cap', { report: { stages: { cap: {} } } }, 'expected a list of { label, phase } or null, one per stage'],
  ['report.stages.cap[1].phase', { report: { stages: { cap: [null, { phase: 'burst' }] } } }, 'expected one of warmup, ramp, spike, soak, stage, got "burst"'],
  ['afterCapacity', { afterCapacity: './spike.ts' }, 'expected a list of { script, env }'],
  ['afterCapacity[0].script', { afterCapacity: [{}] }, 'expected a non-empty string, got undefined'],
  ['afterCapacity[0].env.X', { afterCapacity: [{ script: 'a.ts', env: { X: 1 } }] }, 'expected a string, got 1'],
];

test('invalid plan options name the key', () => {
  for (const [key, raw, message] of INVALID) {
    assert.throws(
      () => resolveOptions(raw),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError, `${key}: not a ConfigError`);
        assert.equal(err.key, key);
        assert.equal(err.message, `invalid option ${key}: ${message}`);
        return true;
      },
    );
  }
});
