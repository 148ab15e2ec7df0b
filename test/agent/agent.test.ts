// The agent against real sockets on 127.0.0.1, outside the engine: deadlines, reconnects, ignored
// frames, due times and a custom protocol through the builder options.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentError } from '../../src/agent/errors.ts';
import { NetError } from '../../src/net/errors.ts';
import { startServer } from '../../src/server/index.ts';
import { agentModule, count, errorsByTag, scriptedPeer } from './helpers.ts';

/**
 * Waits, turn by turn of the event loop, until the agent has seen its connection close: a server
 * that closes right after a confirm races with the next batch, which would then fail with `closed`.
 */
async function untilDisconnected(agent: { connected: boolean }): Promise<void> {
  for (let turn = 0; agent.connected; turn++) {
    assert.ok(turn < 10_000, 'the agent never saw its connection close');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function reference(t: { after(fn: () => Promise<void>): void }, options: Parameters<typeof startServer>[0] = {}) {
  const server = await startServer({ port: 0, metricsPort: null, plain: true, ...options });
  t.after(() => server.close());
  return server;
}

test('each wait has its own deadline', async (t) => {
  // Approval after 400 ms of a 600 ms budget, then every confirm after 300 ms of a 400 ms budget:
  // four batches take 1.2 s in all, longer than any one deadline.
  const port = await scriptedPeer(t, (message, reply) => {
    if (message.m === 'id') setTimeout(() => reply('{"subsystem":"auth","status":"approved"}'), 400);
    else setTimeout(() => reply(`{"m":"confirm","confirmId":"${message.confirmId as string}"}`), 300);
  });
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${port}`, tls: false, approvalTimeout: 600, confirmTimeout: 400 });

  await agent.connect();
  for (let i = 1; i <= 4; i++) assert.equal((await agent.sendBatch()).confirmId, String(i));
  assert.deepEqual(errorsByTag(registry), {});
  assert.equal(count(registry, 'agent_batches_confirmed'), 4);
});

test('other frames are ignored and counted', async (t) => {
  const port = await scriptedPeer(t, (message, reply) => {
    if (message.m === 'id') {
      reply('{"m":"notice","text":"welcome"}');
      reply('{"m":"auth","subsystem":"auth","status":"approved"}');
      return;
    }
    // A stale confirm and a ping before the right confirm, all in one burst.
    reply('{"m":"confirm","confirmId":"0"}');
    reply('[1,2,3]');
    reply(`{"m":"confirm","confirmId":"${message.confirmId as string}"}`);
  });
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${port}`, tls: false });
  await agent.connect();
  await agent.sendBatch();
  await agent.sendBatch();
  assert.equal(count(registry, 'agent_frames_ignored'), 1 + 2 * 2);
  assert.equal(count(registry, 'agent_batches_confirmed'), 2);
});

test('lost connections reconnect with backoff', async (t) => {
  const server = await reference(t, { closeAfter: 2 });
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${server.port}`, tls: false, reconnectDelay: 20 });
  await agent.connect();
  for (let i = 1; i <= 5; i++) {
    assert.equal((await agent.sendBatch()).confirmId, String(i));
    if (i % 2 === 0) await untilDisconnected(agent);
  }

  assert.equal(count(registry, 'agent_reconnects'), 2, 'after batches 2 and 4');
  assert.equal(count(registry, 'agent_connect_failed'), 3, 'one sample per connection attempt');
  assert.equal(registry.get('agent_connect_failed')!.root.stat('rate', 1000), 0);
  assert.deepEqual(errorsByTag(registry), {}, 'a close between batches is not an error');
  const stats = server.stats.agents.get('FakeAgent_000001')!;
  assert.equal(stats.connections, 3);
  assert.deepEqual(stats.confirmIds, ['1', '2', '3', '4', '5'], 'confirmIds keep increasing across connections');
});

test('failed reconnects double the backoff', async (t) => {
  const server = await reference(t, { closeAfter: 1 });
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${server.port}`, tls: false, reconnectDelay: 100, reconnectMaxDelay: 400 });
  await agent.connect();
  await agent.sendBatch();
  await server.close();
  await untilDisconnected(agent);

  // Attempts after 50-100, 100-200 and 200-400 ms of backoff: at least 350 ms before the third fails.
  const started = performance.now();
  for (let i = 0; i < 3; i++) await assert.rejects(agent.sendBatch(), (e: NetError) => e.code === 'connect_refused');
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 350 && elapsed < 1000, `three attempts took ${elapsed} ms, expected 350-700 ms`);
  assert.deepEqual(errorsByTag(registry), { connect_refused: 3 });
  assert.equal(registry.get('agent_connect_failed')!.root.stat('rate', 1000), 3 / 4);
});

test('latency counts from the iteration slot', async (t) => {
  const server = await reference(t);
  const { Agent, registry, scope } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${server.port}`, tls: false });
  await agent.connect();

  scope.iterationScheduledAtMs = performance.now() - 200;
  const late = await agent.sendBatch();
  assert.ok(late.latenessMs >= 200 && late.latenessMs < 300, `lateness ${late.latenessMs} ms`);
  assert.ok(late.durationMs >= late.latenessMs + late.sendDurationMs - 0.001, 'due-time latency covers lateness and send latency');
  assert.ok(late.sendDurationMs < 100);

  // A second batch in the same iteration has no slot of its own: it is due when requested.
  const second = await agent.sendBatch();
  assert.ok(second.latenessMs < 20, `second batch lateness ${second.latenessMs} ms`);
  assert.equal(registry.get('agent_send_lateness')!.root.count, 2);
});

test('approved agents count in agent_connected', async (t) => {
  const server = await reference(t);
  const { Agent, registry } = agentModule(t);
  const first = new Agent({ host: `127.0.0.1:${server.port}`, tls: false });
  const second = new Agent({ host: `127.0.0.1:${server.port}`, tls: false });
  assert.equal(second.name, 'FakeAgent_000001_2');
  await first.connect();
  await second.connect();
  const gauge = registry.get('agent_connected')!.root;
  assert.equal(gauge.stat('value', 1000), 2);
  await first.close();
  assert.equal(gauge.stat('value', 1000), 1);
  assert.equal(first.connected, false);
  assert.equal(second.connected, true);
  assert.equal(server.stats.agents.get('FakeAgent_000001_2')?.connections, 1);
});

test('closed agent rejects and counts nothing', async (t) => {
  const server = await reference(t);
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${server.port}`, tls: false });
  await agent.connect();
  const closing = agent.close();
  assert.equal(agent.close(), closing, 'close is idempotent');
  await closing;
  await assert.rejects(agent.sendBatch(), (e: NetError) => e.code === 'closed' && /was closed by the script/.test(e.message));
  await assert.rejects(agent.connect(), (e: NetError) => e.code === 'closed');
  assert.deepEqual(errorsByTag(registry), {});
});

test('close during a batch rejects it uncounted', async (t) => {
  const port = await scriptedPeer(t, (message, reply) => {
    if (message.m === 'id') reply('{"subsystem":"auth","status":"approved"}');
  });
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${port}`, tls: false });
  await agent.connect();
  const rejected = assert.rejects(agent.sendBatch(), (e: NetError) => e.code === 'closed' && /closed by the script/.test(e.message));
  await agent.close();
  await rejected;
  assert.deepEqual(errorsByTag(registry), {});
  assert.equal(count(registry, 'agent_batches_confirmed'), 0);
});

test('refusal names the status, never the token', async (t) => {
  const port = await scriptedPeer(t, (_message, reply) => reply('{"subsystem":"auth","status":"pending","reason":"unknown agent"}'));
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${port}`, tls: false, token: 'tok-secret-91' });
  await assert.rejects(agent.connect(), (e: AgentError) => {
    assert.equal(e.code, 'auth_rejected');
    assert.equal(e.agent, 'FakeAgent_000001');
    assert.match(e.message, /refused the agent: status "pending" \(unknown agent\)/);
    assert.ok(!e.message.includes('tok-secret-91'));
    return true;
  });
  assert.deepEqual(errorsByTag(registry), { auth_rejected: 1 });
});

test('a custom protocol through the options', async (t) => {
  const port = await scriptedPeer(t, (message, reply) => {
    if (message.kind === 'hello') reply(`{"welcome":true,"who":"${message.who as string}"}`);
    else reply(`{"ack":${Number(message.seq)}}`);
  });
  const { Agent } = agentModule(t);
  const agent = new Agent({
    host: `127.0.0.1:${port}`,
    tls: false,
    batchSize: 3,
    idMessage: (a) => ({ kind: 'hello', who: a.name }),
    eventsMessage: (b) => ({ kind: 'data', seq: Number(b.confirmId), n: b.size }),
    isApproval: (frame) => (frame as { welcome?: boolean }).welcome === true,
    isRefusal: (frame) => (frame as { welcome?: boolean }).welcome === false,
    isConfirm: (frame, confirmId) => (frame as { ack?: number }).ack === Number(confirmId),
  });
  await agent.connect();
  const result = await agent.sendBatch();
  assert.equal(result.confirmId, '1');
  assert.equal(result.events, 3);
  assert.equal(agent.lastConfirmId, '1');
});

test('sendBatch before connect just connects', async (t) => {
  const server = await reference(t);
  const { Agent, registry } = agentModule(t);
  const agent = new Agent({ host: `127.0.0.1:${server.port}`, tls: false });
  assert.equal((await agent.sendBatch()).confirmId, '1');
  assert.equal(count(registry, 'agent_reconnects'), 0);
  assert.ok(agent.connected);
});

test('agents of all VUs share one class', (t) => {
  const first = agentModule(t);
  const second = agentModule(t);
  const a = new first.Agent({ host: '127.0.0.1:8444' });
  const b = second.createAgent({ host: '127.0.0.1:8444' });
  assert.ok(a instanceof first.Agent);
  assert.ok(b instanceof first.Agent, 'instanceof holds across VUs');
  assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b));
});
