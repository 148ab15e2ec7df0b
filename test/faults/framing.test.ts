// Frames split, trickled and coalesced at awkward offsets, unrelated frames in between, sizes around
// the TLS record and 64 KiB boundaries, and non-ASCII text, over plain TCP and TLS (cases 1, 2, 3,
// 6 and 12 of the fault table in docs/faults.md). The gaps between writes are the peer's behaviour.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { count, errorsByTag } from '../agent/helpers.ts';
import { metric, newVu } from '../net/helpers.ts';
import { agentVu } from './agent-vu.ts';
import { APPROVED, NOTICE, confirmFor, delay, encodeFrame, splitAt, startPeer } from './peer.ts';
import { TRANSPORTS } from './transports.ts';

const CONFIRM = confirmFor('1');

for (const transport of TRANSPORTS) {
  const over = `over ${transport.name}`;

  for (const [label, offsets] of [
    ['2 + 2', [2, 4]],
    ['1+1+1+1', [1, 2, 3, 4]],
    ['1 + 3 + body split', [1, 4, 9]],
  ] as const) {
    for (const gapMs of [10, 50]) {
      test(`header ${label} at ${gapMs} ms ${over}`, async (t) => {
        const bytes = encodeFrame(APPROVED);
        const peer = await startPeer(t, {
          tls: transport.peer,
          script: async (c) => {
            await c.next();
            await c.trickle(splitAt(bytes, ...offsets), gapMs);
          },
        });
        const { net, registry } = newVu();
        const connection = await net.connect(peer.address, { ...transport.net, receiveTimeout: '5s' });

        assert.deepEqual(await connection.request({ m: 'id' }), APPROVED);
        await connection.close();
        assert.equal(metric(registry, 'net_frames_received'), 1);
        assert.equal(metric(registry, 'net_errors'), 0);
      });
    }
  }

  test(`confirm in two pieces, latency to last byte ${over}`, async (t) => {
    let batchReadAt = 0;
    let lastWriteAt = 0;
    const bytes = encodeFrame(CONFIRM);
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.send(APPROVED);
        await c.next();
        batchReadAt = performance.now();
        await c.trickle(splitAt(bytes, 12), 50);
        lastWriteAt = performance.now();
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent });

    await agent.connect();
    const calledAt = performance.now();
    const result = await agent.sendBatch();
    const returnedAt = performance.now();
    assert.equal(result.confirmId, '1');
    // The batch was written before the peer read it, so a latency that ends at the last byte is at
    // least the time from that read to the last write.
    const floor = lastWriteAt - batchReadAt;
    assert.ok(floor >= 49, `the peer wrote the second piece ${floor} ms after reading the batch`);
    assert.ok(result.sendDurationMs >= floor, `${result.sendDurationMs} ms ends before the last piece`);
    assert.ok(result.durationMs <= returnedAt - calledAt);
    assert.equal(count(registry, 'agent_batches_confirmed'), 1);
    assert.equal(count(registry, 'agent_frames_ignored'), 0);
  });

  test(`200 KiB frame in 1460-byte writes ${over}`, async (t) => {
    const body = { m: 'bulk', data: 'Zoë 日本 🚀 '.repeat(12_000).slice(0, 200 * 1024) };
    const bytes = encodeFrame(body);
    const offsets: number[] = [];
    for (let offset = 1460; offset < bytes.length; offset += 1460) offsets.push(offset);
    let lastWriteAt = 0;
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        await c.trickle(splitAt(bytes, ...offsets), 1);
        lastWriteAt = performance.now();
      },
    });
    const { net, registry } = newVu();
    const connection = await net.connect(peer.address, { ...transport.net, receiveTimeout: '10s' });

    const requestedAt = performance.now();
    assert.deepEqual(await connection.request({ m: 'id' }), body);
    await connection.close();
    assert.equal(metric(registry, 'net_frames_received'), 1);
    assert.ok(metric(registry, 'net_request_duration', 'min') >= lastWriteAt - requestedAt);
  });

  test(`approval plus 3 bytes of the confirm ${over}`, async (t) => {
    const next = encodeFrame(CONFIRM);
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        c.write(Buffer.concat([encodeFrame(APPROVED), next.subarray(0, 3)]));
        await c.next();
        await delay(30);
        c.write(next.subarray(3));
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent });

    await agent.connect();
    assert.equal((await agent.sendBatch()).confirmId, '1');
    assert.equal(count(registry, 'agent_batches_confirmed'), 1);
    assert.deepEqual(errorsByTag(registry), {});
  });

  test(`coalesced and unrelated frames are counted ${over}`, async (t) => {
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        // Notice, approval and another notice in one write; then a notice before each confirm and
        // a confirm for a batch never sent, all coalesced.
        c.write(Buffer.concat([encodeFrame(NOTICE), encodeFrame(APPROVED), encodeFrame(NOTICE)]));
        for (;;) {
          const batch = await c.next();
          c.write(Buffer.concat([encodeFrame(NOTICE), encodeFrame(confirmFor('999')), encodeFrame(confirmFor(batch.confirmId))]));
        }
      },
    });
    const { agent, registry } = agentVu(t, { host: peer.address, ...transport.agent });

    await agent.connect();
    for (let n = 1; n <= 3; n++) assert.equal((await agent.sendBatch()).confirmId, String(n));
    await agent.close();
    assert.equal(count(registry, 'agent_batches_confirmed'), 3);
    // The first notice comes before the approval and is skipped by it; the second notice arrives
    // with it, and each batch adds a notice and a stray confirm: 1 + 1 + 3 * 2.
    assert.equal(count(registry, 'agent_frames_ignored'), 8);
    assert.deepEqual(errorsByTag(registry), {});
    assert.equal(metric(registry, 'net_frames_received'), 3 + 3 * 3);
  });

  test(`sizes 0 to 4 MiB arrive whole ${over}`, async (t) => {
    const SIZES = [0, 1, 16383, 16384, 16385, 65535, 65536, 65537, 4 * 1024 * 1024];
    const bodies = SIZES.map((size) => {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 7 + size) % 251;
      return bytes;
    });
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        await c.next();
        // Each size once alone and once coalesced with its neighbours.
        for (const body of bodies) c.write(encodeFrame(body));
        c.write(Buffer.concat(bodies.map((body) => encodeFrame(body))));
      },
    });
    const { net, registry } = newVu();
    const connection = await net.connect(peer.address, { ...transport.net, format: 'bytes', receiveTimeout: '20s' });

    await connection.send({ m: 'id' });
    for (const round of ['alone', 'coalesced']) {
      for (const [i, body] of bodies.entries()) {
        const got = (await connection.receive()) as Uint8Array;
        assert.equal(got.length, SIZES[i], `${round} size ${SIZES[i]}`);
        assert.ok(Buffer.from(got).equals(Buffer.from(body)), `${round} size ${SIZES[i]} came back altered`);
      }
    }
    await connection.close();
    assert.equal(metric(registry, 'net_frames_received'), 2 * SIZES.length);
  });

  test(`UTF-8 prefix and round trip ${over}`, async (t) => {
    const texts = ['Zoë', '日本', '🚀'];
    const big = { m: 'events', names: texts, data: '日本🚀Zoë'.repeat(80_000) };
    const peer = await startPeer(t, {
      tls: transport.peer,
      script: async (c) => {
        const batch = await c.next();
        c.send(batch);
        c.send(big);
      },
    });
    const { net } = newVu();
    const connection = await net.connect(peer.address, { ...transport.net, receiveTimeout: '10s' });

    const batch = { m: 'events', confirmId: '1', events: texts.map((text, id) => ({ id, data: { text } })) };
    assert.deepEqual(await connection.request(batch), batch);
    assert.deepEqual(await connection.receive(), big);
    await connection.close();

    const sent = peer.connections[0]!.frames[0]!;
    assert.deepEqual(sent, batch);
    // The peer decoded the client's frame by its prefix, so a character-count prefix would have
    // cut the body short and failed JSON.parse there.
    assert.equal(encodeFrame(batch).readUInt32BE(0), Buffer.byteLength(JSON.stringify(batch), 'utf8'));
    assert.ok(encodeFrame(big).length > 1024 * 1024);
  });
}
