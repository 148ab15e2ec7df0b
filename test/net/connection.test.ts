import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';

import { errorCount, frame, listenTcp, metric, newVu } from './helpers.ts';

/** Starts a server that writes back every byte it reads, so each frame returns unchanged. */
async function echoServer() {
  let received = 0;
  let written = 0;
  const server = await listenTcp((socket) => {
    socket.on('data', (chunk) => {
      received += chunk.length;
      written += chunk.length;
      socket.write(chunk);
    });
  });
  return Object.assign(server, { bytes: () => ({ received, written }) });
}

test('send and receive JSON over TCP', async (t) => {
  const server = await echoServer();
  t.after(() => server.close());
  const { net, registry } = newVu();

  const connection = await net.connect(server.address);
  await connection.send({ m: 'id', name: 'Zoë' });
  assert.deepEqual(await connection.receive(), { m: 'id', name: 'Zoë' });
  await connection.send([1, 'two']);
  assert.deepEqual(await connection.receive(), [1, 'two']);
  await connection.close();

  const expectedBytes = frame({ m: 'id', name: 'Zoë' }).length + frame([1, 'two']).length;
  assert.equal(server.bytes().received, expectedBytes);
  assert.equal(metric(registry, 'net_frames_sent'), 2);
  assert.equal(metric(registry, 'net_frames_received'), 2);
  assert.equal(metric(registry, 'data_sent'), expectedBytes);
  assert.equal(metric(registry, 'data_received'), expectedBytes);
  assert.equal(metric(registry, 'net_connect_duration'), 1);
  assert.equal(metric(registry, 'net_tls_handshake_duration'), 0);
  assert.equal(metric(registry, 'net_connections_open', 'max'), 1);
  assert.equal(metric(registry, 'net_connections_open', 'value'), 0);
  assert.equal(metric(registry, 'net_errors'), 0);
});

test('request skips unrelated frames to the queue', async (t) => {
  const server = await listenTcp((socket) => {
    socket.on('data', () => {
      socket.write(Buffer.concat([frame({ m: 'notice' }), frame({ m: 'confirm', confirmId: '2' })]));
    });
  });
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  const reply = await connection.request(
    { m: 'events', confirmId: '2' },
    { match: (m) => (m as { m?: string }).m === 'confirm', timeout: '5s' },
  );
  assert.deepEqual(reply, { m: 'confirm', confirmId: '2' });
  assert.deepEqual(await connection.receive(), { m: 'notice' });
  assert.equal(metric(registry, 'net_request_duration'), 1);
  assert.ok(metric(registry, 'net_request_duration', 'min') > 0);
  await connection.close();
});

test('unmatched frames go to message listeners', async (t) => {
  const server = await listenTcp((socket) => {
    socket.on('data', () => socket.write(Buffer.concat([frame({ n: 1 }), frame({ n: 2 }), frame({ n: 3 })])));
  });
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);
  const heard: unknown[] = [];
  connection.on('message', (m) => heard.push(m));

  const reply = await connection.request('go', { match: (m) => (m as { n: number }).n === 2 });
  assert.deepEqual(reply, { n: 2 });
  assert.deepEqual(heard, [{ n: 1 }, { n: 3 }]);
  await connection.close();
});

test('queue overflow fails with protocol', async (t) => {
  const server = await listenTcp((socket) => {
    socket.write(Buffer.concat([frame({ n: 1 }), frame({ n: 2 }), frame({ n: 3 })]));
  });
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address, { maxQueuedFrames: 2 });
  const failure = await new Promise<Error & { code: string }>((resolve) => connection.on('error', resolve));

  assert.equal(failure.code, 'protocol');
  assert.match(failure.message, /received more than maxQueuedFrames \(2\) frames/);
  assert.deepEqual(await connection.receive(), { n: 1 });
  assert.deepEqual(await connection.receive(), { n: 2 });
  await assert.rejects(connection.receive(), { code: 'protocol' });
  assert.equal(errorCount(registry, 'protocol'), 1);
});

test('receive timeout discards the connection', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  const started = performance.now();
  await assert.rejects(connection.receive({ timeout: 100 }), {
    name: 'NetTimeoutError',
    code: 'timeout',
    peer: server.address,
    message: `${server.address}: no frame received within 100 ms; the connection is discarded`,
  });
  const waited = performance.now() - started;
  assert.ok(waited >= 99, `waited ${waited} ms`);
  assert.ok(waited < 200, `waited ${waited} ms`);
  await server.allClosed(1);
  assert.equal(connection.closed, true);
  await assert.rejects(connection.send('late'), { code: 'closed', message: /discarded after a timeout/ });
  assert.equal(errorCount(registry, 'timeout'), 1);
  assert.equal(errorCount(registry, 'closed'), 0);
});

test('shorter later timeout fires first', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);

  const long = connection.receive({ timeout: 5000 });
  const started = performance.now();
  await assert.rejects(connection.request('ping', { timeout: 100 }), {
    code: 'timeout',
    message: `${server.address}: no matching reply within 100 ms; the connection is discarded`,
  });
  const waited = performance.now() - started;
  assert.ok(waited >= 99, `waited ${waited} ms`);
  assert.ok(waited < 1000, `waited ${waited} ms`);
  await assert.rejects(long, { code: 'closed', message: /discarded after a timeout/ });
});

test('each wait gets a fresh deadline', async (t) => {
  // The server replies to the first frame after 150 ms and sends nothing afterwards.
  const server = await listenTcp((socket) => {
    socket.once('data', () => setTimeout(() => socket.write(frame({ n: 1 })), 150));
  });
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);

  assert.deepEqual(await connection.request('go', { timeout: 300 }), { n: 1 });
  // The first deadline passes 150 ms into this wait; the receive must still get its whole 300 ms.
  const started = performance.now();
  await assert.rejects(connection.receive({ timeout: 300 }), { code: 'timeout' });
  const waited = performance.now() - started;
  assert.ok(waited >= 299, `waited ${waited} ms`);
  assert.ok(waited < 1000, `waited ${waited} ms`);
});

test('close is idempotent and rejects pending receives', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  const pending = connection.receive();
  const first = connection.close();
  const second = connection.close();
  assert.equal(first, second);
  await assert.rejects(pending, { code: 'closed', message: `${server.address}: connection closed by the script` });
  await first;
  await server.allClosed(1);
  assert.equal(metric(registry, 'net_errors'), 0);
  assert.equal(metric(registry, 'net_connections_open', 'value'), 0);
});

test('send waits for drain when the peer stops reading', async (t) => {
  let accepted!: (socket: Socket) => void;
  const peerReady = new Promise<Socket>((resolve) => (accepted = resolve));
  const server = await listenTcp((socket) => {
    socket.pause();
    accepted(socket);
  });
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address, { format: 'bytes' });
  const peer = await peerReady;

  const big = new Uint8Array(4 * 1024 * 1024);
  const sent = connection.send(big);
  const state = await Promise.race([sent.then(() => 'resolved'), Promise.resolve('pending')]);
  assert.equal(state, 'pending');

  let drained = 0;
  peer.on('data', (chunk) => (drained += chunk.length));
  peer.resume();
  await sent;
  assert.equal(metric(registry, 'data_sent'), 4 + big.length);
  assert.ok(drained > 0);
  await connection.close();
});

test('connection tags label the samples', async (t) => {
  const server = await echoServer();
  t.after(() => server.close());
  const { net, registry } = newVu();
  registry.define('net_frames_sent', 'counter').submetric({ proto: 'agent' });
  const connection = await net.connect(server.address, { tags: { proto: 'agent' } });
  await connection.send({ a: 1 });
  await connection.receive();
  await connection.close();

  const sub = registry.get('net_frames_sent')!.submetrics.get('net_frames_sent{proto:agent}')!;
  assert.equal(sub.aggregate.values([], 1000)['count'], 1);
});

test('throwing match rejects only that request', async (t) => {
  const server = await echoServer();
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);

  const failing = connection.request({ n: 1 }, {
    match: () => {
      throw new Error('bad match');
    },
  });
  await assert.rejects(failing, { message: 'bad match' });
  assert.deepEqual(await connection.receive(), { n: 1 });
  assert.equal(connection.closed, false);
  await connection.close();
});

test('throwing message listener closes the connection', async (t) => {
  const server = await listenTcp((socket) => socket.write(frame({ n: 1 })));
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);
  const closed = new Promise<void>((resolve) => connection.on('close', resolve));
  connection.on('message', () => {
    throw new Error('listener bug');
  });

  await closed;
  await assert.rejects(connection.receive(), (error: Error & { code: string }) => {
    assert.equal(error.code, 'closed');
    assert.equal((error.cause as Error).message, 'listener bug');
    return true;
  });
});

test('strings travel as UTF-8 text', async (t) => {
  const server = await echoServer();
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address, { format: 'text' });
  await connection.send('日本 🚀');
  assert.equal(await connection.receive(), '日本 🚀');
  await connection.close();
  assert.equal(metric(registry, 'data_sent'), 4 + 11);
});

test('user codec errors keep their code', async (t) => {
  const server = await listenTcp((socket) => socket.write('x'));
  t.after(() => server.close());
  const { net, registry } = newVu();
  const codec = {
    name: 'always-too-large',
    encode: (payload: Uint8Array) => payload,
    createDecoder: () => ({
      pendingBytes: 0,
      push() {
        throw Object.assign(new Error('always-too-large: frame exceeds 0 bytes'), { code: 'frame_too_large' });
      },
    }),
  };
  const connection = await net.connect(server.address, { codec });

  await assert.rejects(connection.receive(), {
    name: 'FrameTooLargeError',
    code: 'frame_too_large',
    message: `${server.address}: always-too-large: frame exceeds 0 bytes`,
  });
  assert.equal(errorCount(registry, 'frame_too_large'), 1);
});

test('invalid options are rejected by name', async () => {
  const { net } = newVu();
  await assert.rejects(net.connect('127.0.0.1'), { code: 'invalid_config', message: /expected "host:port"/ });
  await assert.rejects(net.connect('127.0.0.1:1', { timeout: 5 } as never), {
    code: 'invalid_config',
    message: /invalid option connect options.timeout: unknown option/,
  });
  await assert.rejects(net.connect('127.0.0.1:1', { ca: 'x' }), {
    message: 'invalid option connect options.ca: applies to TLS connections only; set tls: true',
  });
  await assert.rejects(net.connect('127.0.0.1:1', { connectTimeout: 'soon' }), {
    message: /connect options.connectTimeout: expected a duration/,
  });
});

test('send writes every payload kind exactly', async (t) => {
  const received: Buffer[] = [];
  const server = await listenTcp((socket) => socket.on('data', (chunk) => received.push(chunk)));
  t.after(() => server.close());
  const { net } = newVu();
  // A 2-byte little-endian length that counts itself, so a header written in the wrong place shows.
  const codec = net.lengthPrefixed({ prefixBytes: 2, byteOrder: 'little', lengthIncludesHeader: true });
  const connection = await net.connect(server.address, { codec });

  const bytes = new Uint8Array([1, 2, 3, 4, 5]);
  await connection.send('Zoë🚀');
  await connection.send({ name: '日本' });
  await connection.send(bytes);
  await connection.send(bytes.buffer);
  await connection.send(new DataView(bytes.buffer, 1, 3));
  await connection.close();
  await server.allClosed(1);

  const littleEndian = (payload: Buffer) => {
    const header = Buffer.alloc(2);
    header.writeUInt16LE(payload.length + 2, 0);
    return Buffer.concat([header, payload]);
  };
  const expected = Buffer.concat([
    littleEndian(Buffer.from('Zoë🚀', 'utf8')),
    littleEndian(Buffer.from('{"name":"日本"}', 'utf8')),
    littleEndian(Buffer.from([1, 2, 3, 4, 5])),
    littleEndian(Buffer.from([1, 2, 3, 4, 5])),
    littleEndian(Buffer.from([2, 3, 4])),
  ]);
  assert.equal(Buffer.concat(received).toString('hex'), expected.toString('hex'));
});

test('send over maxFrameBytes writes nothing', async (t) => {
  const received: Buffer[] = [];
  const server = await listenTcp((socket) => socket.on('data', (chunk) => received.push(chunk)));
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address, { codec: net.lengthPrefixed({ maxFrameBytes: 8 }) });

  const cases: Array<[message: string | object | Uint8Array, payloadBytes: number]> = [
    ['123456789', 9],
    [{ a: 1234 }, 10],
    [new Uint8Array(9), 9],
  ];
  for (const [message, payloadBytes] of cases) {
    await assert.rejects(connection.send(message), {
      code: 'frame_too_large',
      message: `${server.address}: length-prefixed(4,big): payload of ${payloadBytes} bytes exceeds the limit of 8 bytes (maxFrameBytes 8)`,
    });
  }
  await connection.send('12345678');
  await connection.close();
  await server.allClosed(1);
  assert.equal(Buffer.concat(received).toString(), '\u0000\u0000\u0000\u000812345678');
  assert.equal(errorCount(registry, 'frame_too_large'), 3);
});

test('far deadline stays pending without waking', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));

  let settled = false;
  const pending = connection.receive({ timeout: '1000h' }).finally(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(settled, false);
  assert.deepEqual(warnings, []);
  const rejected = assert.rejects(pending, { code: 'closed' });
  await connection.close();
  await rejected;
});

test('non-finite timeouts are rejected', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const { net } = newVu();
  const connection = await net.connect(server.address);

  await assert.rejects(connection.receive({ timeout: Infinity }), {
    name: 'ConfigError',
    message: /receive options\.timeout: expected a duration such as "30s" or "1m30s", got Infinity/,
  });
  await assert.rejects(connection.request('x', { timeout: Number.NaN }), { name: 'ConfigError' });
  await connection.close();
});

test('connect timeout over timer range', async () => {
  const { net } = newVu();
  await assert.rejects(net.connect('127.0.0.1:1', { connectTimeout: '1000h' }), {
    name: 'ConfigError',
    message: /connect options\.connectTimeout: expected a duration of at most 2147483647 ms \(about 24\.8 days\), got "1000h"/,
  });
});

test('4 GiB payload rejected before allocation', async (t) => {
  const server = await listenTcp();
  t.after(() => server.close());
  const { net, registry } = newVu();
  const connection = await net.connect(server.address);

  // The pages of a zero-filled 4 GiB array are never touched, so the test uses little real memory.
  await assert.rejects(connection.send(new Uint8Array(2 ** 32)), {
    code: 'frame_too_large',
    message: `${server.address}: length-prefixed(4,big): payload of 4294967296 bytes exceeds the limit of 16777216 bytes (maxFrameBytes 16777216)`,
  });
  assert.equal(errorCount(registry, 'frame_too_large'), 1);
  await connection.close();
});
