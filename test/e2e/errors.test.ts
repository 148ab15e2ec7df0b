// Each agent error class provoked once through ./frameload run scripts/smoke.ts, and asserted by its
// exact tag value in agent_errors. The smoke scenario stops at the first failure, so each run
// records exactly one error.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { hostilePeer, type Misbehaviour } from './hostile-peer.ts';
import { tempDir, writeFiles } from '../helpers.ts';
import { LOAD_AGENTS, referenceServer, runAgents, SMOKE, value, type AgentRun } from './helpers.ts';

const ERROR_TAGS = ['auth_rejected', 'approval_timeout', 'confirm_timeout', 'connect_refused', 'closed', 'unexpected_eof', 'reset'];

/** Asserts that the run failed once, with `tag`, and with no other agent error. */
function assertOneError(run: AgentRun, tag: string): void {
  assert.equal(run.code, 99, `thresholds fail; stderr:\n${run.stderr}`);
  assert.equal(value(run, 'agent_errors', 'count'), 1, 'exactly one agent error');
  for (const other of ERROR_TAGS) {
    assert.equal(value(run, `agent_errors{error:${other}}`, 'count'), other === tag ? 1 : 0, `agent_errors{error:${other}}`);
  }
}

/** Returns a loopback port that was free a moment ago and has no listener now. */
async function closedPort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  await once(probe, 'close');
  return port;
}

const plain = (port: number, extra: Record<string, string> = {}) => ({ HOST: `127.0.0.1:${port}`, TLS: 'false', ...extra });

test('wrong token is auth_rejected', async (t) => {
  const server = await referenceServer(t, { token: 'expected-token' });
  const run = await runAgents(t, SMOKE, { HOST: `127.0.0.1:${server.port}`, INSECURE_TLS: 'true', TOKEN: 'wrong-token-7f3a' });
  assertOneError(run, 'auth_rejected');
  assert.equal(value(run, 'agent_connect_failed', 'passes'), 1);
  assert.equal(server.stats.agentsRejected, 1);
  assert.ok(!(run.stdout + run.stderr).includes('wrong-token-7f3a'), 'the token never appears in the output');
  assert.match(run.stderr, /agent FakeAgent_000001 at 127\.0\.0\.1:\d+: the server refused the agent: status "rejected"/);
});

test('close before approval is auth_rejected', async (t) => {
  const peer = await hostilePeer(t, 'close-after-id');
  const run = await runAgents(t, SMOKE, plain(peer.port));
  assertOneError(run, 'auth_rejected');
  assert.equal(peer.frames[0]?.m, 'id');
});

test('approval timeout at its deadline', async (t) => {
  const peer = await hostilePeer(t, 'never-approve');
  // The script times connect() itself: iteration_duration would also include the error's logging.
  const script = writeFiles(tempDir(t), {
    'approval.ts': `import { Trend } from 'frameload/metrics';
import { Agent } from 'frameload/agent';
const waited = new Trend('connect_wait', true);
const agent = new Agent({ host: __ENV.HOST!, tls: false, approvalTimeout: '1s' });
export const options = { iterations: 1, thresholds: { agent_errors: ['count==0'] } };
export default async function () {
  const started = performance.now();
  await agent.connect().catch(() => waited.add(performance.now() - started));
}
`,
  });
  const run = await runAgents(t, script, { HOST: `127.0.0.1:${peer.port}` });
  assertOneError(run, 'approval_timeout');
  const took = value(run, 'connect_wait', 'max');
  assert.ok(took >= 1000 && took <= 1100, `connect() failed after ${took} ms, expected 1000 ms + 10%`);
});

test('withheld confirm is confirm_timeout', async (t) => {
  const server = await referenceServer(t, { plain: true, dropConfirmShare: 1 });
  const run = await runAgents(t, SMOKE, plain(server.port, { CONFIRM_TIMEOUT: '500ms' }));
  assertOneError(run, 'confirm_timeout');
  assert.equal(server.stats.confirmsDropped, 1);
  assert.equal(value(run, 'agent_batches_confirmed', 'count'), 0);
});

test('closed port is connect_refused', async (t) => {
  const port = await closedPort();

  const run = await runAgents(t, SMOKE, plain(port));
  assertOneError(run, 'connect_refused');
  assert.equal(value(run, 'agent_connect_failed', 'rate'), 1);
});

test('fleet reports each error class once', async (t) => {
  const port = await closedPort();

  const run = await runAgents(t, LOAD_AGENTS, plain(port, { AGENTS: '5', DURATION: '2s', SEC_PER_BATCH: '0.5', APPROVAL_TIMEOUT: '1s' }));
  assert.equal(run.code, 99, run.stderr);
  assert.ok(value(run, 'agent_errors{error:connect_refused}', 'count') >= 5, 'every agent failed to connect');
  const reports = run.stderr.split('\n').filter((line) => line.includes('first agent error of class'));
  assert.equal(reports.length, 1, run.stderr);
  assert.match(reports[0]!, /class connect_refused, from FakeAgent_00000\d: 127\.0\.0\.1:\d+: TCP connect failed: .*ECONNREFUSED/);
});

const transportCases: Array<[Misbehaviour, string]> = [
  ['close-after-batch', 'closed'],
  ['eof-mid-frame', 'unexpected_eof'],
  ['reset-after-batch', 'reset'],
];

for (const [behaviour, tag] of transportCases) {
  test(`peer ${behaviour} is ${tag}`, async (t) => {
    const peer = await hostilePeer(t, behaviour);
    const run = await runAgents(t, SMOKE, plain(peer.port));
    assertOneError(run, tag);
    assert.deepEqual(peer.frames.map((f) => f.m), ['id', 'events']);
    assert.equal(value(run, 'agent_batches_confirmed', 'count'), 0, 'the batch in flight is not counted as confirmed');
  });
}
