import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { MetricRegistry } from '../../src/metrics/registry.ts';
import { ThresholdConfigError } from '../../src/metrics/thresholds/errors.ts';
import { Thresholds } from '../../src/metrics/thresholds/thresholds.ts';

function addMany(metric: { add(value: number, tags: Record<string, string>): void }, value: number, count: number, tags: Record<string, string> = {}): void {
  for (let i = 0; i < count; i++) metric.add(value, tags);
}

describe('whole-run thresholds', () => {
  test('trend, counter, rate and gauge verdicts', () => {
    const registry = new MetricRegistry();
    const duration = registry.define('confirm_duration', 'trend', 'time');
    const events = registry.define('events_sent', 'counter');
    const errors = registry.define('errors', 'rate');
    const agents = registry.define('agents', 'gauge');
    const thresholds = new Thresholds(
      {
        confirm_duration: ['p(95)<500', 'avg<=300', 'max<1000', 'count>=20'],
        events_sent: ['count>=1000', 'rate>=100'],
        errors: ['rate<0.05'],
        agents: ['value==200', 'max<=200'],
      },
      registry,
    );
    thresholds.start();

    // 2 ms is below the histogram's exact range limit, so p(95) is exact.
    addMany(duration, 2, 19);
    duration.add(2000, {});
    addMany(events, 100, 10);
    addMany(errors, 0, 9);
    errors.add(1, {});
    agents.add(150, {});
    agents.add(200, {});

    const evaluation = thresholds.finish(10_000);
    const results = thresholds.results();

    assert.equal(results.confirm_duration!['p(95)<500']!.ok, true);
    assert.equal(results.confirm_duration!['p(95)<500']!.value, 2);
    assert.equal(results.confirm_duration!['avg<=300']!.ok, true);
    assert.equal(results.confirm_duration!['avg<=300']!.value, 101.9);
    assert.equal(results.confirm_duration!['max<1000']!.ok, false);
    assert.equal(results.confirm_duration!['max<1000']!.value, 2000);
    assert.equal(results.confirm_duration!['count>=20']!.ok, true);
    assert.equal(results.events_sent!['count>=1000']!.ok, true);
    // 1,000 events over 10 s is 100 per second, exactly at the limit.
    assert.equal(results.events_sent!['rate>=100']!.value, 100);
    assert.equal(results.events_sent!['rate>=100']!.ok, true);
    assert.equal(results.errors!['rate<0.05']!.value, 0.1);
    assert.equal(results.errors!['rate<0.05']!.ok, false);
    assert.equal(results.agents!['value==200']!.ok, true);
    assert.equal(results.agents!['max<=200']!.ok, true);

    assert.deepEqual(
      evaluation.failed.map((s) => `${s.metric} ${s.label}`),
      ['confirm_duration max<1000', 'errors rate<0.05'],
    );
    assert.equal(evaluation.abort, false);
  });

  test('submetric judged on its tags only', () => {
    const registry = new MetricRegistry();
    const errors = registry.define('agent_errors', 'counter');
    const thresholds = new Thresholds({ 'agent_errors{ code: timeout }': ['count<3'], agent_errors: ['count<10'] }, registry);
    thresholds.start();

    addMany(errors, 1, 3, { code: 'timeout' });
    addMany(errors, 1, 5, { code: 'refused' });
    thresholds.finish(1000);
    const results = thresholds.results();

    assert.equal(results['agent_errors{code:timeout}']!['count<3']!.ok, false);
    assert.equal(results['agent_errors{code:timeout}']!['count<3']!.value, 3);
    assert.equal(results.agent_errors!['count<10']!.value, 8);
    assert.equal(results.agent_errors!['count<10']!.ok, true);
    assert.ok(errors.submetrics.has('agent_errors{code:timeout}'));
  });

  test('metric defined after construction resolves at start', () => {
    const registry = new MetricRegistry();
    const thresholds = new Thresholds({ late_metric: ['count>0'] }, registry);
    registry.define('late_metric', 'counter').add(1, {});
    thresholds.start();
    assert.equal(thresholds.finish(1000).failed.length, 0);
  });

  test('unknown metric rejected at start', () => {
    const registry = new MetricRegistry();
    const thresholds = new Thresholds({ 'missing{code:x}': ['count<1'] }, registry);
    assert.throws(() => thresholds.start(), (error: unknown) => {
      assert.ok(error instanceof ThresholdConfigError);
      assert.equal(
        error.message,
        'invalid threshold "count<1" on "missing{code:x}": no metric named "missing" is defined; check the name, or define it in the init code',
      );
      return true;
    });
  });

  const wrongAggregations: [string, 'counter' | 'gauge' | 'rate' | 'trend', string][] = [
    ['avg<1', 'counter', 'aggregation "avg" does not apply to a counter metric; expected count or rate'],
    ['p(95)<1', 'counter', 'aggregation "p(95)" does not apply to a counter metric; expected count or rate'],
    ['rate<1', 'gauge', 'aggregation "rate" does not apply to a gauge metric; expected value, min or max'],
    ['count<1', 'rate', 'aggregation "count" does not apply to a rate metric; expected rate'],
    ['value<1', 'trend', 'aggregation "value" does not apply to a trend metric; expected avg, min, max, med, p(N) or count'],
    ['rate<1', 'trend', 'aggregation "rate" does not apply to a trend metric; expected avg, min, max, med, p(N) or count'],
  ];
  test('gauge extremes rejected in time window', () => {
    const registry = new MetricRegistry();
    registry.define('agents', 'gauge');
    const thresholds = new Thresholds({ agents: [{ threshold: 'max<10', window: '30s' }, { threshold: 'value<10', window: '30s' }] }, registry);
    assert.throws(() => thresholds.start(), {
      code: 'invalid_threshold',
      message: 'invalid threshold "max<10" on "agents": a gauge\'s max cannot be judged over a time window, because gauges keep no samples; use "value", or window: "stage"',
    });
  });

  for (const [expression, type, reason] of wrongAggregations) {
    test(`${expression} rejected on ${type}`, () => {
      const registry = new MetricRegistry();
      registry.define('m', type);
      const thresholds = new Thresholds({ m: [expression] }, registry);
      assert.throws(() => thresholds.start(), (error: unknown) => {
        assert.ok(error instanceof ThresholdConfigError);
        assert.equal(error.message, `invalid threshold "${expression}" on "m": ${reason}`);
        return true;
      });
    });
  }
});

describe('abortOnFail', () => {
  test('abort waits for delayAbortEval', () => {
    const registry = new MetricRegistry();
    const duration = registry.define('confirm_duration', 'trend', 'time');
    const thresholds = new Thresholds(
      {
        confirm_duration: [
          { threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '5s' },
          'avg<500',
        ],
      },
      registry,
    );
    thresholds.start();
    addMany(duration, 800, 10);

    const early = thresholds.evaluate(2000);
    assert.equal(early.failed.length, 2);
    assert.equal(early.abort, false);

    const justBefore = thresholds.evaluate(4999);
    assert.equal(justBefore.abort, false);

    const due = thresholds.evaluate(5000);
    assert.equal(due.abort, true);
    assert.deepEqual(
      due.abortedBy.map((s) => s.label),
      ['p(95)<500'],
    );
  });

  test('recovered threshold does not abort', () => {
    const registry = new MetricRegistry();
    const errors = registry.define('errors', 'rate');
    const thresholds = new Thresholds({ errors: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '4s' }] }, registry);
    thresholds.start();

    errors.add(1, {});
    assert.equal(thresholds.evaluate(2000).abort, false);
    addMany(errors, 0, 9);
    const later = thresholds.evaluate(4000);
    assert.equal(later.failed.length, 0);
    assert.equal(later.abort, false);
  });

  test('no abort without abortOnFail', () => {
    const registry = new MetricRegistry();
    registry.define('errors', 'rate').add(1, {});
    const thresholds = new Thresholds({ errors: ['rate<0.5'] }, registry);
    thresholds.start();
    const evaluation = thresholds.evaluate(60_000);
    assert.equal(evaluation.failed.length, 1);
    assert.equal(evaluation.abort, false);
  });
});

describe('stage windows', () => {
  function stageSetup(option: Record<string, unknown>) {
    const registry = new MetricRegistry();
    const duration = registry.define('confirm_duration', 'trend', 'time');
    const thresholds = new Thresholds({ confirm_duration: [option] }, registry);
    thresholds.start();
    return { duration, thresholds };
  }

  test('breach in stage 1 names stage 1', () => {
    const { duration, thresholds } = stageSetup({ threshold: 'p(95)<500', window: 'stage' });
    const stage0 = { scenario: 'ramp', stage: '0' };
    const stage1 = { scenario: 'ramp', stage: '1' };

    thresholds.onStageStart('ramp', 0, 0);
    addMany(duration, 100, 100, stage0);
    thresholds.onStageEnd('ramp', 0, 3000);
    thresholds.onStageStart('ramp', 1, 3000);
    addMany(duration, 100, 90, stage1);
    addMany(duration, 900, 10, stage1);
    thresholds.onStageEnd('ramp', 1, 6000);
    thresholds.finish(6000);

    const result = thresholds.results().confirm_duration!['p(95)<500 [stage]']!;
    assert.equal(result.ok, false);
    assert.equal(result.window, 'stage');
    assert.equal(result.judged, 2);
    assert.equal(result.value, 900);
    assert.deepEqual(result.failures, [{ value: 900, scenario: 'ramp', stage: '1', fromMs: 3000, toMs: 6000 }]);
  });

  test('whole run passes where a stage fails', () => {
    const registry = new MetricRegistry();
    const duration = registry.define('confirm_duration', 'trend', 'time');
    const thresholds = new Thresholds({ confirm_duration: ['avg<300', { threshold: 'avg<300', window: 'stage' }] }, registry);
    thresholds.start();

    addMany(duration, 100, 30, { scenario: 'ramp', stage: '0' });
    addMany(duration, 400, 10, { scenario: 'ramp', stage: '1' });
    thresholds.onStageEnd('ramp', 0, 1000);
    thresholds.onStageEnd('ramp', 1, 2000);
    thresholds.finish(2000);

    const results = thresholds.results().confirm_duration!;
    assert.equal(results['avg<300']!.ok, true);
    assert.equal(results['avg<300']!.value, 175);
    assert.equal(results['avg<300 [stage]']!.ok, false);
    assert.equal(results['avg<300 [stage]']!.failures[0]!.stage, '1');
    assert.equal(results['avg<300 [stage]']!.failures[0]!.value, 400);
  });

  test('counter rate per stage duration', () => {
    const registry = new MetricRegistry();
    const events = registry.define('events', 'counter');
    const thresholds = new Thresholds({ events: [{ threshold: 'rate>=100', window: 'stage' }] }, registry);
    thresholds.start();

    thresholds.onStageStart('load', 0, 1000);
    addMany(events, 100, 4, { scenario: 'load', stage: '0' }); // 400 events over 2 s
    thresholds.onStageEnd('load', 0, 3000);
    thresholds.onStageStart('load', 1, 3000);
    addMany(events, 100, 3, { scenario: 'load', stage: '1' }); // 300 events over 4 s
    thresholds.onStageEnd('load', 1, 7000);
    thresholds.finish(7000);

    const result = thresholds.results().events!['rate>=100 [stage]']!;
    assert.equal(result.judged, 2);
    assert.deepEqual(result.failures, [{ value: 75, scenario: 'load', stage: '1', fromMs: 3000, toMs: 7000 }]);
  });

  test('failed stage aborts at next evaluation', () => {
    const { duration, thresholds } = stageSetup({ threshold: 'max<500', window: 'stage', abortOnFail: true });
    thresholds.onStageStart('ramp', 0, 0);
    addMany(duration, 100, 5, { scenario: 'ramp', stage: '0' });
    thresholds.onStageEnd('ramp', 0, 2000);
    assert.equal(thresholds.evaluate(2000).abort, false);

    thresholds.onStageStart('ramp', 1, 2000);
    addMany(duration, 600, 5, { scenario: 'ramp', stage: '1' });
    thresholds.onStageEnd('ramp', 1, 4000);
    const evaluation = thresholds.evaluate(4100);
    assert.equal(evaluation.abort, true);
    assert.equal(evaluation.abortedBy[0]!.failure!.stage, '1');
    assert.equal(evaluation.abortedBy[0]!.failure!.value, 600);
  });

  test('running stage judged after its delay', () => {
    const { duration, thresholds } = stageSetup({ threshold: 'max<500', window: 'stage', abortOnFail: true, delayAbortEval: '3s' });
    thresholds.onStageStart('ramp', 0, 0);
    addMany(duration, 100, 5, { scenario: 'ramp', stage: '0' });
    thresholds.onStageStart('ramp', 1, 10_000);
    addMany(duration, 700, 1, { scenario: 'ramp', stage: '1' });

    const early = thresholds.evaluate(12_000);
    assert.equal(early.abort, false);
    assert.equal(early.failed.length, 0);

    const due = thresholds.evaluate(13_000);
    assert.equal(due.abort, true);
    assert.equal(due.failed.length, 1);
    assert.deepEqual(due.abortedBy[0]!.failure, { value: 700, scenario: 'ramp', stage: '1', fromMs: 10_000, toMs: 13_000 });
    // Starting stage 1 ended stage 0, which passed.
    assert.equal(thresholds.results().confirm_duration!['max<500 [stage]']!.failures.length, 0);
  });

  test('scenarios judged separately', () => {
    const { duration, thresholds } = stageSetup({ threshold: 'avg<500', window: 'stage' });
    addMany(duration, 100, 5, { scenario: 'a', stage: '0' });
    addMany(duration, 900, 5, { scenario: 'b', stage: '0' });
    thresholds.finish(5000);
    const result = thresholds.results().confirm_duration!['avg<500 [stage]']!;
    assert.equal(result.judged, 2);
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0]!.scenario, 'b');
  });

  test('gauge extremes per stage', () => {
    const registry = new MetricRegistry();
    const agents = registry.define('agents', 'gauge');
    const thresholds = new Thresholds({ agents: [{ threshold: 'max<=5', window: 'stage' }] }, registry);
    thresholds.start();
    agents.add(5, { scenario: 's', stage: '0' });
    agents.add(8, { scenario: 's', stage: '1' });
    agents.add(2, { scenario: 's', stage: '1' });
    thresholds.onStageEnd('s', 0, 1000);
    thresholds.onStageEnd('s', 1, 2000);
    thresholds.finish(2000);
    const result = thresholds.results().agents!['max<=5 [stage]']!;
    assert.deepEqual(
      result.failures.map((f) => [f.stage, f.value]),
      [['1', 8]],
    );
  });

  test('submetric filter applies per stage', () => {
    const registry = new MetricRegistry();
    const errors = registry.define('errors', 'counter');
    const thresholds = new Thresholds({ 'errors{code:timeout}': [{ threshold: 'count<2', window: 'stage' }] }, registry);
    thresholds.start();
    addMany(errors, 1, 5, { scenario: 's', stage: '0', code: 'refused' });
    addMany(errors, 1, 1, { scenario: 's', stage: '0', code: 'timeout' });
    addMany(errors, 1, 2, { scenario: 's', stage: '1', code: 'timeout' });
    thresholds.onStageEnd('s', 0, 1000);
    thresholds.onStageEnd('s', 1, 2000);
    thresholds.finish(2000);
    const result = thresholds.results()['errors{code:timeout}']!['count<2 [stage]']!;
    assert.deepEqual(
      result.failures.map((f) => [f.stage, f.value]),
      [['1', 2]],
    );
  });
});

describe('time windows', () => {
  function windowSetup() {
    const registry = new MetricRegistry();
    const errors = registry.define('errors', 'rate');
    const thresholds = new Thresholds({ errors: [{ threshold: 'rate<0.3', window: '4s', abortOnFail: true }, 'rate<0.3'] }, registry);
    thresholds.start();
    return { errors, thresholds };
  }

  test('breach judged on last 4 s', () => {
    const { errors, thresholds } = windowSetup();

    // 10 samples per 2 s; 8 of the 10 between 4 s and 6 s fail, every other sample passes.
    const failing = [0, 0, 8, 0, 0, 0];
    const failed: boolean[] = [];
    const aborts: boolean[] = [];
    for (let i = 0; i < failing.length; i++) {
      addMany(errors, 1, failing[i]!);
      addMany(errors, 0, 10 - failing[i]!);
      const evaluation = thresholds.evaluate((i + 1) * 2000);
      failed.push(evaluation.failed.some((s) => s.label === 'rate<0.3 [4s]'));
      aborts.push(evaluation.abort);
    }

    // The windows ending at 6 s and 8 s hold 8 failures in 20 samples (0.4); the failure stays recorded.
    assert.deepEqual(failed, [false, false, true, true, true, true]);
    assert.deepEqual(aborts, [false, false, true, true, false, false]);
    const result = thresholds.results().errors!['rate<0.3 [4s]']!;
    assert.equal(result.judged, 5);
    assert.deepEqual(result.failures, [{ value: 0.4, fromMs: 2000, toMs: 8000 }]);

    thresholds.finish(12_000);
    const results = thresholds.results().errors!;
    assert.equal(results['rate<0.3 [4s]']!.ok, false);
    assert.equal(results['rate<0.3 [4s]']!.window, '4s');
    assert.equal(results['rate<0.3 [4s]']!.value, 0.4);
    // Over the whole run, 8 failures in 60 samples pass.
    assert.equal(results['rate<0.3']!.ok, true);
  });

  test('short test judged once on everything', () => {
    const { errors, thresholds } = windowSetup();
    addMany(errors, 1, 1);
    addMany(errors, 0, 1);
    const running = thresholds.evaluate(2000);
    assert.deepEqual(
      running.failed.map((s) => s.label),
      ['rate<0.3'],
    );
    thresholds.finish(3000);
    const result = thresholds.results().errors!['rate<0.3 [4s]']!;
    assert.equal(result.judged, 1);
    assert.deepEqual(result.failures, [{ value: 0.5, fromMs: 0, toMs: 3000 }]);
  });

  test('trend percentile over window', () => {
    const registry = new MetricRegistry();
    const duration = registry.define('d', 'trend', 'time');
    const thresholds = new Thresholds({ d: [{ threshold: 'max<500', window: '2s' }] }, registry);
    thresholds.start();
    addMany(duration, 900, 3);
    thresholds.evaluate(2000);
    addMany(duration, 100, 3);
    thresholds.evaluate(4000);
    const result = thresholds.results().d!['max<500 [2s]']!;
    // The first window saw 900 ms and failed; the second saw only 100 ms samples.
    assert.equal(result.judged, 2);
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0]!.toMs, 2000);
    assert.ok(Math.abs(result.failures[0]!.value - 900) <= 0.9, `value ${result.failures[0]!.value}`);
  });
});
