// Broken and hostile peers on plain TCP: bytes trickled, split and coalesced at awkward offsets,
// closes in the middle of a frame and resets. The gaps between writes are the peer's behaviour
// under test, not waits for the client.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { errorCount, frame, listenTcp, metric, newVu, splitAt, writeSlowly } from './helpers.ts';

const approved = { subsystem: 'auth', status: 'approved' };
const confirm = { m: 'confirm', confirmId: '2' };

for (const [label, offsets] of [
  ['2 + 2', [2]],
  ['1+1+1+1', [1, 2, 3]],
] as const) {
  test(`header written as ${label} decodes once`, async (t) => {
    const bytes = frame(approved);
    const server = await listenTcp((socket) => {
      socket.once('data', () => void writeSlowly(socket, splitAt(bytes, ...offsets, 4), 20));
    });
    t.after(() => server.close());
    const { net, registry } = newVu();
    const connection = await net.connect(server.address, { receiveTimeout: '5s' });

    assert.deepEqual(await connection.request({ m: 'id' }), approved);
    await connection.close();
    assert.equal(metric(registry, 'net_frames_received'), 1);
    assert.equal(metric(registry, 'net_errors'), 0);
  });
}

test('body in two pieces: latency to last byte', async (t) => {
  let lastWrite = 0;
  const bytes = frame(confirm);
  const server = await listenTcp((socket) => {
    socket.once('data', async () => {
      await writeSlowly(socket, splitAt(bytes, 10), 50);
      lastWrite = performance.now();
    });
  });
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  const reply = connection.request({ m: 'events', confirmId: '2' });
  const requested = performance.now();
  assert.deepEqual(await reply, confirm);
  await connection.close();
  assert.equal(metric(registry, 'net_frames_received'), 1);
  assert.ok(metric(registry, 'net_request_duration', 'min') >= lastWrite - requested);
  assert.ok(lastWrite - requested >= 49, 'the second piece came 50 ms later');
});

test('200 KiB frame in 1460-byte writes', async (t) => {
  const body = { m: 'bulk', data: 'Zoë 日本 🚀 '.repeat(11_000).slice(0, 200 * 1024) };
  const bytes = frame(body);
  const offsets: number[] = [];
  for (let offset = 1460; offset < bytes.length; offset += 1460) offsets.push(offset);
  const server = await listenTcp((socket) => socket.once('data', () => void writeSlowly(socket, splitAt(bytes, ...offsets), 1)));
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address, { receiveTimeout: '10s' });

  assert.deepEqual(await connection.request({ m: 'id' }), body);
  await connection.close();
  assert.equal(metric(registry, 'net_frames_received'), 1);
  assert.equal(metric(registry, 'data_received'), bytes.length);
});

test('frame plus 3 bytes of the next', async (t) => {
  const next = frame(confirm);
  const server = await listenTcp((socket) => {
    socket.once('data', () =>
      void writeSlowly(socket, [Buffer.concat([frame(approved), next.subarray(0, 3)]), next.subarray(3)], 30),
    );
  });
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  assert.deepEqual(await connection.request({ m: 'id' }), approved);
  assert.deepEqual(await connection.receive(), confirm);
  await connection.close();
  assert.equal(metric(registry, 'net_frames_received'), 2);
});

test('two frames in one write both arrive', async (t) => {
  const notice = { m: 'notice', text: 'maintenance' };
  const server = await listenTcp((socket) => socket.once('data', () => socket.write(Buffer.concat([frame(notice), frame(approved)]))));
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  const reply = await connection.request({ m: 'id' }, { match: (m) => (m as { subsystem?: string }).subsystem === 'auth' });
  assert.deepEqual(reply, approved);
  // The frame the request skipped is kept for the script, and counted as received.
  assert.deepEqual(await connection.receive(), notice);
  assert.equal(metric(registry, 'net_frames_received'), 2);
  await connection.close();
});

test('FIN after the id: closed, no spin', async (t) => {
  const server = await listenTcp((socket) => socket.once('data', () => socket.end()));
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  const cpuBefore = process.cpuUsage();
  await assert.rejects(connection.request({ m: 'id' }), { code: 'closed', message: /the peer closed the connection between frames/ });
  await assert.rejects(connection.receive(), { code: 'closed' });
  const cpu = process.cpuUsage(cpuBefore);
  assert.ok(cpu.user + cpu.system < 200_000, `used ${cpu.user + cpu.system} µs of CPU`);
  assert.equal(connection.closed, true);
  assert.equal(errorCount(registry, 'closed'), 1);
});

test('FIN mid-frame is unexpected_eof', async (t) => {
  // Header announces 26 bytes; only 10 follow.
  const truncated = Buffer.concat([Buffer.from('0000001a', 'hex'), Buffer.from('0123456789')]);
  const server = await listenTcp((socket) => socket.once('data', () => socket.end(truncated)));
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  await assert.rejects(connection.request({ m: 'id' }), {
    code: 'unexpected_eof',
    message: `${server.address}: the peer closed the connection after 14 bytes of an unfinished frame`,
  });
  assert.equal(errorCount(registry, 'unexpected_eof'), 1);
  assert.equal(errorCount(registry, 'closed'), 0);
});

test('RST after a batch rejects it', async (t) => {
  let batchBytes = 0;
  const server = await listenTcp((socket) =>
    socket.on('data', (chunk) => {
      batchBytes += chunk.length;
      socket.resetAndDestroy();
    }),
  );
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  const batch = { m: 'events', confirmId: '1', events: [{ id: 0 }] };
  await assert.rejects(connection.request(batch, { match: (m) => (m as { m?: string }).m === 'confirm' }), {
    code: 'reset',
  });
  assert.equal(batchBytes, frame(batch).length);
  assert.equal(metric(registry, 'net_request_duration'), 0, 'no reply, no request duration');
  assert.equal(errorCount(registry, 'reset'), 1);
});

test('each receive gets a fresh deadline', async (t) => {
  // Replies come 150 ms apart against a 250 ms deadline: a deadline shared across waits would expire.
  const server = await listenTcp((socket) => {
    socket.once('data', async () => {
      for (let n = 1; n <= 5; n++) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        socket.write(frame({ n }));
      }
    });
  });
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address, { receiveTimeout: 250 });

  await connection.send({ m: 'id' });
  for (let n = 1; n <= 5; n++) assert.deepEqual(await connection.receive(), { n });
  await connection.close();
  assert.equal(metric(registry, 'net_errors'), 0);
});
