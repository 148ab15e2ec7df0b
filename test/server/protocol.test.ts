import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/index.ts';
import { approvedAgent, eventsMessage, TestAgent } from './test-agent.ts';

function frameOf(value: unknown): Buffer {
  const payload = Buffer.from(JSON.stringify(value), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length);
  return Buffer.concat([header, payload]);
}

describe('server over TLS with its self-signed certificate', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ port: 0, metricsPort: null });
  });
  after(() => server.close());

  test('approves an id and confirms each batch by confirmId', async () => {
    // Trusting only the generated certificate proves it verifies for 127.0.0.1.
    const agent = await TestAgent.connect({ port: server.port, tls: server.certificate! });
    agent.sendId('agent-a');
    const auth = await agent.waitForAuth();
    assert.equal(auth.message.status, 'approved');
    assert.equal(auth.message.peer, 'PEER_agent-a');

    for (let i = 0; i < 3; i++) {
      const { confirmId } = agent.sendBatch(100);
      const confirm = await agent.waitForConfirm(confirmId);
      assert.deepEqual(confirm.message, { m: 'confirm', confirmId });
    }
    agent.close();

    const stats = server.stats.agents.get('agent-a')!;
    assert.deepEqual(stats.confirmIds, ['1', '2', '3']);
    assert.equal(stats.batchesReceived, 3);
    assert.equal(stats.eventsReceived, 300);
    assert.equal(stats.batchesConfirmed, 3);
    assert.equal(server.tls, true);
    assert.equal(server.selfSigned, true);
  });

  test('confirms batches sent back to back in order', async () => {
    const agent = await approvedAgent({ port: server.port, tls: 'insecure' }, 'agent-b');
    const sent = [agent.sendBatch(10), agent.sendBatch(20), agent.sendBatch(30)];
    await agent.waitForConfirm(sent[2]!.confirmId);
    const confirms = agent.frames.filter((f) => f.message.m === 'confirm').map((f) => f.message.confirmId);
    assert.deepEqual(confirms, ['1', '2', '3']);
    assert.equal(server.stats.agents.get('agent-b')!.eventsReceived, 60);
    agent.close();
  });
});

describe('server over plain TCP', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ port: 0, plain: true, metricsPort: null, token: 'secret' });
  });
  after(() => server.close());

  test('reads frames split into single bytes and frames coalesced in one write', async () => {
    const agent = await TestAgent.connect({ port: server.port, tls: 'plain' });
    const id = frameOf({ m: 'id', bootstrap_token: 'secret', name: 'split', peer: 'P' });
    for (const byte of id) {
      agent.sendRaw(Uint8Array.of(byte));
      await new Promise((resolve) => setImmediate(resolve)); // one write per byte, each its own segment
    }
    assert.equal((await agent.waitForAuth()).message.status, 'approved');

    // Three batches and half of a fourth in one write, then the rest.
    const batches = Buffer.concat([1, 2, 3, 4].map((n) => frameOf(eventsMessage(String(n), n))));
    const cut = batches.length - 7;
    agent.sendRaw(batches.subarray(0, cut));
    await agent.waitForConfirm('3');
    assert.equal(agent.frames.some((f) => f.message.confirmId === '4'), false);
    agent.sendRaw(batches.subarray(cut));
    await agent.waitForConfirm('4');

    assert.deepEqual(server.stats.agents.get('split')!.confirmIds, ['1', '2', '3', '4']);
    assert.equal(server.stats.agents.get('split')!.eventsReceived, 1 + 2 + 3 + 4);
    agent.close();
  });

  test('rejects an agent with another bootstrap_token and ends the connection', async () => {
    const agent = await TestAgent.connect({ port: server.port, tls: 'plain' });
    agent.sendId('wrong-token', 'not-the-secret');
    const auth = await agent.waitForAuth();
    assert.equal(auth.message.status, 'rejected');
    assert.equal(auth.message.reason, 'invalid bootstrap_token');
    await agent.closed;
    assert.equal(server.stats.agents.get('wrong-token')!.batchesReceived, 0);
  });

  test('counts invalid frames and keeps the connection', async () => {
    const before = server.stats.invalidFrames;
    const agent = await TestAgent.connect({ port: server.port, tls: 'plain' });
    const invalid = [
      eventsMessage('1', 1), // events before the id message
      'just a string', // JSON, but not an object
      { no: 'm field' },
    ];
    for (const value of invalid) agent.send(value);
    const notJson = Buffer.from('{not json');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(notJson.length);
    agent.sendRaw(Buffer.concat([header, notJson]));

    agent.send({ m: 'id', bootstrap_token: 'secret', name: 'invalid-frames' });
    assert.equal((await agent.waitForAuth()).message.status, 'approved');
    agent.send({ m: 'id', bootstrap_token: 'secret', name: 'invalid-frames' }); // a second id
    agent.send({ m: 'events', confirmId: 7, events: [] }); // confirmId must be a string
    agent.send({ m: 'events', confirmId: '8', events: {} }); // events must be an array
    agent.send(eventsMessage('9', 2));
    await agent.waitForConfirm('9');

    assert.equal(server.stats.invalidFrames - before, 7);
    assert.deepEqual(server.stats.agents.get('invalid-frames')!.confirmIds, ['9']);
    agent.close();
  });

  test('closes the connection on a frame over maxFrameBytes', async () => {
    const small = await startServer({ port: 0, plain: true, metricsPort: null, maxFrameBytes: 400 }); // fits the id message (about 200 bytes)
    try {
      const agent = await approvedAgent({ port: small.port, tls: 'plain' }, 'big');
      agent.sendBatch(10); // about 700 bytes
      await agent.closed;
      assert.equal(small.stats.errors.get('frame_too_large'), 1);
      assert.equal(small.stats.batchesReceived, 0);
    } finally {
      await small.close();
    }
  });
});

describe('server lifecycle', () => {
  test('close ends open connections and is idempotent', async () => {
    const server = await startServer({ port: 0, plain: true, metricsPort: null });
    const agent = await approvedAgent({ port: server.port, tls: 'plain' }, 'lifecycle');
    assert.equal(server.stats.connectionsOpen, 1);
    await Promise.all([server.close(), server.close()]);
    await agent.closed;
    assert.equal(server.stats.connectionsOpen, 0);
    assert.equal(server.stats.connectionsClosed, 1);
  });

  test('rejects with listen_failed when the port is taken', async () => {
    const first = await startServer({ port: 0, plain: true, metricsPort: null });
    try {
      await assert.rejects(startServer({ port: first.port, plain: true, metricsPort: null }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'listen_failed');
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${first.port}: EADDRINUSE`));
        return true;
      });
    } finally {
      await first.close();
    }
  });

  test('serves a given certificate and key', async () => {
    const { generateSelfSigned } = await import('../../src/server/self-signed.ts');
    const pair = generateSelfSigned({ commonName: 'given' });
    const server = await startServer({ port: 0, metricsPort: null, cert: pair.cert, key: pair.key });
    try {
      assert.equal(server.selfSigned, false);
      const agent = await TestAgent.connect({ port: server.port, tls: pair.cert });
      const peer = (agent.socket as import('node:tls').TLSSocket).getPeerCertificate();
      assert.equal(peer.subject.CN, 'given');
      agent.close();
      await once(agent.socket, 'close');
    } finally {
      await server.close();
    }
  });
});

test('close ends a connection stuck before its TLS handshake', async () => {
  const server = await startServer({ port: 0, metricsPort: null });
  const { connect } = await import('node:net');
  const socket = connect({ host: '127.0.0.1', port: server.port }); // TCP only: no ClientHello follows
  await once(socket, 'connect');
  const started = performance.now();
  await server.close();
  assert.ok(performance.now() - started < 1000, `close took ${performance.now() - started} ms`);
  socket.destroy();
});
