// A peer that hangs up: FIN before the approval, FIN in the middle of a frame, RST after a batch,
// each in every protocol state that matters, over plain TCP and TLS (cases 9a, 9b and 9c of the
// fault table in docs/faults.md). Each must be its own class, and a batch the peer never confirmed
// must not count as confirmed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { count, errorsByTag } from '../agent/helpers.ts';
import { errorCount, newVu } from '../net/helpers.ts';
import { agentVu } from './agent-vu.ts';
import { APPROVED, confirmFor, delay, encodeFrame, startPeer, type PeerConnection } from './peer.ts';
import { TRANSPORTS } from './transports.ts';

/** CPU time this process used while `fn` ran, in milliseconds. */
async function cpuMsDuring(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Builds a confirm frame cut after its header and 10 body bytes; the header announces the whole body. */
function truncatedConfirm(confirmId: unknown): Buffer {
  return encodeFrame(confirmFor(confirmId)).subarray(0, 14);
}

for (const transport of TRANSPORTS) {
  const over = `over ${transport.name}`;

  test(`FIN after the id is auth_rejected, VU goes on ${over}`, async (t) => {
    // The first connection is closed after the id; the second is approved, as a VU's next attempt.
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        if (peer.connections.indexOf(c) === 0) return c.end();
        c.send(APPROVED);
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, approvalTimeout: '5s' });

    let cpuMs = 0;
    await assert.rejects(agent.connect(), {
      name: 'AgentError',
      code: 'auth_rejected',
      message: /the server closed the connection before approving the agent/,
    });
    cpuMs = await cpuMsDuring(() => delay(300));
    assert.ok(cpuMs < 60, `${cpuMs} ms of CPU in 300 ms after the close`);
    assert.deepEqual(errorsByTag(registry), { auth_rejected: 1 });
    assert.equal(peer.connections[0]!.frames[0]!.m, 'id');

    await agent.connect();
    assert.equal(agent.connected, true);
    assert.equal(peer.connections.length, 2);
  });

  test(`FIN before the id is read is auth_rejected ${over}`, async (t) => {
    const peer = await startPeer(t, { tls: transport.peer, script: (c) => c.end() });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, approvalTimeout: '5s' });

    await assert.rejects(agent.connect(), { code: 'auth_rejected' });
    assert.deepEqual(errorsByTag(registry), { auth_rejected: 1 });
  });

  test(`FIN after the id at net level is closed ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.end();
      },
    });
    const { net, registry } = newVu();
    const connection = await net.connect(peer.address, transport.net);

    await assert.rejects(connection.request({ m: 'id' }), { code: 'closed', message: /the peer closed the connection between frames/ });
    assert.equal(errorCount(registry, 'closed'), 1);
    assert.equal(errorCount(registry, 'unexpected_eof'), 0);
  });

  test(`RST before the approval is reset ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.reset();
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, approvalTimeout: '5s' });

    await assert.rejects(agent.connect(), { name: 'ResetError', code: 'reset' });
    assert.deepEqual(errorsByTag(registry), { reset: 1 });
  });

  const cuts: Array<{ name: string; bytes: (c: PeerConnection) => Buffer; pending: number }> = [
    // Header announcing 26 bytes, 10 of them sent.
    { name: 'header of 26, 10 body bytes', bytes: () => Buffer.concat([Buffer.from('0000001a', 'hex'), Buffer.from('0123456789')]), pending: 14 },
    { name: '2 of 4 header bytes', bytes: () => Buffer.from('0000', 'hex'), pending: 2 },
    { name: 'whole header, no body', bytes: () => Buffer.from('0000001a', 'hex'), pending: 4 },
  ];

  for (const cut of cuts) {
    test(`FIN after ${cut.name} is unexpected_eof ${over}`, async (t) => {
      const peer = await startPeer(t, {
        tls: transport.peer,
        script: async (c) => {
          await c.next();
          c.end(cut.bytes(c));
        },
      });
      const { net, registry } = newVu();
      const connection = await net.connect(peer.address, transport.net);

      await assert.rejects(connection.request({ m: 'id' }), {
        name: 'UnexpectedEofError',
        code: 'unexpected_eof',
        message: `${peer.address}: the peer closed the connection after ${cut.pending} bytes of an unfinished frame`,
      });
      assert.equal(errorCount(registry, 'unexpected_eof'), 1);
      assert.equal(errorCount(registry, 'closed'), 0);
    });
  }

  test(`FIN mid-confirm is unexpected_eof, not confirmed ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.send(APPROVED);
        const batch = await c.next();
        c.send(confirmFor(batch.confirmId));
        const second = await c.next();
        c.end(truncatedConfirm(second.confirmId));
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent });

    await agent.connect();
    assert.equal((await agent.sendBatch()).confirmId, '1');
    await assert.rejects(agent.sendBatch(), { code: 'unexpected_eof' });
    assert.equal(count(registry, 'agent_batches_confirmed'), 1);
    assert.deepEqual(errorsByTag(registry), { unexpected_eof: 1 });
  });

  test(`FIN between frames with a batch waiting is closed ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.send(APPROVED);
        await c.next();
        c.end();
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent });

    await agent.connect();
    await assert.rejects(agent.sendBatch(), { code: 'closed' });
    assert.equal(count(registry, 'agent_batches_confirmed'), 0);
    assert.deepEqual(errorsByTag(registry), { closed: 1 });
  });

  for (const resetOn of [1, 3]) {
    test(`RST after batch ${resetOn} is reset, not confirmed ${over}`, async (t) => {
      const peer = await startPeer(t, {
        tls: transport.peer,
        script: async (c) => {
          await c.next();
          c.send(APPROVED);
          for (;;) {
            const batch = await c.next();
            if (batch.confirmId === String(resetOn)) return c.reset();
            c.send(confirmFor(batch.confirmId));
          }
        },
      });
      const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent });

      await agent.connect();
      for (let n = 1; n < resetOn; n++) assert.equal((await agent.sendBatch()).confirmId, String(n));
      await assert.rejects(agent.sendBatch(), { name: 'ResetError', code: 'reset' });
      assert.equal(count(registry, 'agent_batches_confirmed'), resetOn - 1);
      assert.deepEqual(errorsByTag(registry), { reset: 1 });
      assert.equal(peer.connections[0]!.frames.at(-1)!.confirmId, String(resetOn), 'the peer read the whole batch');
    });
  }
}
