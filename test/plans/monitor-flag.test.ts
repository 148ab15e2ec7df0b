import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runCli } from '../helpers.ts';
import { CAPACITY } from './helpers.ts';

// PID 2^22 + 1 is above Linux's largest PID (pid_max is at most 2^22), so no such process exists.
const NO_SUCH_PID = 4_194_305;

const CASES: [string, string, RegExp][] = [
  ['spec that is neither', 'ftp://127.0.0.1/metrics', /--monitor "ftp:\/\/127\.0\.0\.1\/metrics": monitor ftp:\/\/127\.0\.0\.1\/metrics: invalid monitor spec, expected pid:<PID> or an http:\/\/ or https:\/\/ URL/],
  ['PID that does not exist', `pid:${NO_SUCH_PID}`, new RegExp(`--monitor "pid:${NO_SUCH_PID}": the first reading failed: `)],
];

test('bad --monitor exits 104', async () => {
  for (const [name, spec, message] of CASES) {
    const result = await runCli(['run', '--quiet', '--monitor', spec, '-e', 'HOST=127.0.0.1:9', CAPACITY], { timeoutMs: 20_000 });
    assert.equal(result.code, 104, `${name}: exit ${result.code}\n${result.stderr}`);
    assert.match(result.stderr, message, name);
    assert.doesNotMatch(result.stdout, /STEPS/, `${name}: the run started`);
  }
});
