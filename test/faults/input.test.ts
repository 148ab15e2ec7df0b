// Bad input from the user stops the run before any connection: the message names the file and line,
// the missing file's path or the unknown option's key, and the exit code is k6's (104 for invalid
// options, 107 for a script that fails in init).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runScript } from './cli.ts';
import { approveAndConfirm, startPeer } from './peer.ts';

interface Case {
  name: string;
  files: Record<string, string>;
  env?: Record<string, string>;
  code: number;
  stderr: RegExp;
}

const AGENT = (extra: string) => `import { Agent } from 'frameload/agent';
export const options = { iterations: 1 };
const agent = new Agent({ host: __ENV.HOST!, tls: false${extra} });
export default async function () { await agent.connect(); }
`;

const CASES: Case[] = [
  {
    name: 'type-stripping error names file:line',
    files: { 'agent.ts': `export const options = { iterations: 1 };\n\nfunction f(a: ) { return a; }\nexport default function () { f(1); }\n` },
    code: 107,
    stderr: /agent\.ts:3:\d+: /,
  },
  {
    name: 'syntax error in an import names its file:line',
    files: {
      'agent.ts': `import { batchSize } from './lib.ts';\nexport const options = { iterations: 1 };\nexport default function () { return batchSize; }\n`,
      'lib.ts': `export const batchSize = 100;\nexport const broken = {;\n`,
    },
    code: 107,
    stderr: /lib\.ts:2:\d+: /,
  },
  {
    name: 'missing CA file names the path',
    files: {
      'agent.ts': `import { readFileSync } from 'node:fs';
import { connect } from 'frameload/net';
export const options = { iterations: 1 };
const ca = readFileSync(__ENV.CA!, 'utf8');
export default async function () { await connect(__ENV.HOST!, { tls: true, ca }); }
`,
    },
    env: { CA: '/nonexistent/frameload/ca.crt' },
    code: 107,
    stderr: /ENOENT: no such file or directory, open '\/nonexistent\/frameload\/ca\.crt'/,
  },
  {
    name: 'missing client key in tlsAuth names the path',
    files: {
      'agent.ts': `import { readFileSync } from 'node:fs';
export const options = {
  iterations: 1,
  tlsAuth: [{ domains: ['127.0.0.1'], cert: readFileSync('client.crt', 'utf8'), key: readFileSync('client.key', 'utf8') }],
};
export default function () {}
`,
      'client.crt': '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
    },
    code: 107,
    stderr: /ENOENT: no such file or directory, open 'client\.key'/,
  },
  {
    name: 'unknown agent option names the key',
    files: { 'agent.ts': AGENT(', confirmTimout: "5s"') },
    code: 107,
    stderr: /invalid option Agent options\.confirmTimout: unknown option/,
  },
  {
    name: 'invalid agent timeout names the key',
    files: { 'agent.ts': AGENT(', approvalTimeout: "ten seconds"') },
    code: 107,
    stderr: /approvalTimeout/,
  },
  {
    name: 'unknown top-level option names the key',
    files: { 'agent.ts': AGENT('').replace('iterations: 1', 'iterations: 1, tlsAuthh: []') },
    code: 104,
    stderr: /invalid option tlsAuthh: unknown option/,
  },
];

for (const c of CASES) {
  test(`${c.name}, exit ${c.code}`, async (t) => {
    const peer = await startPeer(t, { tls: false, script: approveAndConfirm });
    const run = await runScript(t, c.files, { HOST: peer.address, ...c.env });

    assert.equal(run.code, c.code, run.stderr);
    assert.match(run.stderr, c.stderr);
    assert.equal(peer.accepted(), 0, 'no connection was opened');
    assert.equal(run.exportText, '', 'no run started, so no summary export');
  });
}
