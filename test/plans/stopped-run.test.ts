// Step results of a script other than the plans: a ramping-arrival-rate scenario that a threshold
// stops two seconds into its second step, next to a ramping-vus scenario. The reports are written
// anyway, with the stopped step marked partial.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import type { CapacityJson } from '../../src/report/capacity-json.ts';
import { runCli, tempDir, writeFiles } from '../helpers.ts';
import { serve } from './helpers.ts';

const SCRIPT = `
import { sleep } from 'frameload';
import { Agent } from 'frameload/agent';

export const options = {
  scenarios: {
    load: {
      executor: 'ramping-arrival-rate',
      startRate: 20,
      timeUnit: '1s',
      stages: [
        { duration: '4s', target: 20 },
        { duration: '0s', target: 40 },
        { duration: '30s', target: 40 },
      ],
      preAllocatedVUs: 10,
      gracefulStop: '2s',
    },
    idle: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [{ duration: '2s', target: 2 }],
      gracefulRampDown: '0s',
      exec: 'idle',
    },
  },
  thresholds: {
    // 80 batches in the 4 s first step, then 40 a second: the 160th comes 2 s into the second step.
    'agent_batches_confirmed{scenario:load}': [{ threshold: 'count<160', abortOnFail: true }],
  },
  slo: { scenario: 'load' },
  report: { dir: __ENV.REPORT_DIR },
};

const agent = new Agent({ host: __ENV.HOST, tls: false, batchSize: 100 });

export default async function () {
  await agent.sendBatch();
}

export async function idle() {
  await sleep(0.1);
}
`;

test('threshold-stopped run keeps its steps', async (t) => {
  const server = await serve(t, []);
  const dir = tempDir(t, 'frameload-stopped-');
  const script = writeFiles(dir, { 'stopped.ts': SCRIPT });
  const reportDir = join(dir, 'report');
  const summaryPath = join(dir, 'summary.json');
  const result = await runCli(['run', '--quiet', '--summary-export', summaryPath, '-e', `HOST=${server.host}`, '-e', `REPORT_DIR=${reportDir}`, script], { timeoutMs: 40_000 });

  assert.equal(result.code, 99, result.stderr);
  const report = JSON.parse(await readFile(join(reportDir, 'capacity.json'), 'utf8')) as CapacityJson;
  assert.deepEqual(report.steps.map((s) => [s.label, s.partial ?? false]), [
    ['load stage 0', false],
    ['load stage 2 (partial)', true],
  ]);
  assert.deepEqual(report.steps.map((s) => s.target_events_per_s), [2000, 4000]);
  assert.ok(report.steps[1]!.end_ms - report.steps[1]!.start_ms < 30_000, 'the partial step ran its whole 30 s');
  // The partial step met every objective but decides nothing: the capacity is the first step's target.
  assert.equal(report.steps[1]!.slo_met, true);
  assert.equal(report.max_sustainable_events_per_s, 2000);
  assert.equal(report.capacity_step, 0);

  // The summary lists the ramping-vus scenario's step too, though the report leaves it out.
  const summary = JSON.parse(await readFile(summaryPath, 'utf8')) as { frameload: { steps: { label: string; targetEventsPerS: number }[] } };
  assert.deepEqual(summary.frameload.steps.map((s) => s.label).sort(), ['idle stage 0 (2 VUs)', 'load stage 0', 'load stage 2 (partial)']);
  assert.equal(summary.frameload.steps.find((s) => s.label.startsWith('idle'))!.targetEventsPerS, 0);
});
