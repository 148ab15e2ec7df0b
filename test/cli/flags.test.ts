import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli, tempDir, writeFiles } from '../helpers.ts';

const TWO_SCENARIOS = `export const options = {
  scenarios: {
    a: { executor: 'constant-vus', vus: 3, duration: '10s' },
    b: { executor: 'constant-arrival-rate', rate: 5, duration: '20s', preAllocatedVUs: 2, maxVUs: 4, startTime: '5s', gracefulStop: '1s' },
  },
};
export default function () {}
`;

async function inspect(t: Parameters<typeof tempDir>[0], script: string, args: string[] = [], files: Record<string, string> = {}) {
  const dir = tempDir(t);
  const path = writeFiles(dir, { 'script.ts': script, ...files });
  const r = await runCli(['inspect', ...args, path], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { options: Record<string, any>; plan: { totalVUs: number; maxDurationMs: number; scenarios: Record<string, any>[] } };
}

test('inspect sums VUs of overlapping scenarios', async (t) => {
  const out = await inspect(t, TWO_SCENARIOS);
  assert.equal(out.plan.totalVUs, 7, 'a holds 3 until 40 s (30 s gracefulStop); b needs up to 4 from 5 s');
  assert.equal(out.plan.maxDurationMs, 40_000);
  assert.deepEqual(
    out.plan.scenarios.map((s) => [s.name, s.executor, s.maxVUs, s.startTimeMs, s.durationMs]),
    [
      ['a', 'constant-vus', 3, 0, 10_000],
      ['b', 'constant-arrival-rate', 4, 5_000, 20_000],
    ],
  );
});

test('CLI shortcuts replace the scenarios', async (t) => {
  const vus = await inspect(t, TWO_SCENARIOS, ['--vus', '5', '--duration', '1m30s']);
  assert.deepEqual(
    vus.options.scenarios.map((s: Record<string, unknown>) => [s.name, s.executor, s.vus, s.durationMs]),
    [['default', 'constant-vus', 5, 90_000]],
  );

  const stages = await inspect(t, TWO_SCENARIOS, ['--stage', '10s:4', '--stage', '5s:0']);
  const s = stages.options.scenarios[0];
  assert.equal(s.executor, 'ramping-vus');
  assert.deepEqual(s.stages, [
    { durationMs: 10_000, target: 4 },
    { durationMs: 5_000, target: 0 },
  ]);
  assert.equal(stages.plan.totalVUs, 4);
});

test('--config overrides script options', async (t) => {
  const out = await inspect(t, `export const options = { iterations: 2, vus: 1 };\nexport default function () {}\n`, ['--config', 'config.json'], {
    'config.json': JSON.stringify({ iterations: 9, vus: 3 }),
  });
  assert.deepEqual(
    out.options.scenarios.map((s: Record<string, unknown>) => [s.executor, s.vus, s.iterations]),
    [['shared-iterations', 3, 9]],
  );
});

test('--config that is not JSON exits 104', async (t) => {
  const dir = tempDir(t);
  const path = writeFiles(dir, { 'script.ts': 'export default function () {}\n', 'bad.json': '{ iterations: ' });
  const r = await runCli(['run', '--config', 'bad.json', path], { cwd: dir });
  assert.equal(r.code, 104);
  assert.match(r.stderr, /invalid option --config: bad\.json is not a JSON object of options/);
});

test('env and tag flags reach the script and samples', async (t) => {
  const dir = tempDir(t);
  const path = writeFiles(dir, {
    'script.ts': `import { check } from 'frameload';
export const options = { iterations: 3, thresholds: { 'iterations{env:staging}': ['count==3'] } };
export default function () { check(__ENV.TARGET, { 'env var': (v) => v === 'a=b' }); }
`,
  });
  const exportPath = join(dir, 'out.json');
  const r = await runCli(['run', '-e', 'TARGET=a=b', '--tag', 'env=staging', '--summary-export', exportPath, path], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(exportPath, 'utf8'));
  assert.equal(summary.metrics['iterations{env:staging}'].values.count, 3);
  assert.equal(summary.metrics.checks.values.passes, 3);
});

test('every command has help', async () => {
  for (const command of ['run', 'inspect', 'serve']) {
    const r = await runCli([command, '--help']);
    assert.equal(r.code, 0, `${command} --help`);
    assert.match(r.stdout, new RegExp(`Usage: frameload ${command}`));
  }
  const top = await runCli(['--help']);
  assert.match(top.stdout, /Commands:/);
  const version = await runCli(['--version']);
  assert.match(version.stdout, /^frameload \d+\.\d+\.\d+ \(node v20/);
});
