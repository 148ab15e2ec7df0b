import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CheckTree } from '../../src/metrics/checks.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';
import { Thresholds } from '../../src/metrics/thresholds/thresholds.ts';
import { buildSummaryData } from '../../src/summary/data.ts';

const state = { isStdOutTTY: false, isStdErrTTY: true, testRunDurationMs: 2000 };

function filledRegistry() {
  const registry = new MetricRegistry();
  const events = registry.define('events_sent', 'counter');
  const errors = registry.define('errors', 'rate');
  const agents = registry.define('agents', 'gauge');
  const confirm = registry.define('confirm_duration', 'trend', 'time');
  const bytes = registry.define('data_sent', 'counter', 'data');
  registry.define('never_used', 'counter');

  for (const value of [2, 3, 5]) events.add(value, {});
  errors.add(1, {});
  errors.add(0, {});
  errors.add(0, {});
  errors.add(0, {});
  agents.add(4, {});
  agents.add(9, {});
  agents.add(7, {});
  // Values below 2.048 ms are exact in the histogram, so every statistic below is exact.
  for (const value of [0.5, 1, 1.5, 2]) confirm.add(value, { code: 'ok' });
  bytes.add(2048, {});
  return { registry, events, errors, agents, confirm, bytes };
}

test('values per metric type', () => {
  const { registry } = filledRegistry();
  const data = buildSummaryData({
    registry,
    rootGroup: new CheckTree().snapshot(),
    options: { summaryTrendStats: ['avg', 'min', 'max', 'med', 'count', 'p(75)'] },
    state,
  });

  assert.deepEqual(Object.keys(data.metrics), ['agents', 'confirm_duration', 'data_sent', 'errors', 'events_sent']);
  // A counter's count is the sum of its values; its rate is per second over the 2 s run.
  assert.deepEqual(data.metrics.events_sent, { type: 'counter', contains: 'default', values: { count: 10, rate: 5 } });
  assert.deepEqual(data.metrics.data_sent, { type: 'counter', contains: 'data', values: { count: 2048, rate: 1024 } });
  assert.deepEqual(data.metrics.errors, { type: 'rate', contains: 'default', values: { rate: 0.25, passes: 1, fails: 3 } });
  assert.deepEqual(data.metrics.agents, { type: 'gauge', contains: 'default', values: { value: 7, min: 4, max: 9 } });
  assert.deepEqual(data.metrics.confirm_duration, {
    type: 'trend',
    contains: 'time',
    values: { avg: 1.25, min: 0.5, max: 2, med: 1, count: 4, 'p(75)': 1.5 },
  });
});

test('top-level fields in k6 shape', () => {
  const { registry } = filledRegistry();
  const tree = new CheckTree();
  tree.check('::login', 'approved', true);
  const data = buildSummaryData({
    registry,
    rootGroup: tree.snapshot(),
    options: {},
    state,
    insecureTlsPeers: ['127.0.0.1:8445', '127.0.0.1:8444', '127.0.0.1:8445'],
  });

  assert.deepEqual(Object.keys(data), ['metrics', 'root_group', 'options', 'state', 'frameload']);
  assert.deepEqual(data.options, { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: false });
  assert.deepEqual(data.state, { isStdOutTTY: false, isStdErrTTY: true, testRunDurationMs: 2000 });
  assert.equal(data.root_group.groups[0]!.checks[0]!.path, '::login::approved');
  assert.deepEqual(data.frameload.tls_verification, { disabled_for: ['127.0.0.1:8444', '127.0.0.1:8445'] });
  assert.equal(data.frameload.steps, undefined);
  assert.deepEqual(Object.keys(data.metrics.confirm_duration!.values), ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
  assert.deepEqual(JSON.parse(JSON.stringify(data)), data);
});

test('threshold and breakdown submetrics listed', () => {
  const { registry, confirm } = filledRegistry();
  const errors = registry.define('agent_errors', 'counter');
  errors.breakdown(['code'], true);
  errors.breakdown(['scenario', 'stage'], false);
  const thresholds = new Thresholds(
    {
      'agent_errors{code:timeout}': ['count<1'],
      'agent_errors{code:reset}': ['count<1'],
      confirm_duration: ['max<10', { threshold: 'max<10', window: 'stage' }],
      never_used: ['count<1'],
    },
    registry,
  );
  thresholds.start();
  errors.add(1, { code: 'timeout', scenario: 's', stage: '0' });
  errors.add(2, { code: 'refused', scenario: 's', stage: '0' });
  confirm.add(1, { scenario: 's', stage: '0' });
  thresholds.finish(2000);

  const data = buildSummaryData({ registry, rootGroup: new CheckTree().snapshot(), thresholds: thresholds.results(), options: {}, state });

  assert.deepEqual(Object.keys(data.metrics), [
    'agent_errors',
    'agent_errors{code:refused}',
    'agent_errors{code:reset}',
    'agent_errors{code:timeout}',
    'agents',
    'confirm_duration',
    'data_sent',
    'errors',
    'events_sent',
    'never_used',
  ]);
  assert.deepEqual(data.metrics['agent_errors{code:timeout}'], {
    type: 'counter',
    contains: 'default',
    values: { count: 1, rate: 0.5 },
    thresholds: { 'count<1': { ok: false } },
  });
  // A threshold's submetric is listed even without samples, so its verdict shows.
  assert.deepEqual(data.metrics['agent_errors{code:reset}']!.values, { count: 0, rate: 0 });
  assert.deepEqual(data.metrics['agent_errors{code:refused}']!.values, { count: 2, rate: 1 });
  assert.equal(data.metrics['agent_errors{code:refused}']!.thresholds, undefined);
  assert.deepEqual(data.metrics.confirm_duration!.thresholds, { 'max<10': { ok: true }, 'max<10 [stage]': { ok: true } });
  assert.deepEqual(data.metrics.never_used!.thresholds, { 'count<1': { ok: true } });

  const stageDetail = data.frameload.thresholds.confirm_duration!['max<10 [stage]']!;
  assert.equal(stageDetail.window, 'stage');
  assert.equal(stageDetail.judged, 1);
  assert.equal(stageDetail.value, 1);
});
