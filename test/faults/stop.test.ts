// Stopping with connected agents and a silent server (case 16 of the fault table in
// docs/faults.md): after Ctrl-C, after an abortOnFail threshold and after test.abort(), the run
// exits within gracefulStop, the peer sees every connection closed within 1 s of the stop taking
// effect, and the summary and its export are still written.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { collect, spawnCli, tempDir, waitForOutput, writeFiles } from '../helpers.ts';
import { APPROVED, delay, startPeer } from './peer.ts';

const AGENTS = 10;

// Every VU connects its agent and sends one batch that the peer never confirms, so at the stop
// every agent holds an open connection with a batch in flight.
const SCRIPT = `import { Agent } from 'frameload/agent';
import { test as run } from 'frameload/execution';
export const options = {
  scenarios: {
    agents: { executor: 'per-vu-iterations', vus: ${AGENTS}, iterations: 1, maxDuration: '1m', gracefulStop: __ENV.GRACEFUL_STOP },
  },
  thresholds: __ENV.MODE === 'threshold'
    ? { agent_approval_duration: [{ threshold: 'count<${AGENTS}', abortOnFail: true }] }
    : {},
};
const agent = new Agent({ host: __ENV.HOST!, tls: true, insecureSkipVerify: true, confirmTimeout: '1m' });
export default async function () {
  await agent.connect();
  if (__ENV.MODE === 'abort' && __VU === 1) {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    console.error('calling test.abort()');
    run.abort('enough');
  }
  await agent.sendBatch();
}
`;

interface Mode {
  name: string;
  mode: 'interrupt' | 'threshold' | 'abort';
  gracefulStopMs: number;
  code: number;
  /** stderr line printed when the stop takes effect, for the modes the test does not trigger itself. */
  trigger?: RegExp;
}

const MODES: Mode[] = [
  { name: 'Ctrl-C after 5 s', mode: 'interrupt', gracefulStopMs: 2000, code: 105 },
  { name: 'Ctrl-C with gracefulStop 0s', mode: 'interrupt', gracefulStopMs: 0, code: 105 },
  { name: 'abortOnFail threshold', mode: 'threshold', gracefulStopMs: 2000, code: 99, trigger: /threshold with abortOnFail failed/ },
  { name: 'test.abort()', mode: 'abort', gracefulStopMs: 2000, code: 108, trigger: /calling test\.abort\(\)/ },
];

for (const m of MODES) {
  test(`${m.name} closes all ${AGENTS} agents`, async (t) => {
    const peer = await startPeer(t, {
      tls: { cert: 'server-localhost' },
      script: async (c) => {
        await c.next();
        c.send(APPROVED);
        await c.next();
      },
    });
    const dir = tempDir(t, 'frameload-faults-');
    const script = writeFiles(dir, { 'stop.ts': SCRIPT });
    const exportPath = join(dir, 'summary.json');
    const env = { HOST: peer.address, MODE: m.mode, GRACEFUL_STOP: `${m.gracefulStopMs}ms` };
    const args = ['run', '--summary-export', exportPath];
    for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
    const child = spawnCli([...args, script], { cwd: dir });
    t.after(() => child.kill('SIGKILL'));
    const startedAt = performance.now();
    const done = collect(child, 60_000);

    let stoppedAt: number;
    if (m.trigger === undefined) {
      await peer.waitConnections(AGENTS);
      while (peer.connections.some((c) => c.frames.length < 2)) await delay(20);
      await delay(5000 - (performance.now() - startedAt));
      stoppedAt = performance.now();
      child.kill('SIGINT');
    } else {
      await waitForOutput(child, 'stderr', m.trigger, 30_000);
      stoppedAt = performance.now();
    }
    const result = await done;
    const exitMs = performance.now() - stoppedAt;

    assert.equal(result.code, m.code, result.stderr);
    assert.equal(peer.connections.length, AGENTS);
    // The threshold fails at the 10th approval, possibly before the last batches are sent, and
    // the VU that calls test.abort() sends none.
    const inFlight = peer.connections.filter((c) => c.frames.length === 2).length;
    if (m.mode === 'interrupt') assert.equal(inFlight, AGENTS, 'every agent had a batch in flight at the stop');
    if (m.mode === 'abort') assert.equal(inFlight, AGENTS - 1, 'every other agent had a batch in flight at the stop');
    // Exit within gracefulStop; the summary and process exit get 1 s on a loaded 2-core machine.
    assert.ok(exitMs <= m.gracefulStopMs + 1000, `exited ${Math.round(exitMs)} ms after the stop, gracefulStop ${m.gracefulStopMs} ms`);
    const lastClose = Math.max(...peer.connections.map((c) => c.closedAt ?? Number.POSITIVE_INFINITY));
    const closeMs = lastClose - stoppedAt;
    assert.ok(closeMs <= m.gracefulStopMs + 1000, `last connection closed ${Math.round(closeMs)} ms after the stop`);
    assert.equal(peer.open(), 0);
    t.diagnostic(`exit ${Math.round(exitMs)} ms, last close ${Math.round(closeMs)} ms after the stop`);

    assert.match(result.stdout, /agent_connected/);
    assert.ok(existsSync(exportPath), 'summary export written');
    const metrics = (JSON.parse(readFileSync(exportPath, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> }).metrics;
    assert.equal(metrics.agent_connect_failed?.values.fails, AGENTS, 'every agent was approved');
    assert.equal(metrics.agent_batches_confirmed?.values.count ?? 0, 0);
    // Batches cut short by the stop are not errors of the server.
    assert.equal(metrics.agent_errors?.values.count ?? 0, 0);
  });
}
