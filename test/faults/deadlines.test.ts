// Deadlines: connect, TLS handshake, approval and confirm timeouts are four distinct codes, each at
// its configured deadline within 10%, and every wait gets a fresh deadline of its own (cases 10a,
// 10b and 10c of the fault table in docs/faults.md).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { test } from 'node:test';

import { count, errorsByTag } from '../agent/helpers.ts';
import { errorCount, newVu } from '../net/helpers.ts';
import { agentVu } from './agent-vu.ts';
import { APPROVED, confirmFor, delay, startPeer } from './peer.ts';
import { TRANSPORTS } from './transports.ts';

/** Milliseconds until `promise` settles. */
async function settleTime(promise: Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await promise.catch(() => {});
  return performance.now() - startedAt;
}

function assertNear(actualMs: number, expectedMs: number, what: string): void {
  const message = `${what} after ${Math.round(actualMs)} ms, expected ${expectedMs} ms ± 10%`;
  assert.ok(actualMs >= expectedMs * 0.9, message);
  assert.ok(actualMs <= expectedMs * 1.1, message);
}

/**
 * A listener in a child process that never accepts: its event loop is blocked and its backlog of 1
 * is filled first, so the kernel leaves further SYNs unanswered and a connect hangs in SYN-SENT.
 */
async function blackHole(t: { after(fn: () => void): void }): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const s = require('node:net').createServer();
       s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         console.log(s.address().port);
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 15000);
         process.exit(0);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  t.after(() => child.kill());
  const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d)))));
  for (let i = 0; i < 8; i++) {
    const filler = net.connect(port, '127.0.0.1');
    filler.on('error', () => {});
    t.after(() => filler.destroy());
    const connected = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 200);
      filler.once('connect', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!connected) return `127.0.0.1:${port}`;
  }
  throw new Error('the listener kept accepting; cannot provoke a connect timeout');
}

test('connect timeout is connect_timeout at 500 ms', async (t) => {
  const address = await blackHole(t);
  const { net: module, registry } = newVu();

  const attempt = module.connect(address, { tls: true, connectTimeout: 500, handshakeTimeout: 5000 });
  const tookMs = await settleTime(attempt);
  await assert.rejects(attempt, { name: 'ConnectTimeoutError', code: 'connect_timeout' });
  assertNear(tookMs, 500, 'connect_timeout');
  assert.equal(errorCount(registry, 'connect_timeout'), 1);
  assert.equal(errorCount(registry, 'tls_handshake_timeout'), 0);
});

test('stalled handshake is tls_handshake_timeout at 500 ms', async (t) => {
  const peer = await startPeer(t, { tls: { cert: 'server-localhost' }, stallHandshake: true });
  const { net: module, registry } = newVu();

  // One handshake first, so that loading TLS in this process is not timed as part of the deadline.
  const warm = await startPeer(t, { tls: { cert: 'server-localhost' } });
  await (await module.connect(warm.address, TRANSPORTS[1]!.net)).close();

  const attempt = module.connect(peer.address, { ...TRANSPORTS[1]!.net, connectTimeout: 5000, handshakeTimeout: 500 });
  await attempt.catch(() => {});
  // The handshake deadline starts at the TCP connect, which the peer sees as its accept.
  const tookMs = performance.now() - peer.acceptedAt[0]!;
  await assert.rejects(attempt, { name: 'TlsHandshakeTimeoutError', code: 'tls_handshake_timeout', message: /TLS handshake timed out after 500 ms/ });
  assertNear(tookMs, 500, 'tls_handshake_timeout');
  assert.ok(peer.stalledBytes() > 100, `the peer read the ClientHello (${peer.stalledBytes()} bytes)`);
  assert.equal(errorCount(registry, 'tls_handshake_timeout'), 1);
  assert.equal(errorCount(registry, 'connect_timeout'), 0);
  for (let waited = 0; peer.open() > 0; waited += 10) {
    assert.ok(waited < 1000, 'the client kept the stalled socket open');
    await delay(10);
  }
});

test('stalled handshake fails the agent at its budget', async (t) => {
  const peer = await startPeer(t, { tls: { cert: 'server-localhost' }, stallHandshake: true });
  const { agent, registry } = agentVu(t, { host: peer.address, ...TRANSPORTS[1]!.agent, approvalTimeout: 800 });

  const attempt = agent.connect();
  const tookMs = await settleTime(attempt);
  await assert.rejects(attempt, { code: 'tls_handshake_timeout' });
  assertNear(tookMs, 800, 'tls_handshake_timeout');
  assert.deepEqual(errorsByTag(registry), { tls_handshake_timeout: 1 });
});

for (const transport of TRANSPORTS) {
  const over = `over ${transport.name}`;

  test(`never approving is approval_timeout at 800 ms ${over}`, async (t) => {
    const peer = await startPeer(t, { tls: transport.peer, script: (c) => void c.next() });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, approvalTimeout: 800 });

    const attempt = agent.connect();
    const tookMs = await settleTime(attempt);
    await assert.rejects(attempt, { name: 'AgentError', code: 'approval_timeout', message: /no auth frame within \d+ ms of the id message/ });
    assertNear(tookMs, 800, 'approval_timeout');
    assert.deepEqual(errorsByTag(registry), { approval_timeout: 1 });
    await Promise.race([peer.connections[0]!.closed, delay(1000).then(() => assert.fail('the client kept the connection open'))]);
  });

  test(`held confirm is confirm_timeout at 600 ms ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.send(APPROVED);
        await c.next();
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, confirmTimeout: 600 });

    await agent.connect();
    const attempt = agent.sendBatch();
    const tookMs = await settleTime(attempt);
    await assert.rejects(attempt, { name: 'AgentError', code: 'confirm_timeout', message: /no confirm for confirmId 1 within 600 ms/ });
    assertNear(tookMs, 600, 'confirm_timeout');
    assert.deepEqual(errorsByTag(registry), { confirm_timeout: 1 });
    assert.equal(count(registry, 'agent_batches_confirmed'), 0);
    await Promise.race([peer.connections[0]!.closed, delay(1000).then(() => assert.fail('the connection with a late confirm was kept'))]);
  });
}

test('approval at 1 s, confirms at 3 s: no timeout', async (t) => {
  // Field values: approval after 1 s of a 5 s deadline, then every confirm after 3 s of a 5 s
  // deadline. Four confirms (12 s, not the field's 60 s) are enough: the agent checks confirm
  // deadlines with one timer that re-arms itself, and 12 s spans two of its 5 s periods, each
  // firing while a batch waits. A deadline shared across waits, or carried over from the
  // approval, would expire at 5 s, during the second confirm.
  const peer = await startPeer(t, {
    tls: TRANSPORTS[1]!.peer,
    script: async (c) => {
      await c.next();
      await delay(1000);
      c.send(APPROVED);
      for (;;) {
        const batch = await c.next();
        await delay(3000);
        c.send(confirmFor(batch.confirmId));
      }
    },
  });
  const { agent, registry } = agentVu(t, { host: peer.address, ...TRANSPORTS[1]!.agent, approvalTimeout: '5s', confirmTimeout: '5s' });

  const startedAt = performance.now();
  await agent.connect();
  for (let n = 1; n <= 4; n++) {
    const result = await agent.sendBatch();
    assert.equal(result.confirmId, String(n));
    assert.ok(result.sendDurationMs >= 3000, `batch ${n} took ${result.sendDurationMs} ms`);
    assert.ok(result.sendDurationMs < 3300, `batch ${n} took ${result.sendDurationMs} ms`);
  }
  assert.ok(performance.now() - startedAt >= 13_000, 'the exchange outlasted every single deadline');
  assert.deepEqual(errorsByTag(registry), {});
  assert.equal(count(registry, 'agent_batches_confirmed'), 4);
});
