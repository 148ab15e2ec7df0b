import assert from 'node:assert/strict';
import { test } from 'node:test';

import { judgeStep, type SloInputs } from '../../src/report/slo.ts';

const SLO = { p95Ms: 500, errRate: 0.01, connFailRate: 0.001 };

function inputs(overrides: Partial<SloInputs>): SloInputs {
  return { targetEventsPerS: 1000, batchesConfirmed: 50, confirmMs: { p95: 100 }, errorRate: 0, connFailRate: 0, ...overrides };
}

const cases: { name: string; step: SloInputs; reasons: string[] }[] = [
  { name: 'all within', step: inputs({}), reasons: [] },
  { name: 'values at the limits', step: inputs({ confirmMs: { p95: 500 }, errorRate: 0.01, connFailRate: 0.001 }), reasons: [] },
  { name: 'p95 over', step: inputs({ confirmMs: { p95: 612.4 } }), reasons: ['p95 612 ms > 500 ms'] },
  { name: 'error rate over', step: inputs({ errorRate: 0.021 }), reasons: ['error rate 2.1% > 1%'] },
  { name: 'connection failures over', step: inputs({ connFailRate: 0.005 }), reasons: ['connection failure rate 0.5% > 0.1%'] },
  {
    name: 'all three over',
    step: inputs({ confirmMs: { p95: 1500 }, errorRate: 0.5, connFailRate: 0.25 }),
    reasons: ['p95 1,500 ms > 500 ms', 'error rate 50% > 1%', 'connection failure rate 25% > 0.1%'],
  },
  { name: 'nothing confirmed', step: inputs({ batchesConfirmed: 0, confirmMs: { p95: 0 } }), reasons: ['no batch confirmed during the step'] },
  { name: 'idle step', step: inputs({ targetEventsPerS: 0, batchesConfirmed: 0 }), reasons: [] },
];

for (const c of cases) {
  test(`slo verdict: ${c.name}`, () => {
    const verdict = judgeStep(SLO, c.step);

    assert.deepEqual(verdict.reasons, c.reasons);
    assert.equal(verdict.met, c.reasons.length === 0);
    assert.equal(verdict.breached.length, c.reasons.length);
  });
}
