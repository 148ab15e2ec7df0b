import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect, spawnCli, tempDir, waitForOutput, writeFiles } from '../helpers.ts';

interface SummaryExport {
  metrics: Record<string, { values: Record<string, number> }>;
}

/** Starts a run, waits until setup has printed "ready", and returns the child with its paths. */
async function startRun(t: Parameters<typeof tempDir>[0], script: string) {
  const dir = tempDir(t);
  const path = writeFiles(dir, { 'script.ts': script });
  const exportPath = join(dir, 'summary.json');
  const child = spawnCli(['run', '--quiet', '--summary-export', exportPath, path], { cwd: dir });
  t.after(() => child.kill('SIGKILL'));
  const done = collect(child, 60_000);
  await waitForOutput(child, 'stderr', /ready/);
  return { dir, child, done, exportPath };
}

const teardownWritesFile = `export function teardown() { writeFileSync('teardown.txt', 'ran'); }`;

test('first Ctrl-C stops within gracefulStop and keeps the summary', async (t) => {
  const { dir, child, done, exportPath } = await startRun(
    t,
    `import { sleep } from 'frameload';
import { Counter } from 'frameload/metrics';
import { writeFileSync } from 'node:fs';
const finished = new Counter('finished');
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '1m', gracefulStop: '5s' } } };
export function setup() { console.error('ready'); }
export default async function () {
  await sleep(0.4);
  finished.add(1);
}
${teardownWritesFile}
`,
  );
  await new Promise((r) => setTimeout(r, 1000));
  const signalled = performance.now();
  child.kill('SIGINT');
  const r = await done;
  const elapsed = performance.now() - signalled;

  assert.equal(r.code, 105, r.stderr);
  assert.ok(elapsed < 5000, `exited ${Math.round(elapsed)} ms after Ctrl-C, beyond gracefulStop`);
  assert.equal(readFileSync(join(dir, 'teardown.txt'), 'utf8'), 'ran');
  const summary = JSON.parse(readFileSync(exportPath, 'utf8')) as SummaryExport;
  // Iterations running at the signal finish within gracefulStop, so every started one is counted.
  assert.equal(summary.metrics.finished!.values.count, summary.metrics.iterations!.values.count);
  assert.ok(summary.metrics.iterations!.values.count >= 4);
});

test('interrupted iterations leave no samples', async (t) => {
  const { child, done, exportPath } = await startRun(
    t,
    `import { check, sleep } from 'frameload';
import { Trend } from 'frameload/metrics';
const after = new Trend('after_sleep');
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 3, duration: '1m', gracefulStop: '0s' } },
  // Fails, but the Ctrl-C decides the exit code.
  thresholds: { iterations: ['count>100'] },
};
export function setup() { console.error('ready'); }
export default async function () {
  try {
    await sleep(30);
  } catch {
    // The interruption rejects the sleep; a script that catches it may still call check().
    check(0, { 'after the interruption': () => false });
    return;
  }
  after.add(1);
}
`,
  );
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const r = await done;
  assert.equal(r.code, 105, r.stderr);
  const summary = JSON.parse(readFileSync(exportPath, 'utf8')) as SummaryExport;
  assert.equal(summary.metrics.iterations?.values.count ?? 0, 0);
  assert.equal(summary.metrics.after_sleep?.values.count ?? 0, 0);
  assert.equal(summary.metrics.iteration_duration?.values.count ?? 0, 0);
  assert.equal(summary.metrics.checks?.values.fails ?? 0, 0);
  assert.deepEqual((summary as unknown as { root_group: { checks: unknown[] } }).root_group.checks, []);
});

test('second Ctrl-C exits at once and still writes the export', async (t) => {
  const { dir, child, done, exportPath } = await startRun(
    t,
    `import { sleep } from 'frameload';
import { writeFileSync } from 'node:fs';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '1m', gracefulStop: '30s' } } };
export function setup() { console.error('ready'); }
export default async function () { await sleep(60); }
${teardownWritesFile}
`,
  );
  child.kill('SIGINT');
  await waitForOutput(child, 'stderr', /press Ctrl-C again/);
  const signalled = performance.now();
  child.kill('SIGINT');
  const r = await done;
  const elapsed = performance.now() - signalled;
  assert.equal(r.code, 105, r.stderr);
  assert.ok(elapsed < 3000, `exited ${Math.round(elapsed)} ms after the second Ctrl-C`);
  assert.ok(existsSync(exportPath), 'summary export written');
  assert.equal(existsSync(join(dir, 'teardown.txt')), false, 'teardown is skipped on a hard stop');
});
