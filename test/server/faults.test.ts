import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startServer, type ServerOptions } from '../../src/server/index.ts';
import { approvedAgent, TestAgent } from './test-agent.ts';

async function withServer(options: ServerOptions, run: (port: number, server: Awaited<ReturnType<typeof startServer>>) => Promise<void>): Promise<void> {
  const server = await startServer({ port: 0, metricsPort: null, plain: true, ...options });
  try {
    await run(server.port, server);
  } finally {
    await server.close();
  }
}

test('reject-share 0.25 rejects every 4th agent', async () => {
  await withServer({ rejectShare: 0.25 }, async (port, server) => {
    const statuses: unknown[] = [];
    for (let i = 1; i <= 8; i++) {
      const agent = await TestAgent.connect({ port, tls: 'plain' });
      agent.sendId(`agent-${i}`);
      const auth = await agent.waitForAuth();
      statuses.push(auth.message.status);
      if (auth.message.status === 'rejected') {
        assert.equal(auth.message.reason, 'rejected by the server option reject-share');
        await agent.closed; // the server ends a rejected connection
      }
      agent.close();
    }
    const approved = 'approved';
    assert.deepEqual(statuses, [approved, approved, approved, 'rejected', approved, approved, approved, 'rejected']);
    assert.equal(server.stats.agentsRejected, 2);
    assert.equal(server.stats.agentsApproved, 6);
  });
});

test('drop-confirm-share 0.5 withholds every 2nd confirm', async () => {
  await withServer({ dropConfirmShare: 0.5 }, async (port, server) => {
    const agent = await approvedAgent({ port, tls: 'plain' }, 'dropper');
    for (let i = 0; i < 6; i++) agent.sendBatch(10);
    // Confirms leave in order, so once 5 arrived, 2 and 4 were withheld, not late.
    await agent.waitForConfirm('5');
    const seventh = agent.sendBatch(10); // the 7th batch is not a multiple of 2: confirmed
    await agent.waitForConfirm(seventh.confirmId);
    const confirmed = agent.frames.filter((f) => f.message.m === 'confirm').map((f) => f.message.confirmId);
    assert.deepEqual(confirmed, ['1', '3', '5', '7']);
    assert.equal(server.stats.confirmsDropped, 3);
    assert.equal(server.stats.batchesReceived, 7);
    assert.equal(server.stats.batchesConfirmed, 4);
    agent.close();
  });
});

test('close-after 3 confirms 3 batches then ends the connection', async () => {
  await withServer({ closeAfter: 3 }, async (port, server) => {
    const agent = await approvedAgent({ port, tls: 'plain' }, 'closer');
    for (let i = 0; i < 4; i++) agent.sendBatch(10);
    await agent.closed;
    const confirmed = agent.frames.filter((f) => f.message.m === 'confirm').map((f) => f.message.confirmId);
    assert.deepEqual(confirmed, ['1', '2', '3']);
    // The 4th batch arrived after the 3rd, when the server had stopped reading this connection.
    assert.equal(server.stats.batchesReceived, 3);
    assert.equal(server.stats.connectionsClosedByServer, 1);

    // The agent reconnects under the same name; the count starts again on the new connection.
    const again = await approvedAgent({ port, tls: 'plain' }, 'closer');
    await again.waitForConfirm(again.sendBatch(10).confirmId);
    assert.equal(server.stats.agents.get('closer')!.connections, 2);
    assert.equal(server.stats.agents.get('closer')!.batchesConfirmed, 4);
    again.close();
  });
});

test('notice-every 2 sends a notice before approval and after every 2nd batch', async () => {
  await withServer({ noticeEvery: 2 }, async (port, server) => {
    const agent = await TestAgent.connect({ port, tls: 'plain' });
    agent.sendId('noticed');
    await agent.waitForAuth();
    for (let i = 0; i < 4; i++) await agent.waitForConfirm(agent.sendBatch(5).confirmId);

    const kinds = agent.frames.map((f) => (f.message.m === 'confirm' ? `confirm ${f.message.confirmId}` : f.message.m));
    assert.deepEqual(kinds, ['notice', 'auth', 'confirm 1', 'notice', 'confirm 2', 'confirm 3', 'notice', 'confirm 4']);
    assert.deepEqual(agent.frames[0]!.message, { m: 'notice', subsystem: 'server', seq: 1, text: 'reference server notice' });
    assert.equal(server.stats.noticesSent, 3);
    agent.close();
  });
});

test('stall-every 3 holds every confirm for stall-ms from the 3rd batch on', async () => {
  await withServer({ stallEvery: 3, stallMs: 300 }, async (port, server) => {
    const a = await approvedAgent({ port, tls: 'plain' }, 'stalled');
    const b = await approvedAgent({ port, tls: 'plain' }, 'bystander');
    const latencies: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { confirmId, sentAt } = a.sendBatch(10);
      latencies.push((await a.waitForConfirm(confirmId)).at - sentAt);
    }
    const third = a.sendBatch(10); // the 3rd batch starts the stall
    await new Promise((resolve) => setTimeout(resolve, 50));
    const other = b.sendBatch(10); // arrives during the stall: held until its end
    const thirdAt = (await a.waitForConfirm(third.confirmId)).at;
    const otherAt = (await b.waitForConfirm(other.confirmId)).at;

    assert.ok(latencies.every((ms) => ms < 250), `confirms before the stall took ${latencies.join(', ')} ms`);
    // Lower bounds are exact (same clock in one process). The upper bounds allow for timer and socket
    // delays on a loaded machine, as in the timing tests.
    assert.ok(thirdAt - third.sentAt >= 300, `held confirm after ${thirdAt - third.sentAt} ms`);
    assert.ok(thirdAt - third.sentAt < 550, `held confirm after ${thirdAt - third.sentAt} ms`);
    // The stall ends 300 ms after the 3rd batch arrived, so the other agent's confirm cannot leave earlier.
    assert.ok(otherAt - third.sentAt >= 300, `other agent's confirm ${otherAt - third.sentAt} ms after the stall began`);
    assert.ok(otherAt - thirdAt < 150, `other agent's confirm ${otherAt - thirdAt} ms after the held one`);
    assert.equal(server.stats.stalls, 1);
    a.close();
    b.close();
  });
});
