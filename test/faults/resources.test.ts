// Local resource exhaustion: with an open-files limit below the number of agents, the run must
// report local_resource errors and the hint to raise the limit, not TLS or server errors.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { collect, FRAMELOAD, tempDir, writeFiles } from '../helpers.ts';
import { approveAndConfirm, startPeer } from './peer.ts';

const AGENTS = 80;
// Node, esbuild and the run itself hold about 30 descriptors before the first connection.
const OPEN_FILES = 60;

const SCRIPT = `import { Agent } from 'frameload/agent';
export const options = {
  scenarios: { agents: { executor: 'per-vu-iterations', vus: ${AGENTS}, iterations: 1, maxDuration: '30s' } },
};
const agent = new Agent({ host: __ENV.HOST!, tls: __ENV.TLS === 'true', ...(__ENV.TLS === 'true' ? { insecureSkipVerify: true } : {}), approvalTimeout: '5s' });
export default async function () {
  await agent.connect();
  await agent.sendBatch();
  // Hold the connection, so that the agents after the limit find every descriptor taken.
  await new Promise((resolve) => setTimeout(resolve, 2000));
}
`;

const prlimit = spawnSync('prlimit', ['--version']).status === 0;

for (const transport of ['tcp', 'tls'] as const) {
  test(`open-files limit ${OPEN_FILES} for ${AGENTS} agents is local_resource over ${transport}`, { skip: !prlimit && 'needs prlimit (util-linux)' }, async (t) => {
    const peer = await startPeer(t, { tls: transport === 'tls' ? { cert: 'server-localhost' } : false, script: approveAndConfirm });
    const dir = tempDir(t, 'frameload-faults-');
    const script = writeFiles(dir, { 'agents.ts': SCRIPT });
    const exportPath = join(dir, 'summary.json');
    const child = spawn(
      'prlimit',
      [`--nofile=${OPEN_FILES}:${OPEN_FILES}`, FRAMELOAD, 'run', '--summary-export', exportPath, '-e', `HOST=${peer.address}`, '-e', `TLS=${transport === 'tls'}`, script],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    t.after(() => child.kill('SIGKILL'));
    const run = await collect(child, 60_000);
    const metrics = (JSON.parse(readFileSync(exportPath, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> }).metrics;
    const errors = Object.fromEntries(
      Object.entries(metrics)
        .filter(([name]) => name.startsWith('agent_errors{'))
        .map(([name, m]) => [name, m.values.count]),
    );
    t.diagnostic(JSON.stringify(errors));

    // The run ends normally: sockets closing at the end no longer hold the descriptors that the
    // summary export and the removal of the bundle need.
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /agent_errors\.+: \d+/);
    const failed = metrics['agent_errors{error:local_resource}']?.values.count ?? 0;
    assert.ok(failed > 0, `no local_resource errors; agent errors ${JSON.stringify(errors)}`);
    assert.deepEqual(Object.keys(errors), ['agent_errors{error:local_resource}'], 'only local_resource errors');
    assert.equal((metrics.agent_batches_confirmed?.values.count ?? 0) + failed, AGENTS);
    assert.match(run.stderr, /connect EMFILE .*; this process reached its open-files limit \(one per connection\); raise the open-files limit: ulimit -n/);
    assert.doesNotMatch(run.stderr, /tls_|TLS handshake failed|reset/);
  });
}
