// A peer that lies about lengths: huge and zero lengths, the other byte order, a length that counts
// its own header, and a frame cut short by a timeout. The client must check every length before it
// allocates, never resume a stream mid-frame, and treat zero-length frames by the policy that
// docs/faults.md states, without spinning.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorsByTag } from '../agent/helpers.ts';
import { errorCount, metric, newVu } from '../net/helpers.ts';
import { agentVu } from './agent-vu.ts';
import { APPROVED, delay, encodeFrame, startPeer } from './peer.ts';
import { TRANSPORTS } from './transports.ts';

const MIB = 1024 * 1024;

/** CPU time this process used while `fn` ran, in milliseconds. */
async function cpuMsDuring(fn: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

for (const transport of TRANSPORTS) {
  const over = `over ${transport.name}`;

  const lying: Array<{ name: string; bytes: Buffer; code: string; message: RegExp }> = [
    {
      name: 'length 0xFFFFFFFF',
      bytes: encodeFrame('{"m":"auth"}', { announce: 0xffffffff }),
      code: 'frame_too_large',
      message: /announced payload of 4294967295 bytes exceeds the limit of 16777216 bytes \(maxFrameBytes 16777216\)/,
    },
    {
      name: 'length one past 16 MiB',
      bytes: encodeFrame('{}', { announce: 16 * MIB + 1 }),
      code: 'frame_too_large',
      message: /announced payload of 16777217 bytes exceeds the limit of 16777216 bytes/,
    },
    {
      // 51 bytes little-endian read big-endian: 0x33000000, about 856 MB.
      name: 'little-endian length',
      bytes: encodeFrame(APPROVED, { byteOrder: 'little' }),
      code: 'frame_too_large',
      message: /announced payload of 855638016 bytes exceeds the limit/,
    },
  ];

  for (const c of lying) {
    test(`${c.name} is ${c.code} at once ${over}`, async (t) => {
      const peer = await startPeer(t, {
        tls: transport.peer,
        script: async (connection) => {
          await connection.next();
          connection.write(c.bytes);
        },
      });
      const { net, registry } = newVu();
      const connection = await net.connect(peer.address, { ...transport.net, receiveTimeout: '5s' });

      const buffersBefore = process.memoryUsage().arrayBuffers;
      const startedAt = performance.now();
      await assert.rejects(connection.request({ m: 'id' }), { code: c.code, message: c.message });
      assert.ok(performance.now() - startedAt < 1000, 'rejected on the header, not after a timeout');
      assert.ok(process.memoryUsage().arrayBuffers - buffersBefore < 4 * MIB, 'no buffer of the announced size');
      assert.equal(errorCount(registry, c.code), 1);
      assert.equal(connection.closed, true);
      await Promise.race([peer.connections[0]!.closed, delay(1000).then(() => assert.fail('the client kept the connection open'))]);
    });
  }

  test(`lying length is agent_errors frame_too_large ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.send(APPROVED, { byteOrder: 'little' });
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, approvalTimeout: '5s' });

    await assert.rejects(agent.connect(), { code: 'frame_too_large' });
    assert.deepEqual(errorsByTag(registry), { frame_too_large: 1 });
  });

  test(`length counting its header reads into the next frame ${over}`, async (t) => {
    // The client reads 4 bytes too many: the next frame's header becomes part of this body.
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.write(Buffer.concat([encodeFrame(APPROVED, { includeHeader: true }), encodeFrame({ m: 'notice' })]));
      },
    });
    const { net, registry } = newVu();
    const connection = await net.connect(peer.address, { ...transport.net, receiveTimeout: '5s' });

    await assert.rejects(connection.request({ m: 'id' }), { code: 'protocol', message: /frame of 55 bytes is not valid JSON/ });
    assert.equal(errorCount(registry, 'protocol'), 1);
  });

  test(`length counting its header alone waits, then times out ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.send(APPROVED, { includeHeader: true });
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, approvalTimeout: '300ms' });

    await assert.rejects(agent.connect(), { code: 'approval_timeout' });
    assert.deepEqual(errorsByTag(registry), { approval_timeout: 1 });
    await Promise.race([peer.connections[0]!.closed, delay(1000).then(() => assert.fail('the client kept the connection open'))]);
  });

  test(`timeout mid-frame discards the connection ${over}`, async (t) => {
    // Half a frame, a pause past the deadline, then the rest: the rest must never be parsed as a
    // new frame, because the connection is gone.
    const bytes = encodeFrame({ m: 'confirm', confirmId: '1', pad: 'x'.repeat(100) });
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.write(bytes.subarray(0, 30));
        await delay(400);
        c.write(bytes.subarray(30));
      },
    });
    const { net, registry } = newVu();
    const connection = await net.connect(peer.address, { ...transport.net, receiveTimeout: 200 });

    await assert.rejects(connection.request({ m: 'id' }), { code: 'timeout', message: /no matching reply within 200 ms; the connection is discarded/ });
    assert.equal(connection.closed, true);
    await assert.rejects(connection.receive(), { code: 'closed', message: /connection discarded after a timeout/ });
    await Promise.race([peer.connections[0]!.closed, delay(1000).then(() => assert.fail('the client kept the connection open'))]);
    assert.equal(metric(registry, 'net_frames_received'), 0);
    assert.equal(errorCount(registry, 'timeout'), 1);
    assert.equal(metric(registry, 'net_errors'), 1);
  });

  test(`zero-length frame under json is protocol ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.write(Buffer.concat([encodeFrame(''), encodeFrame(APPROVED)]));
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent, approvalTimeout: '5s' });

    await assert.rejects(agent.connect(), { code: 'protocol', message: /frame of 0 bytes is not valid JSON/ });
    assert.deepEqual(errorsByTag(registry), { protocol: 1 });
  });

  test(`zero-length frames under bytes arrive empty, no spin ${over}`, async (t) => {
    // 100 000 empty frames (400 KB of headers) in bursts, then silence: the client must deliver each
    // one and then go idle, not loop on a length it cannot advance past.
    const FRAMES = 100_000;
    const burst = Buffer.concat(Array.from({ length: 1000 }, () => encodeFrame('')));
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        for (let i = 0; i < FRAMES / 1000; i++) c.write(burst);
        c.send('"last"');
      },
    });
    const { net, registry } = newVu();
    const connection = await net.connect(peer.address, { ...transport.net, format: 'bytes', receiveTimeout: '10s', maxQueuedFrames: 1 });

    let empty = 0;
    const done = new Promise<void>((resolve) => {
      connection.on('message', (frame) => {
        if ((frame as Uint8Array).length === 0) empty++;
        else resolve();
      });
    });
    await connection.send({ m: 'id' });
    await done;
    assert.equal(empty, FRAMES);
    assert.equal(metric(registry, 'net_frames_received'), FRAMES + 1);

    const idleCpuMs = await cpuMsDuring(() => delay(500));
    assert.ok(idleCpuMs < 100, `the client used ${idleCpuMs} ms of CPU in 500 ms of silence`);
    assert.equal(connection.closed, false);
    await connection.close();
  });
}

test('announced 16 MiB on 20 connections allocates what arrived', async (t) => {
  // 20 peers each announce the largest allowed frame and send 10 bytes of it. A decoder that trusts
  // the announced length holds 320 MiB; one that grows with the bytes holds a few KiB per connection.
  const CONNECTIONS = 20;
  const peer = await startPeer(t, {
    tls: false,
    script: async (c) => {
      await c.next();
      c.write(Buffer.concat([encodeFrame('0123456789', { announce: 16 * MIB })]));
    },
  });
  const { net } = newVu();
  const buffersBefore = process.memoryUsage().arrayBuffers;
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => net.connect(peer.address, { receiveTimeout: '5s' })));
  const waits = connections.map((connection) => connection.request({ m: 'id' }).catch((error: { code: string }) => error.code));
  // Every peer connection has written its partial frame once this many sockets saw the id.
  while (peer.connections.filter((c) => c.frames.length > 0).length < CONNECTIONS) await delay(20);
  await delay(100);

  const grownBy = process.memoryUsage().arrayBuffers - buffersBefore;
  assert.ok(grownBy < 32 * MIB, `array buffers grew by ${Math.round(grownBy / MIB)} MiB for ${CONNECTIONS * 10} bytes received`);
  await Promise.all(connections.map((connection) => connection.close()));
  assert.deepEqual(await Promise.all(waits), Array(CONNECTIONS).fill('closed'));
});
