// The agent scenarios end to end: ./frameload run against the reference server, over TLS with
// verification off and over plain TCP. Client-side counts come from the summary export, server-side
// counts from the server's own stats and its Prometheus endpoint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnCli, waitForOutput } from '../helpers.ts';
import { LOAD_AGENTS, referenceServer, runAgents, SMOKE, value } from './helpers.ts';

/** confirmIds "1".."n", the order every agent must send them in. */
function sequence(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i + 1));
}

test('load-agents over TLS matches server counts', async (t) => {
  const server = await referenceServer(t);
  const run = await runAgents(t, LOAD_AGENTS, {
    HOST: `127.0.0.1:${server.port}`,
    INSECURE_TLS: 'true',
    AGENTS: 5,
    BATCH: 50,
    EPS: 1000,
    DURATION: '2s',
    APPROVAL_TIMEOUT: '1s',
  });
  assert.equal(run.code, 0, run.stderr);

  const batches = value(run, 'agent_batches_confirmed', 'count');
  assert.equal(batches, 40, '1000 events/s in batches of 50 for 2 s');
  assert.equal(value(run, 'agent_events_confirmed', 'count'), 2000);
  assert.equal(value(run, 'agent_errors', 'count'), 0);
  assert.equal(value(run, 'dropped_iterations', 'count'), 0);
  // A Rate counts its zero samples as fails: five connection attempts, none failed.
  assert.equal(value(run, 'agent_connect_failed', 'passes'), 0);
  assert.equal(value(run, 'agent_connect_failed', 'fails'), 5);
  assert.equal(value(run, 'agent_reconnects', 'count'), 0);

  const { stats } = server;
  assert.equal(stats.agentsApproved, 5);
  assert.equal(stats.batchesConfirmed, batches);
  assert.equal(stats.eventsConfirmed, 2000);
  assert.equal(stats.invalidFrames, 0);
  for (const [name, agent] of stats.agents) {
    assert.match(name, /^FakeAgent_00000[1-5]$/);
    assert.equal(agent.connections, 1, `${name} connected once and kept its connection into the traffic`);
    assert.deepEqual(agent.confirmIds, sequence(agent.batchesReceived), `${name} confirmIds`);
  }
});

test('smoke over plain TCP confirms ten batches', async (t) => {
  const server = await referenceServer(t, { plain: true, noticeEvery: 3 });
  const run = await runAgents(t, SMOKE, { HOST: `127.0.0.1:${server.port}`, TLS: 'false' });
  assert.equal(run.code, 0, run.stderr);

  assert.equal(value(run, 'agent_batches_confirmed', 'count'), 10);
  assert.equal(value(run, 'agent_events_confirmed', 'count'), 1000);
  assert.equal(value(run, 'checks', 'fails'), 0);
  // One notice before the approval and one after every third batch: 1 + 3.
  assert.equal(value(run, 'agent_frames_ignored', 'count'), 4);
  assert.equal(server.stats.noticesSent, 4);
  assert.deepEqual(server.stats.agents.get('FakeAgent_000001')?.confirmIds, sequence(10));
});

test('load-agents against frameload serve matches its Prometheus counts', async (t) => {
  const serve = spawnCli(['serve', '--port', '0', '--metrics-port', '0']);
  t.after(() => {
    if (serve.exitCode === null) serve.kill('SIGKILL');
  });
  const line = await waitForOutput(serve, 'stderr', /listening on 127\.0\.0\.1:(\d+) .*metrics at (http:\S+)/);
  const [, port, metricsUrl] = /127\.0\.0\.1:(\d+) .*metrics at (http:\S+)/.exec(line)!;

  const run = await runAgents(t, LOAD_AGENTS, {
    HOST: `127.0.0.1:${port}`,
    INSECURE_TLS: 'true',
    AGENTS: 4,
    SEC_PER_BATCH: 0.2,
    DURATION: '2s',
    APPROVAL_TIMEOUT: '1s',
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(value(run, 'agent_batches_confirmed', 'count'), 40, '4 agents, one batch each per 0.2 s, for 2 s');

  const text = await (await fetch(metricsUrl!)).text();
  const series = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  assert.equal(series('frameload_server_batches_confirmed_total'), 40);
  assert.equal(series('frameload_server_events_confirmed_total'), 4000);
  assert.equal(series('frameload_server_agents_approved_total'), 4);
  assert.equal(series('frameload_server_connections_accepted_total'), 4);
  assert.equal(series('frameload_server_connections_open'), 0, 'the run closed every agent connection');
  assert.equal(series('frameload_server_invalid_frames_total'), 0);
  serve.kill('SIGTERM');
});
