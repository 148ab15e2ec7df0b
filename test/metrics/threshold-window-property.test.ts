import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';

import { MetricRegistry } from '../../src/metrics/registry.ts';
import { parseThresholdExpression } from '../../src/metrics/thresholds/expression.ts';
import { Thresholds } from '../../src/metrics/thresholds/thresholds.ts';

// Each step adds some passing and failing samples to a Rate, then evaluates after `advanceMs`.
const stepArbitrary = fc.record({ advanceMs: fc.integer({ min: 200, max: 3000 }), passes: fc.nat(20), fails: fc.nat(20) });

test('time window matches brute force', () => {
  fc.assert(
    fc.property(fc.array(stepArbitrary, { minLength: 1, maxLength: 25 }), fc.constantFrom(1000, 2000, 4500, 7000), (steps, windowMs) => {
      const registry = new MetricRegistry();
      const errors = registry.define('errors', 'rate');
      const thresholds = new Thresholds({ errors: [{ threshold: 'rate<0.3', window: windowMs, abortOnFail: true }] }, registry);
      thresholds.start();

      const evaluatedAt: number[] = [0];
      let elapsed = 0;
      let judged = 0;
      steps.forEach((step, k) => {
        for (let i = 0; i < step.passes; i++) errors.add(1, {});
        for (let i = 0; i < step.fails; i++) errors.add(0, {});
        elapsed += step.advanceMs;

        // The window starts at the latest earlier evaluation at least windowMs ago; samples of step j
        // were added between evaluatedAt[j] and evaluatedAt[j + 1].
        let expectedFailing = false;
        if (elapsed >= windowMs) {
          judged++;
          let base = 0;
          for (let j = 0; j < evaluatedAt.length; j++) if (evaluatedAt[j]! <= elapsed - windowMs) base = j;
          let passes = 0;
          let total = 0;
          for (let j = base; j <= k; j++) {
            passes += steps[j]!.passes;
            total += steps[j]!.passes + steps[j]!.fails;
          }
          expectedFailing = (total === 0 ? 0 : passes / total) >= 0.3;
        }

        const evaluation = thresholds.evaluate(elapsed);
        assert.equal(evaluation.abort, expectedFailing, `step ${k} at ${elapsed} ms`);
        evaluatedAt.push(elapsed);
      });

      assert.equal(thresholds.results().errors![`rate<0.3 [${windowMs}ms]`]!.judged, judged);
    }),
    { numRuns: 300 },
  );
});

test('expression parse ignores spacing', () => {
  const aggregation = fc.oneof(
    fc.constantFrom('avg', 'min', 'max', 'med', 'rate', 'count', 'value'),
    fc.integer({ min: 0, max: 1000 }).map((n) => `p(${n / 10})`),
  );
  const operator = fc.constantFrom('<', '<=', '>', '>=', '==', '===', '!=');
  // -0 prints as "0", so it is generated as 0.
  const limit = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((v) => (v === 0 ? 0 : v));
  const space = fc.constantFrom('', ' ', '  ', '\t');
  fc.assert(
    fc.property(aggregation, operator, limit, space, space, space, space, (agg, op, value, s1, s2, s3, s4) => {
      const parsed = parseThresholdExpression(`${s1}${agg}${s2}${op}${s3}${value}${s4}`);
      assert.equal(parsed.aggregation, agg);
      assert.equal(parsed.operator, op);
      assert.equal(parsed.limit, value);
    }),
    { numRuns: 500 },
  );
});

test('stage window matches brute force', () => {
  const stageArbitrary = fc.record({ scenario: fc.constantFrom('a', 'b'), passes: fc.nat(10), fails: fc.nat(10) });
  fc.assert(
    fc.property(fc.array(stageArbitrary, { minLength: 1, maxLength: 12 }), (stages) => {
      const registry = new MetricRegistry();
      const errors = registry.define('errors', 'rate');
      const thresholds = new Thresholds({ errors: [{ threshold: 'rate<0.3', window: 'stage' }] }, registry);
      thresholds.start();

      const nextIndex: Record<string, number> = { a: 0, b: 0 };
      const expected: [string, string, number][] = [];
      stages.forEach((stage, k) => {
        const index = String(nextIndex[stage.scenario]!++);
        const tags = { scenario: stage.scenario, stage: index };
        thresholds.onStageStart(stage.scenario, index, k * 1000);
        for (let i = 0; i < stage.passes; i++) errors.add(1, tags);
        for (let i = 0; i < stage.fails; i++) errors.add(0, tags);
        thresholds.onStageEnd(stage.scenario, index, (k + 1) * 1000);

        const total = stage.passes + stage.fails;
        if (total > 0 && stage.passes / total >= 0.3) expected.push([stage.scenario, index, stage.passes / total]);
      });
      thresholds.finish(stages.length * 1000);

      const result = thresholds.results().errors!['rate<0.3 [stage]']!;
      assert.deepEqual(
        result.failures.map((f) => [f.scenario, f.stage, f.value]),
        expected,
      );
      assert.equal(result.ok, expected.length === 0);
    }),
    { numRuns: 300 },
  );
});
