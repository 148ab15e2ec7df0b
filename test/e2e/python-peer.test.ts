// The agent scenarios against an independent server written with Python's asyncio and ssl, so the
// agents are shown to speak the protocol rather than the reference server's habits, over a second
// TLS stack (OpenSSL through Python).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LOAD_AGENTS, pythonPeer, runAgents, SMOKE, value } from './helpers.ts';

test('load-agents over Python TLS matches peer counts', async (t) => {
  const peer = await pythonPeer(t);
  const run = await runAgents(t, LOAD_AGENTS, {
    HOST: `127.0.0.1:${peer.port}`,
    INSECURE_TLS: 'true',
    AGENTS: 6,
    BATCH: 100,
    SEC_PER_BATCH: 0.5,
    DURATION: '2s',
    APPROVAL_TIMEOUT: '1s',
  });
  assert.equal(run.code, 0, run.stderr);
  const counts = await peer.counts();

  const batches = value(run, 'agent_batches_confirmed', 'count');
  assert.equal(batches, 24, '6 agents, one batch each per 0.5 s, for 2 s');
  assert.equal(counts.batches, batches);
  assert.equal(counts.events, value(run, 'agent_events_confirmed', 'count'));
  assert.equal(counts.events, 2400);
  assert.equal(counts.agentsApproved, 6);
  assert.equal(counts.connections, 6);
  assert.equal(counts.invalidFrames, 0);
  assert.equal(value(run, 'agent_errors', 'count'), 0);
  for (const [name, agent] of Object.entries(counts.agents)) {
    assert.equal(agent.connections, 1, `${name} kept its connection from the connect scenario`);
    assert.deepEqual(agent.confirmIds, Array.from({ length: agent.batches }, (_, i) => String(i + 1)), `${name} confirmIds`);
    assert.equal(agent.events, agent.batches * 100);
  }
});

test('smoke over Python plain TCP', async (t) => {
  const peer = await pythonPeer(t, { plain: true });
  const run = await runAgents(t, SMOKE, { HOST: `127.0.0.1:${peer.port}`, TLS: 'false', BATCH: 7 });
  assert.equal(run.code, 0, run.stderr);
  const counts = await peer.counts();
  assert.equal(value(run, 'agent_batches_confirmed', 'count'), 10);
  assert.equal(counts.batches, 10);
  assert.equal(counts.events, 70);
  assert.deepEqual(counts.agents.FakeAgent_000001?.confirmIds, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
});
