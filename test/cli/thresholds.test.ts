import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir, writeFiles } from '../helpers.ts';

test('abortOnFail stops the run early with 99', async (t) => {
  const dir = tempDir(t);
  const path = writeFiles(dir, {
    'script.ts': `import { sleep } from 'frameload';
import { Trend } from 'frameload/metrics';
const latency = new Trend('latency', true);
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '30s', gracefulStop: '1s' } },
  thresholds: { latency: [{ threshold: 'max<10', abortOnFail: true, delayAbortEval: '1s' }] },
};
export default async function () { latency.add(100); await sleep(0.05); }
`,
  });
  const started = performance.now();
  const r = await runCli(['run', '--quiet', path], { cwd: dir });
  const elapsed = performance.now() - started;
  assert.equal(r.code, 99, r.stderr);
  assert.match(r.stderr, /threshold with abortOnFail failed: max<10/);
  assert.ok(elapsed < 15_000, `ran ${Math.round(elapsed)} ms of a 30 s test`);
});

test('stage window names the breaching stage', async (t) => {
  const dir = tempDir(t);
  const path = writeFiles(dir, {
    'script.ts': `import { Trend } from 'frameload/metrics';
import { scenario } from 'frameload/execution';
const latency = new Trend('latency', true);
export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-arrival-rate', startRate: 20, timeUnit: '1s', preAllocatedVUs: 2,
      stages: [ { duration: '1s', target: 20 }, { duration: '1s', target: 20 }, { duration: '1s', target: 20 } ],
    },
  },
  thresholds: { latency: ['max<100', { threshold: 'max<50', window: 'stage' }] },
};
// Stage 1 alone records 80 ms: over the stage limit, under the whole-run one.
export default function () { latency.add(scenario.stage === 1 ? 80 : 10); }
`,
  });
  const exportPath = join(dir, 'out.json');
  const r = await runCli(['run', '--quiet', '--summary-export', exportPath, path], { cwd: dir });
  assert.equal(r.code, 99, r.stderr);
  const summary = JSON.parse(readFileSync(exportPath, 'utf8'));
  assert.deepEqual(summary.metrics.latency.thresholds, { 'max<100': { ok: true }, 'max<50 [stage]': { ok: false } });
  const staged = summary.frameload.thresholds.latency['max<50 [stage]'];
  assert.equal(staged.judged, 3);
  assert.deepEqual(
    staged.failures.map((f: { stage: string; scenario: string; value: number }) => [f.scenario, f.stage, f.value]),
    [['ramp', '1', 80]],
  );
});
