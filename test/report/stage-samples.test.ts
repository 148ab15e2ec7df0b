import assert from 'node:assert/strict';
import { test } from 'node:test';

import { agentMetrics } from '../../src/agent/metrics.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';
import { DEFAULT_SLO } from '../../src/report/slo.ts';
import { stageSamplesFromRegistry, trackStages } from '../../src/report/stage-samples.ts';
import { computeStepResult } from '../../src/report/steps.ts';

const stage = (index: number) => ({
  index,
  label: `step ${index}`,
  phase: 'ramp' as const,
  startMs: 10_000 * index,
  endMs: 10_000 * (index + 1),
  targetEventsPerS: 1000,
  targetBatchesPerS: 10,
});

test('stage samples split by the stage tag', () => {
  const registry = new MetricRegistry();
  trackStages(registry);
  const metrics = agentMetrics(registry);

  for (const index of [0, 1]) {
    const tags = Object.freeze({ scenario: 'capacity', stage: String(index) });
    for (let ms = 1; ms <= 100; ms++) {
      metrics.confirmDuration.add(ms * (index + 1), tags);
      metrics.batchesConfirmed.add(1, tags);
      metrics.eventsConfirmed.add(100, tags);
      metrics.sendLateness.add(index, tags);
    }
    for (let i = 0; i < 10; i++) metrics.connectFailed.add(i < index ? 1 : 0, tags);
    metrics.errors.add(1, { ...tags, error: 'confirm_timeout' });
  }
  metrics.errors.add(1, { scenario: 'capacity', stage: '1', error: 'send_failed' });
  metrics.errors.add(1, { scenario: 'other', stage: '1', error: 'send_failed' });

  const first = computeStepResult(stageSamplesFromRegistry(registry, 'capacity', stage(0)), DEFAULT_SLO);
  const second = computeStepResult(stageSamplesFromRegistry(registry, 'capacity', stage(1)), DEFAULT_SLO);

  assert.equal(first.confirmMs.count, 100);
  assert.equal(first.confirmMs.max, 100);
  assert.equal(second.confirmMs.max, 200);
  assert.equal(first.achievedEventsPerS, 1000);
  assert.equal(first.sendLatenessMs.max, 0);
  assert.equal(second.sendLatenessMs.max, 1);
  assert.deepEqual(first.errors, { confirm_timeout: 1 });
  assert.deepEqual(second.errors, { confirm_timeout: 1, send_failed: 1 });
  assert.equal(first.connFailRate, 0);
  assert.equal(second.connFailRate, 0.1);
  assert.equal(second.connectAttempts, 10);
});

test('stage samples of an unknown stage are empty', () => {
  const registry = new MetricRegistry();
  trackStages(registry);

  const step = computeStepResult(stageSamplesFromRegistry(registry, 'capacity', stage(7)), DEFAULT_SLO);

  assert.equal(step.batchesConfirmed, 0);
  assert.deepEqual(step.errors, {});
  assert.deepEqual(step.slo.breached, ['confirms']);
});
