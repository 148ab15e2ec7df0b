import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { FRAMELOAD, collect, runCli, tempDir, writeFiles } from '../helpers.ts';

const SCRIPT = `import { sleep } from 'frameload';
export const options = { scenarios: { alpha: { executor: 'constant-vus', vus: 2, duration: '2500ms' } } };
export default async function () { await sleep(0.1); }
`;

test('progress lines appear on a terminal', async (t) => {
  const dir = tempDir(t);
  const script = writeFiles(dir, { 'script.ts': SCRIPT });
  // util-linux `script` gives the child a pseudo-terminal, as an operator's shell would.
  const child = spawn('script', ['-qec', `${FRAMELOAD} run ${script}`, '/dev/null'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const r = await collect(child, 30_000);
  assert.equal(r.code, 0, r.stderr);
  const progress = r.stdout.split(/\r?\n/).filter((l) => /alpha +\[=*\s*\] \S+\/2\.5s 2 VUs \d+ iterations/.test(l));
  assert.ok(progress.length >= 2, `expected two or more progress lines, got:\n${r.stdout.slice(0, 500)}`);
});

test('no progress when quiet or piped', async (t) => {
  const dir = tempDir(t);
  const script = writeFiles(dir, { 'script.ts': SCRIPT });
  const piped = await runCli(['run', script], { cwd: dir });
  assert.equal(piped.code, 0);
  assert.doesNotMatch(piped.stderr + piped.stdout, /alpha +\[/);

  const child = spawn('script', ['-qec', `${FRAMELOAD} run --quiet ${script}`, '/dev/null'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const quiet = await collect(child, 30_000);
  assert.equal(quiet.code, 0);
  assert.doesNotMatch(quiet.stdout, /alpha +\[/);
  assert.match(quiet.stdout, /iterations/, 'the summary is still printed');
});
