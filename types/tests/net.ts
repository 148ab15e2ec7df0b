// Type tests for `frameload/net`: connect, codecs and errors in correct use, then misuse that must
// not compile. Compiled by `tsc -p types`, never run.

import {
  ClosedError,
  CodecError,
  NET_ERROR_CODES,
  NetError,
  NetTimeoutError,
  connect,
  decodePayload,
  delimited,
  encodePayload,
  lengthPrefixed,
  raw,
  type Connection,
  type ConnectOptions,
  type FrameCodec,
  type FrameDecoder,
  type NetErrorCode,
} from 'frameload/net';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectTrue = <T extends true>(): T | undefined => undefined;

interface Confirm {
  m: 'confirm';
  confirmId: string;
}

export async function correctUse(): Promise<void> {
  const options: ConnectOptions = {
    tls: true,
    ca: '-----BEGIN CERTIFICATE-----',
    servername: 'agents.test',
    minVersion: 'TLSv1.2',
    maxVersion: 'tls1.3',
    connectTimeout: '3s',
    handshakeTimeout: 5000,
    receiveTimeout: '5s',
    localAddress: '127.0.0.2',
    codec: lengthPrefixed({ prefixBytes: 4, byteOrder: 'big', lengthIncludesHeader: false, maxFrameBytes: 1 << 20 }),
    format: 'json',
    tags: { proto: 'agent' },
    maxQueuedFrames: 16,
    alpn: ['agent/1'],
  };
  const connection: Connection = await connect('127.0.0.1:8444', options);
  await connection.send({ m: 'id', name: 'FakeAgent_1' });
  await connection.send('text');
  await connection.send(new Uint8Array([1, 2]));
  const confirm = await connection.request<Confirm>({ m: 'events', confirmId: '2' }, {
    match: (m) => m.confirmId === '2',
    timeout: '5s',
  });
  expectTrue<Equal<typeof confirm, Confirm>>();
  const next = await connection.receive({ timeout: 250 });
  expectTrue<Equal<typeof next, unknown>>();
  connection.on('message', () => {}).on('close', () => {});
  connection.on('error', (error) => {
    expectTrue<Equal<typeof error.code, NetErrorCode>>();
  });
  expectTrue<Equal<typeof connection.tlsVersion, string | null>>();
  await connection.close();

  const codecs: FrameCodec[] = [lengthPrefixed(), delimited({ delimiter: '\r\n' }), raw()];
  const decoder: FrameDecoder = codecs[0]!.createDecoder();
  decoder.push(encodePayload({ name: 'Zoë' }), (frame) => decodePayload(frame, 'json'));
  const text: string = decodePayload(new Uint8Array(0), 'text');
  const bytes: Uint8Array = decodePayload(new Uint8Array(0), 'bytes');
  void text;
  void bytes;

  try {
    await connect('agents.test:8444');
  } catch (error) {
    if (error instanceof NetTimeoutError) expectTrue<Equal<typeof error.code, 'timeout'>>();
    if (error instanceof ClosedError) expectTrue<Equal<typeof error.code, 'closed'>>();
    if (error instanceof NetError) {
      const peer: string = error.peer;
      void peer;
    }
    if (error instanceof CodecError) expectTrue<Equal<typeof error.code, 'frame_too_large' | 'protocol'>>();
  }
  const codes: readonly NetErrorCode[] = NET_ERROR_CODES;
  void codes;
  const made = new NetTimeoutError('127.0.0.1:8444', 'no frame within 5000 ms');
  expectTrue<Equal<typeof made.code, 'timeout'>>();
}

export async function misuse(connection: Connection): Promise<void> {
  // @ts-expect-error the address is a string "host:port", not a port number
  await connect(8444);
  // @ts-expect-error prefixBytes is 1, 2, 4 or 8
  lengthPrefixed({ prefixBytes: 3 });
  // @ts-expect-error byteOrder is 'big' or 'little'
  lengthPrefixed({ byteOrder: 'network' });
  // @ts-expect-error unknown option (the receive deadline is receiveTimeout)
  await connect('127.0.0.1:1', { timeout: 5 });
  // @ts-expect-error format is 'json', 'text' or 'bytes'
  await connect('127.0.0.1:1', { format: 'xml' });
  // @ts-expect-error minVersion takes a version name
  await connect('127.0.0.1:1', { tls: true, minVersion: 1.2 });
  // @ts-expect-error tags are string values
  await connect('127.0.0.1:1', { tags: { step: 3 } });
  // @ts-expect-error insecureSkipVerify is a boolean
  await connect('127.0.0.1:1', { tls: true, insecureSkipVerify: 'yes' });

  // @ts-expect-error undefined cannot be sent
  await connection.send(undefined);
  // @ts-expect-error match takes a function
  await connection.request({}, { match: 'confirm' });
  // @ts-expect-error there is no 'data' event; frames arrive as 'message'
  connection.on('data', () => {});
  // @ts-expect-error peer is read-only
  connection.peer = 'other:1';

  // @ts-expect-error error codes are a fixed set
  const code: NetErrorCode = 'timed_out';
  void code;
  // @ts-expect-error subclasses take the peer first; the code is fixed by the class
  void new ClosedError('closed', '127.0.0.1:1', 'message');

  // @ts-expect-error a codec needs encode and createDecoder
  const codec: FrameCodec = { name: 'broken' };
  void codec;
}
