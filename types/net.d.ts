// Script-facing typings of `frameload/net`: framed TCP and TLS connections, codecs and the typed
// errors they reject with. Durations are milliseconds when given as numbers, or k6 duration strings.

declare module 'frameload/net' {
  /** A duration: milliseconds as a number, or a k6 duration string. @example '5s' @example 250 */
  export type Duration = number | string;

  /** PEM text, or its bytes. @example readFileSync('./certs/ca.crt', 'utf8') */
  export type Pem = string | Uint8Array;

  /** A message for `send` and `request`: text (UTF-8), bytes, or any JSON-serialisable value (sent as JSON). */
  export type Message =
    | string
    | Uint8Array
    | ArrayBuffer
    | ArrayBufferView
    | null
    | boolean
    | number
    | readonly unknown[]
    | { readonly [key: string]: unknown };

  /** The form in which received frames reach the script: parsed JSON, a string, or the frame bytes. */
  export type PayloadFormat = 'json' | 'text' | 'bytes';

  /** A TLS version in Node's spelling or k6's. */
  export type TlsVersion = 'TLSv1.2' | 'TLSv1.3' | 'tls1.2' | 'tls1.3' | 'TLSv1' | 'TLSv1.1' | 'tls1.0' | 'tls1.1';

  /** Every error code, one per failure kind; `net_errors{code:...}` uses the same strings. */
  export type NetErrorCode =
    | 'connect_refused'
    | 'connect_timeout'
    | 'dns'
    | 'tls_handshake'
    | 'tls_handshake_timeout'
    | 'tls_verify'
    | 'tls_client_auth'
    | 'timeout'
    | 'closed'
    | 'reset'
    | 'unexpected_eof'
    | 'frame_too_large'
    | 'protocol'
    | 'local_resource';

  /**
   * The framing contract. Codecs work on `Uint8Array` only, so a codec written for frameload also runs
   * in other JavaScript runtimes. See docs/framing.md for a walk-through.
   * @example
   * const codec: FrameCodec = lengthPrefixed({ prefixBytes: 2, byteOrder: 'little' });
   */
  export interface FrameCodec {
    /** Short identifier used in error messages. @example 'length-prefixed(4,big)' */
    readonly name: string;
    /**
     * Encodes one payload into the bytes to write: header and payload. Throws a `CodecError` when the
     * payload cannot be framed.
     * @example codec.encode(new TextEncoder().encode('{"m":"id"}'))
     */
    encode(payload: Uint8Array): Uint8Array;
    /**
     * Optional, for frames that are a fixed-size header followed by the payload: the header's size in
     * bytes. With `writeHeader`, a connection writes text and JSON payloads straight into the frame,
     * which saves one copy per frame.
     * @example 4
     */
    readonly headerBytes?: number;
    /**
     * Optional, with `headerBytes`: writes the header of a frame whose payload has `payloadLength`
     * bytes into the first `headerBytes` bytes of `frame`. Throws a `CodecError` like `encode`.
     * @example codec.writeHeader?.(frame, 7165)
     */
    writeHeader?(frame: Uint8Array, payloadLength: number): void;
    /** Creates a decoder for one connection; decoders keep partial-frame state. @example codec.createDecoder() */
    createDecoder(): FrameDecoder;
  }

  /** The receiving half of a codec, a state machine over one byte stream. */
  export interface FrameDecoder {
    /**
     * Feeds bytes and calls `onFrame` for every frame they complete, in order. Throws a `CodecError`
     * with code `frame_too_large` or `protocol`; after a throw the decoder is unusable.
     * @example decoder.push(chunk, (frame) => frames.push(frame));
     */
    push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void;
    /** Bytes held of an incomplete frame, 0 exactly between frames. @example 0 */
    readonly pendingBytes: number;
  }

  /** Options of `lengthPrefixed`. */
  export interface LengthPrefixedOptions {
    /** Size of the length field in bytes. @default 4 @example 2 */
    prefixBytes?: 1 | 2 | 4 | 8;
    /** Byte order of the length field. @default 'big' @example 'little' */
    byteOrder?: 'big' | 'little';
    /** Whether the length counts the length field itself. @default false @example true */
    lengthIncludesHeader?: boolean;
    /** Largest payload in bytes, checked as soon as a length is read, before buffering. @default 16777216 (16 MiB) @example 1048576 */
    maxFrameBytes?: number;
  }

  /** Options of `delimited`. */
  export interface DelimitedOptions {
    /** Bytes that end each frame; a string is taken as UTF-8. @default '\n' @example '\r\n' */
    delimiter?: string | Uint8Array;
    /** Largest payload in bytes, not counting the delimiter. @default 16777216 (16 MiB) @example 65536 */
    maxFrameBytes?: number;
  }

  /**
   * Creates a codec whose frames are a length field followed by the payload. The default, a 4-byte
   * big-endian length of the payload only, is what `connect` uses when no codec is given.
   * @example lengthPrefixed({ prefixBytes: 2, byteOrder: 'little', lengthIncludesHeader: true })
   */
  export function lengthPrefixed(options?: LengthPrefixedOptions): FrameCodec;

  /**
   * Creates a codec whose frames end with a delimiter, removed on receipt. A payload containing the
   * delimiter cannot be sent.
   * @example delimited({ delimiter: '\n' })
   */
  export function delimited(options?: DelimitedOptions): FrameCodec;

  /** Creates a codec without framing: each chunk the network delivers is one frame. @example raw() */
  export function raw(): FrameCodec;

  /**
   * Converts a message into payload bytes as `send` does: strings as UTF-8, bytes as they are, other
   * values as JSON. Throws TypeError for values JSON cannot represent.
   * @example encodePayload({ name: 'Zoë' }).length // 15: bytes, not characters
   */
  export function encodePayload(message: Message): Uint8Array;

  /**
   * Converts a received frame as connections do for their `format`. Throws a `CodecError` with code
   * `protocol` for invalid UTF-8 or JSON.
   * @example decodePayload(frame, 'json')
   */
  export function decodePayload(frame: Uint8Array, format: 'bytes'): Uint8Array;
  export function decodePayload(frame: Uint8Array, format: 'text'): string;
  export function decodePayload(frame: Uint8Array, format: PayloadFormat): unknown;

  /** Options of `connect`. Explicit values win over k6's global TLS options. */
  export interface ConnectOptions {
    /** Whether to run TLS over the TCP connection. TLS-only options require it. @default false @example true */
    tls?: boolean;
    /** CA certificates trusted for the server's certificate, instead of the system store. @default system store @example readFileSync('./ca.crt', 'utf8') */
    ca?: Pem | Pem[];
    /** Client certificate for mutual TLS; needs `key`. @default k6 `tlsAuth` entry for the host, else none @example readFileSync('./client.crt', 'utf8') */
    cert?: Pem;
    /** Private key of `cert`. @default none @example readFileSync('./client.key', 'utf8') */
    key?: Pem;
    /** Passphrase of an encrypted `key`. @default none @example __ENV.KEY_PASSPHRASE */
    passphrase?: string;
    /** Server name sent as SNI and checked against the certificate. @default the host, when it is not an IP address @example 'agents.test' */
    servername?: string;
    /**
     * Skips certificate verification. The run's summary then reports that verification was off.
     * @default k6 `insecureSkipTLSVerify`, else false
     * @example true
     */
    insecureSkipVerify?: boolean;
    /** Oldest TLS version to accept. @default k6 `tlsVersion`, else Node's default (TLSv1.2) @example 'TLSv1.3' */
    minVersion?: TlsVersion;
    /** Newest TLS version to offer. @default k6 `tlsVersion`, else TLSv1.3 @example 'TLSv1.2' */
    maxVersion?: TlsVersion;
    /** OpenSSL cipher list. @default k6 `tlsCipherSuites`, else Node's default @example 'ECDHE-ECDSA-AES128-GCM-SHA256' */
    ciphers?: string;
    /** ALPN protocols to offer, in order of preference. @default none @example ['agent/1'] */
    alpn?: string[];
    /** Deadline for the DNS lookup and TCP connect together. @default '10s' @example '3s' */
    connectTimeout?: Duration;
    /** Deadline for the TLS handshake, counted from the TCP connection. @default '10s' @example '5s' */
    handshakeTimeout?: Duration;
    /** Default deadline of each `receive` and `request`. @default '60s' @example '5s' */
    receiveTimeout?: Duration;
    /** Local IP address to connect from, to spread connections over addresses. @default chosen by the OS @example '127.0.0.2' */
    localAddress?: string;
    /**
     * Host name resolver with the signature of Node's `dns.lookup`.
     * @default dns.lookup
     * @example (host, options, callback) => callback(null, '127.0.0.1', 4)
     */
    lookup?: (
      hostname: string,
      options: object,
      callback: (error: Error | null, address: string | Array<{ address: string; family: number }>, family?: number) => void,
    ) => void;
    /** Framing of the connection. @default lengthPrefixed() (4-byte big-endian payload length) @example delimited() */
    codec?: FrameCodec;
    /** How received frames are decoded. @default 'json' @example 'bytes' */
    format?: PayloadFormat;
    /** Tags added to every sample this connection records. @default none @example { proto: 'agent' } */
    tags?: Record<string, string>;
    /**
     * Frames that no request, receive or listener took and that are kept for a later `receive`.
     * One more fails the connection with `protocol`.
     * @default 1024
     * @example 16
     */
    maxQueuedFrames?: number;
  }

  /** Options of `receive`. */
  export interface ReceiveOptions {
    /** Deadline for this wait; on expiry the connection is discarded. @default the connection's receiveTimeout @example '2s' */
    timeout?: Duration;
  }

  /** Options of `request`. */
  export interface RequestOptions<T = unknown> {
    /** Picks the reply; other frames go on to receivers, listeners or the queue. @default any frame @example (m) => m.confirmId === '2' */
    match?: (message: T) => boolean;
    /** Deadline for the reply; on expiry the connection is discarded. @default the connection's receiveTimeout @example '5s' */
    timeout?: Duration;
  }

  /**
   * One framed connection. Frames go to the oldest `request` whose `match` accepts them, then to the
   * oldest `receive`, then to 'message' listeners, else to a queue of `maxQueuedFrames`.
   */
  export interface Connection {
    /** The address as given to `connect`. @example '127.0.0.1:8444' */
    readonly peer: string;
    /** The negotiated TLS version, or null for plain TCP. @example 'TLSv1.3' */
    readonly tlsVersion: string | null;
    /** The ALPN protocol the server selected, or null. @example 'agent/1' */
    readonly alpnProtocol: string | null;
    /** Local address of the socket. @example '127.0.0.2' */
    readonly localAddress: string | undefined;
    /** Local port of the socket. @example 53412 */
    readonly localPort: number | undefined;
    /** Whether the connection can no longer send or receive. @example false */
    readonly closed: boolean;
    /**
     * Writes one frame. Resolves at once while the socket buffer has room, otherwise after it drains.
     * @example await connection.send({ m: 'id', name: 'agent-1' });
     */
    send(message: Message): Promise<void>;
    /**
     * Returns the next frame that no request took, decoded in the connection's format.
     * @example const frame = await connection.receive({ timeout: '5s' });
     */
    receive<T = unknown>(options?: ReceiveOptions): Promise<T>;
    /**
     * Sends `message` and returns the first later frame `match` accepts. Records net_request_duration.
     * @example
     * const confirm = await connection.request(batch, { match: (m) => m.confirmId === batch.confirmId });
     */
    request<T = any>(message: Message, options?: RequestOptions<T>): Promise<T>;
    /** Adds a listener for frames no request or receive took. @example connection.on('message', (m) => notices.add(1)); */
    on(event: 'message', listener: (message: any) => void): this;
    /** Adds a listener for failures of the connection itself. @example connection.on('error', (e) => console.log(e.code)); */
    on(event: 'error', listener: (error: NetError) => void): this;
    /** Adds a listener called once when the socket has closed. @example connection.on('close', () => open.add(-1)); */
    on(event: 'close', listener: () => void): this;
    /** Removes a listener added with `on`. @example connection.off('message', onNotice); */
    off(event: 'message' | 'error' | 'close', listener: (...args: any[]) => void): this;
    /**
     * Closes gracefully and resolves once the socket is closed; calling it again returns the same
     * promise. Pending operations reject with `closed`, not counted in net_errors.
     * @example await connection.close();
     */
    close(): Promise<void>;
  }

  /**
   * Opens a framed TCP or TLS connection. Rejects with a `NetError`, or with an error whose code is
   * `invalid_config` when an option is invalid.
   * @param address `host:port`, `1.2.3.4:port` or `[::1]:port`.
   * @example
   * const connection = await connect('127.0.0.1:8444', { tls: true, ca: readFileSync('./ca.crt', 'utf8'), servername: 'agents.test' });
   */
  export function connect(address: string, options?: ConnectOptions): Promise<Connection>;

  /** A framing failure raised by a codec. */
  export class CodecError extends Error {
    /** @example 'frame_too_large' */
    readonly code: 'frame_too_large' | 'protocol';
    constructor(code: 'frame_too_large' | 'protocol', message: string, options?: { cause?: unknown });
  }

  /** Base class of every connection failure. @example if (error instanceof NetError && error.code === 'timeout') retry(); */
  export class NetError extends Error {
    /** The stable failure code. @example 'connect_refused' */
    readonly code: NetErrorCode;
    /** The address as given to `connect`. @example '127.0.0.1:8444' */
    readonly peer: string;
    constructor(code: NetErrorCode, peer: string, message: string, options?: { cause?: unknown });
  }

  /** TCP connection refused, or host or network unreachable. */
  export class ConnectRefusedError extends NetError {
    readonly code: 'connect_refused';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** DNS lookup and TCP connect took longer than `connectTimeout`. */
  export class ConnectTimeoutError extends NetError {
    readonly code: 'connect_timeout';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** The host name could not be resolved. */
  export class DnsError extends NetError {
    readonly code: 'dns';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** TLS handshake failed for a reason other than verification or client authentication. */
  export class TlsHandshakeError extends NetError {
    readonly code: 'tls_handshake';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** TLS handshake took longer than `handshakeTimeout`. */
  export class TlsHandshakeTimeoutError extends NetError {
    readonly code: 'tls_handshake_timeout';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** The server certificate is untrusted or does not name the host. */
  export class TlsVerifyError extends NetError {
    readonly code: 'tls_verify';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** The server rejected the client certificate, during the handshake or, under TLS 1.3, with an alert on the first read. */
  export class TlsClientAuthError extends NetError {
    readonly code: 'tls_client_auth';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** A receive or request timed out; the connection was discarded. */
  export class NetTimeoutError extends NetError {
    readonly code: 'timeout';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** The connection is closed: by the peer between frames, by the script, or at VU end. */
  export class ClosedError extends NetError {
    readonly code: 'closed';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** The peer reset the connection. */
  export class ResetError extends NetError {
    readonly code: 'reset';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** The peer closed the connection in the middle of a frame. */
  export class UnexpectedEofError extends NetError {
    readonly code: 'unexpected_eof';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** A frame exceeded `maxFrameBytes` or what its length field can describe. */
  export class FrameTooLargeError extends NetError {
    readonly code: 'frame_too_large';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** The peer broke the framing or payload rules, or overflowed `maxQueuedFrames`. */
  export class ProtocolError extends NetError {
    readonly code: 'protocol';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }
  /** Out of file descriptors (EMFILE) or local addresses and ports (EADDRNOTAVAIL). */
  export class LocalResourceError extends NetError {
    readonly code: 'local_resource';
    constructor(peer: string, message: string, options?: { cause?: unknown });
  }

  /** All error codes, in the order of the table in docs/net.md. @example NET_ERROR_CODES.includes(error.code) */
  export const NET_ERROR_CODES: readonly NetErrorCode[];
}
