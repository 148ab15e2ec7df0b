import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir, writeFiles } from '../helpers.ts';

interface SummaryExport {
  metrics: Record<string, { type: string; values: Record<string, number> }>;
}

async function runScript(t: Parameters<typeof tempDir>[0], script: string, args: string[] = []) {
  const dir = tempDir(t);
  const path = writeFiles(dir, { 'script.ts': script });
  const exportPath = join(dir, 'summary.json');
  const r = await runCli(['run', '--quiet', '--summary-export', exportPath, ...args, path], { cwd: dir });
  assert.equal(r.code, 0, `exit code; stderr:\n${r.stderr}`);
  const summary = JSON.parse(readFileSync(exportPath, 'utf8')) as SummaryExport;
  return { dir, summary, stdout: r.stdout, stderr: r.stderr };
}

test('module scope is per VU', async (t) => {
  const { summary } = await runScript(
    t,
    `import { check } from 'frameload';
import { vu } from 'frameload/execution';
let count = 0;
const initVu = __VU;
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 4 } } };
export default function () {
  count++;
  check(count, {
    'own counter': (c) => c === vu.iterationInScenario + 1,
    'init saw its VU': () => initVu === vu.idInTest,
  });
}
`,
  );
  assert.equal(summary.metrics.checks!.values.passes, 24);
  assert.equal(summary.metrics.checks!.values.fails, 0);
  assert.equal(summary.metrics.iterations!.values.count, 12);
});

test('setup data reaches iterations and teardown', async (t) => {
  const { dir, summary } = await runScript(
    t,
    `import { check } from 'frameload';
import { writeFileSync } from 'node:fs';
export const options = { vus: 2, iterations: 6 };
export function setup() { return { token: 'abc', n: 41 }; }
export default function (data: { token: string; n: number }) {
  check(data, { 'setup data': (d) => d.token === 'abc' && d.n === 41 });
}
export function teardown(data: { n: number }) { writeFileSync('teardown.json', JSON.stringify(data)); }
`,
  );
  assert.equal(summary.metrics.checks!.values.passes, 6);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'teardown.json'), 'utf8')), { token: 'abc', n: 41 });
});

test('later scenario reuses VUs with their state', async (t) => {
  const { summary } = await runScript(
    t,
    `import { check } from 'frameload';
import { vu } from 'frameload/execution';
let connectedBy = 0;
export const options = {
  scenarios: {
    // maxDuration and gracefulStop bound the first scenario's window, so the plan sees no overlap.
    connect: { executor: 'per-vu-iterations', vus: 3, iterations: 1, exec: 'connect', maxDuration: '300ms', gracefulStop: '0s' },
    traffic: { executor: 'per-vu-iterations', vus: 3, iterations: 2, startTime: '500ms', exec: 'traffic' },
  },
};
export function connect() { connectedBy = vu.idInTest; }
export function traffic() { check(connectedBy, { 'state kept': (c) => c === vu.idInTest }); }
export default function () {}
`,
  );
  assert.equal(summary.metrics.checks!.values.passes, 6);
  assert.equal(summary.metrics.checks!.values.fails, 0);
  assert.equal(summary.metrics.vus_max!.values.value, 3, 'non-overlapping scenarios share their VUs');
});

test('unawaited sleep warns once with its line', async (t) => {
  const { stderr, summary } = await runScript(
    t,
    `import { sleep } from 'frameload';
export const options = { iterations: 3 };
export default async function () {
  sleep(5);
}
`,
  );
  const warnings = stderr.split('\n').filter((l) => l.includes('sleep() was still pending'));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /script\.ts:4:\d+/);
  assert.equal(summary.metrics.iterations!.values.count, 3);
});

test('group tags samples and works with async functions', async (t) => {
  const { summary } = await runScript(
    t,
    `import { group, sleep, check } from 'frameload';
export const options = { iterations: 2, thresholds: { 'checks{group:::outer::inner}': ['rate==1'] } };
export default async function () {
  await group('outer', async () => {
    await sleep(0.01);
    await group('inner', async () => {
      await sleep(0.01);
      check(1, { 'inside inner': (v) => v === 1 });
    });
  });
  check(1, { 'outside': (v) => v === 1 });
}
`,
  );
  assert.equal(summary.metrics['checks{group:::outer::inner}']!.values.passes, 2);
  assert.equal(summary.metrics.checks!.values.passes, 4);
});

test('one check name keeps each group tag', async (t) => {
  const { summary } = await runScript(
    t,
    `import { group, check } from 'frameload';
export const options = {
  iterations: 3,
  thresholds: { 'checks{group:::g}': ['rate==0'], 'checks{check:same}': ['rate>0'] },
};
export default async function () {
  check(1, { same: (v) => v === 1 });
  await group('g', () => {
    check(1, { same: (v) => v === 2 });
  });
  check(1, { same: (v) => v === 1 });
}
`,
  );
  assert.equal(summary.metrics['checks{group:::g}']!.values.fails, 3);
  assert.equal(summary.metrics['checks{group:::g}']!.values.passes, 0);
  assert.equal(summary.metrics['checks{check:same}']!.values.passes, 6);
  assert.equal(summary.metrics['checks{check:same}']!.values.fails, 3);
});

test('sleep over timer range rejects', async (t) => {
  const { summary } = await runScript(
    t,
    `import { check, sleep } from 'frameload';
export const options = { iterations: 1 };
export default async function () {
  let message = '';
  try {
    await sleep(3e6);
  } catch (error) {
    message = error.message;
  }
  check(message, { 'names the range': (m) => m === 'sleep(seconds): expected a number from 0 to 2147483.647, got 3000000' });
}
`,
  );
  assert.equal(summary.metrics.checks!.values.passes, 1);
  assert.equal(summary.metrics.checks!.values.fails, 0);
});

test('handleSummary outputs replace the text summary', async (t) => {
  const { dir, stdout } = await runScript(
    t,
    `export const options = { iterations: 3 };
export default function () {}
export function handleSummary(data: { metrics: Record<string, { values: { count: number } }> }) {
  return {
    stdout: 'custom ' + data.metrics.iterations.values.count + '\\n',
    'out/iterations.json': JSON.stringify(data.metrics.iterations.values.count),
  };
}
`,
  );
  assert.equal(stdout, 'custom 3\n');
  assert.equal(readFileSync(join(dir, 'out/iterations.json'), 'utf8'), '3');
});

test('summary export has the k6 v1 shape', async (t) => {
  const { summary, stdout } = await runScript(
    t,
    `import { check } from 'frameload';
export const options = { iterations: 4, thresholds: { iterations: ['count==4'], 'checks{check:odd}': ['rate<1'] } };
let n = 0;
export default function () { n++; check(n, { odd: (v) => v % 2 === 1 }); }
`,
  );
  const data = summary as unknown as Record<string, any>;
  assert.deepEqual(Object.keys(data).sort(), ['frameload', 'metrics', 'options', 'root_group', 'state']);
  assert.deepEqual(data.metrics.iterations.type, 'counter');
  assert.deepEqual(data.metrics.iterations.contains, 'default');
  assert.equal(data.metrics.iterations.values.count, 4);
  assert.deepEqual(data.metrics.iterations.thresholds, { 'count==4': { ok: true } });
  assert.deepEqual(data.metrics['checks{check:odd}'].values, { rate: 0.5, passes: 2, fails: 2 });
  assert.deepEqual(Object.keys(data.metrics.iteration_duration.values), ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
  assert.deepEqual(data.options, { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: false });
  assert.equal(typeof data.state.testRunDurationMs, 'number');
  assert.deepEqual(data.root_group.checks.map((c: { name: string; passes: number; fails: number }) => [c.name, c.passes, c.fails]), [['odd', 2, 2]]);
  assert.match(stdout, /✓ 'count==4' count=4/);
});
