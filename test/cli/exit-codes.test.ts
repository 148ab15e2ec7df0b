import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, tempDir, writeFiles } from '../helpers.ts';

// Each case is a whole script run through the CLI; the exit codes are k6's, so CI pipelines written
// for k6 read frameload's the same way.
const cases: { name: string; script: string; args?: string[]; code: number; stderr?: RegExp }[] = [
  {
    name: 'success exits 0',
    script: `export const options = { iterations: 3 };\nexport default function () {}\n`,
    code: 0,
  },
  {
    name: 'failed threshold exits 99',
    script: `import { Trend } from 'frameload/metrics';
const t = new Trend('latency', true);
export const options = { iterations: 2, thresholds: { latency: ['p(95)<10'] } };
export default function () { t.add(50); }
`,
    code: 99,
    stderr: /thresholds on metrics have been crossed/,
  },
  {
    name: 'unknown option exits 104',
    script: `export const options = { iterationz: 3 };\nexport default function () {}\n`,
    code: 104,
    stderr: /invalid option iterationz: unknown option/,
  },
  {
    name: 'bad duration exits 104',
    script: `export const options = { scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '10 seconds' } } };\nexport default function () {}\n`,
    code: 104,
    stderr: /invalid option scenarios\.a\.duration: expected a duration such as "30s"/,
  },
  {
    name: 'unknown executor exits 104',
    script: `export const options = { scenarios: { a: { executor: 'constant-rps' } } };\nexport default function () {}\n`,
    code: 104,
    stderr: /invalid option scenarios\.a\.executor: unknown executor "constant-rps"/,
  },
  {
    name: 'bad threshold expression exits 104',
    script: `export const options = { iterations: 1, thresholds: { iteration_duration: ['p95<10'] } };\nexport default function () {}\n`,
    code: 104,
    stderr: /iteration_duration/,
  },
  {
    name: 'missing exec function exits 104',
    script: `export const options = { scenarios: { a: { executor: 'shared-iterations', exec: 'nope' } } };\nexport default function () {}\n`,
    code: 104,
    stderr: /scenarios\.a\.exec: the script exports no function named "nope"/,
  },
  {
    name: 'init exception exits 107 with the source line',
    script: `export const options = { iterations: 1 };\nconst x: number = 1;\nif (x === 1) throw new Error('broken init');\nexport default function () {}\n`,
    code: 107,
    stderr: /broken init[\s\S]*script\.ts:3/,
  },
  {
    name: 'setup exception exits 107',
    script: `export const options = { iterations: 1 };\nexport function setup() { throw new Error('no setup today'); }\nexport default function () {}\n`,
    code: 107,
    stderr: /setup\(\) failed: no setup today/,
  },
  {
    name: 'syntax error exits 107 naming file and line',
    script: `export const options = { iterations: 1 };\n\nexport default function () { let = ; }\n`,
    code: 107,
    stderr: /script\.ts:3:\d+: /,
  },
  {
    name: 'test.abort() exits 108',
    script: `import { test as t } from 'frameload/execution';
export const options = { iterations: 5 };
export default function () { t.abort('enough'); }
`,
    code: 108,
    stderr: /test aborted: enough/,
  },
  {
    name: 'bad flag value exits 104',
    script: `export default function () {}\n`,
    args: ['--vus', 'many'],
    code: 104,
    stderr: /--vus "many": expected a positive integer/,
  },
];

for (const c of cases) {
  test(c.name, async (t) => {
    const dir = tempDir(t);
    const script = writeFiles(dir, { 'script.ts': c.script });
    const r = await runCli(['run', '--quiet', ...(c.args ?? []), script], { cwd: dir });
    assert.equal(r.code, c.code, `exit code; stderr:\n${r.stderr}`);
    if (c.stderr) assert.match(r.stderr, c.stderr);
  });
}

test('malformed tlsAuth exits 104 before any connect', async (t) => {
  const dir = tempDir(t);
  const script = writeFiles(dir, {
    'script.ts': `export const options = { iterations: 1, tlsAuth: [{ domains: ['example.test'], cert: 42 }] };\nexport default function () {}\n`,
  });
  const r = await runCli(['run', '--quiet', script], { cwd: dir });
  assert.equal(r.code, 104, r.stderr);
  assert.match(r.stderr, /invalid option tlsAuth\[0\]: expected \{ domains: string\[\], cert: PEM string, key: PEM string/);
});
