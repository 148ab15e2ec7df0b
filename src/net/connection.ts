import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

import { parseDuration } from '../engine/duration.ts';
import { timerDelay } from '../engine/timer-delay.ts';
import type { Closable, VuScope } from '../engine/vu-scope.ts';
import type { Metric } from '../metrics/registry.ts';
import type { Tags } from '../metrics/types.ts';
import { classifyError } from './classify.ts';
import { CodecError } from './codec/errors.ts';
import { decodePayload, encodePayload, payloadBytes, payloadText, type PayloadFormat } from './codec/payload.ts';
import type { FrameCodec, FrameDecoder } from './codec/types.ts';
import type { Dialed } from './dial.ts';
import { netError, NetError } from './errors.ts';
import type { NetMetrics } from './metrics.ts';
import type { DurationInput, ResolvedOptions } from './options.ts';
import { earliest, type DrainWaiter, type ReceiveWaiter, type RequestWaiter } from './waiters.ts';

export interface ReceiveOptions {
  timeout?: DurationInput;
}

export interface RequestOptions {
  match?: (message: unknown) => boolean;
  timeout?: DurationInput;
}

type MessageListener = (message: unknown) => void;
type ErrorListener = (error: NetError) => void;
type CloseListener = () => void;

// Waiting operations while the socket buffer is below its high-water mark share one settled promise.
const SENT: Promise<void> = Promise.resolve();

// A socket that does not finish its graceful close within this time is destroyed.
const CLOSE_GRACE_MS = 2000;

/**
 * One framed TCP or TLS connection. Frames are routed, in this order, to the oldest pending
 * `request()` whose `match` accepts them, then to the oldest pending `receive()`, then to
 * `on('message')` listeners, and otherwise to a queue of at most `maxQueuedFrames` that later
 * `receive()` calls drain. Overflowing the queue fails the connection with `protocol`.
 *
 * Once the connection fails or closes, every pending and later operation rejects with the same
 * NetError, except frames already queued, which `receive()` still returns.
 */
export class Connection implements Closable {
  /** The address as the script gave it (`host:port`). */
  readonly peer: string;
  /** The negotiated TLS version ('TLSv1.3'), or null for plain TCP. */
  readonly tlsVersion: string | null;
  /** The protocol ALPN selected, or null when none was negotiated. */
  readonly alpnProtocol: string | null;
  readonly localAddress: string | undefined;
  readonly localPort: number | undefined;

  private readonly socket: Socket;
  private readonly raw: Socket;
  private readonly codec: FrameCodec;
  private readonly decoder: FrameDecoder;
  private readonly format: PayloadFormat;
  private readonly receiveTimeoutMs: number;
  private readonly maxQueuedFrames: number;
  private readonly tags: Tags | undefined;
  private readonly clientCert: boolean;
  private readonly unregister: () => void;

  private readonly queue: unknown[] = [];
  private readonly receivers: ReceiveWaiter[] = [];
  private readonly requests: RequestWaiter[] = [];
  private readonly drainWaiters: DrainWaiter[] = [];
  private messageListeners: MessageListener[] = [];
  private errorListeners: ErrorListener[] = [];
  private closeListeners: CloseListener[] = [];

  private open = true;
  private socketClosed = false;
  /** The error operations now reject with; null while the connection is usable. */
  private failure: NetError | null = null;
  /** Whether `failure` was counted in net_errors (or is the script's own close, never counted). */
  private failureCounted = false;
  private closePromise: Promise<void> | null = null;
  private resolveClosed: (() => void) | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  /**
   * One timer watches the deadlines of all pending receives and requests. It is re-armed only when it
   * fires or when a wait with an earlier deadline starts, so a request costs no timer of its own.
   * While nothing is pending it is unreferenced, so an idle connection does not keep the process alive.
   */
  private deadlineTimer: NodeJS.Timeout | null = null;
  /** performance.now() at which deadlineTimer fires; Infinity when it is not armed. */
  private deadlineTimerAt = Infinity;
  /** The header of the frame being encoded, for codecs with a fixed-size header. */
  private header: Uint8Array | null = null;

  private bytesSentSeen = 0;
  private bytesReceivedSeen = 0;
  private framesInChunk = 0;
  private framesReceived = 0;

  constructor(
    private readonly scope: VuScope,
    private readonly metrics: NetMetrics,
    options: ResolvedOptions,
    dialed: Dialed,
  ) {
    this.peer = options.peer.text;
    this.socket = dialed.socket;
    this.raw = dialed.raw;
    this.codec = options.codec;
    this.decoder = options.codec.createDecoder();
    this.format = options.format;
    this.receiveTimeoutMs = options.receiveTimeoutMs;
    this.maxQueuedFrames = options.maxQueuedFrames;
    this.tags = options.tags;
    this.clientCert = options.clientCert;
    const secure = dialed.handshakeMs === null ? null : (dialed.socket as TLSSocket);
    this.tlsVersion = secure?.getProtocol() ?? null;
    this.alpnProtocol = typeof secure?.alpnProtocol === 'string' ? secure.alpnProtocol : null;
    this.localAddress = this.raw.localAddress;
    this.localPort = this.raw.localPort;

    this.socket.on('data', this.onData);
    this.socket.on('end', this.onEnd);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    this.socket.on('drain', this.onDrain);
    // Under TLS the TCP socket's errors also reach the TLS socket; this keeps them from being unhandled.
    if (this.raw !== this.socket) this.raw.on('error', ignore);
    this.unregister = scope.own(this);

    metrics.open.count++;
    metrics.connectionsOpen.add(metrics.open.count, scope.tags);
    if (dialed.handshakeMs !== null) this.emit(metrics.tlsHandshakeDuration, dialed.handshakeMs);
    this.flushByteCounts();
  }

  /** Whether send, receive and request can still succeed. */
  get closed(): boolean {
    return !this.open;
  }

  /**
   * Encodes and writes one frame. Resolves at once while the socket's write buffer is below its
   * high-water mark. Otherwise it waits for 'drain', so a script awaiting each send cannot outrun the peer.
   */
  send(message: unknown): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.observe(this.failure));
    let frame: Uint8Array;
    try {
      frame = this.encode(message);
    } catch (error) {
      return Promise.reject(this.encodeFailure(error));
    }

    if (this.write(frame)) return SENT;
    return new Promise<void>((resolve, reject) => {
      this.drainWaiters.push({ resolve, reject });
    });
  }

  /**
   * Encodes a message into one frame. When the codec has a fixed-size header, the payload is written
   * straight into an uninitialised frame after it: text and JSON without an intermediate encoding,
   * bytes with one copy.
   */
  private encode(message: unknown): Uint8Array {
    const codec = this.codec;
    const headerBytes = codec.headerBytes;
    if (headerBytes === undefined || codec.writeHeader === undefined) return codec.encode(encodePayload(message));
    // The header goes to a small buffer first, so a payload over the limit is rejected before the
    // frame is allocated.
    const header = this.header ?? (this.header = new Uint8Array(headerBytes));
    const text = payloadText(message);
    const bytes = text === null ? payloadBytes(message as ArrayBuffer | ArrayBufferView) : null;
    const payloadLength = bytes !== null ? bytes.length : Buffer.byteLength(text!, 'utf8');
    codec.writeHeader(header, payloadLength);

    const frame = Buffer.allocUnsafe(headerBytes + payloadLength);
    frame.set(header, 0);
    if (bytes !== null) frame.set(bytes, headerBytes);
    else frame.write(text!, headerBytes, 'utf8');
    return frame;
  }

  /** Writes one encoded frame; returns whether the socket buffer is still below its high-water mark. */
  private write(frame: Uint8Array): boolean {
    const belowHighWaterMark = this.socket.write(frame);
    this.emit(this.metrics.framesSent, 1);
    this.flushByteCounts();
    return belowHighWaterMark;
  }

  /**
   * Returns the next frame that no request claimed, decoded in the connection's format. When none arrives
   * within `timeout` (default: the connection's receiveTimeout), rejects with `timeout` and discards the
   * connection, because the stream may be in the middle of a frame.
   */
  receive(options?: ReceiveOptions): Promise<unknown> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift());
    if (this.failure !== null) return Promise.reject(this.observe(this.failure));
    let timeoutMs: number;
    try {
      timeoutMs = this.timeoutOption(options?.timeout, 'receive');
    } catch (error) {
      return Promise.reject(error);
    }

    return new Promise<unknown>((resolve, reject) => {
      const deadline = performance.now() + timeoutMs;
      this.receivers.push({ resolve, reject, timeoutMs, deadline });
      this.watchDeadline(deadline);
    });
  }

  /**
   * Sends `message` and resolves with the first later frame that `match` accepts (any frame when
   * `match` is omitted). Frames that do not match go on to receivers, listeners or the queue. Records
   * net_request_duration from just before the write to the matching frame.
   */
  request(message: unknown, options?: RequestOptions): Promise<unknown> {
    if (this.failure !== null) return Promise.reject(this.observe(this.failure));
    const match = options?.match;
    if (match !== undefined && typeof match !== 'function') {
      return Promise.reject(new TypeError(`request: match must be a function, got ${typeof match}`));
    }
    let timeoutMs: number;
    try {
      timeoutMs = this.timeoutOption(options?.timeout, 'request');
    } catch (error) {
      return Promise.reject(error);
    }

    let frame: Uint8Array;
    try {
      frame = this.encode(message);
    } catch (error) {
      return Promise.reject(this.encodeFailure(error));
    }

    // The wait is registered before the write, so a reply that arrives at once finds it.
    const reply = new Promise<unknown>((resolve, reject) => {
      const startedAt = performance.now();
      const deadline = startedAt + timeoutMs;
      this.requests.push({ resolve, reject, timeoutMs, deadline, match, startedAt });
      this.watchDeadline(deadline);
    });
    // A full socket buffer needs no wait here: the reply cannot come before the frame is sent, and a
    // failed write fails the connection, which rejects the reply.
    this.write(frame);
    return reply;
  }

  /** Adds a listener. 'message' listeners get frames no request or receive claimed. */
  on(event: 'message', listener: MessageListener): this;
  on(event: 'error', listener: ErrorListener): this;
  on(event: 'close', listener: CloseListener): this;
  on(event: 'message' | 'error' | 'close', listener: (arg: never) => void): this {
    if (typeof listener !== 'function') throw new TypeError(`on('${event}'): listener must be a function`);
    if (event === 'message') this.messageListeners = [...this.messageListeners, listener as MessageListener];
    else if (event === 'error') this.errorListeners = [...this.errorListeners, listener as ErrorListener];
    else if (event === 'close') this.closeListeners = [...this.closeListeners, listener as CloseListener];
    else throw new TypeError(`on: unknown event ${JSON.stringify(event)}; expected 'message', 'error' or 'close'`);
    return this;
  }

  /** Removes a listener added with `on`. */
  off(event: 'message' | 'error' | 'close', listener: (arg: never) => void): this {
    if (event === 'message') this.messageListeners = this.messageListeners.filter((l) => l !== listener);
    else if (event === 'error') this.errorListeners = this.errorListeners.filter((l) => l !== listener);
    else if (event === 'close') this.closeListeners = this.closeListeners.filter((l) => l !== listener);
    return this;
  }

  /**
   * Closes the connection gracefully (TLS close_notify, then FIN) and resolves once the socket is
   * closed. Pending operations reject with `closed`; these rejections are not counted in net_errors.
   * Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.closePromise === null) {
      this.closePromise = this.socketClosed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.resolveClosed = resolve;
          });
    }
    if (this.open) {
      this.shutDown(netError('closed', this.peer, 'connection closed by the script'), true);
      this.socket.destroySoon();
      if (!this.socketClosed) this.graceTimer = setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS);
    }
    return this.closePromise;
  }

  private readonly onData = (chunk: Buffer): void => {
    this.framesInChunk = 0;
    try {
      this.decoder.push(chunk, this.onFrame);
    } catch (error) {
      this.fail(this.decodeFailure(error));
    }
    if (this.framesInChunk > 0) {
      this.framesReceived += this.framesInChunk;
      this.emit(this.metrics.framesReceived, this.framesInChunk);
    }
    this.flushByteCounts();
  };

  private readonly onFrame = (frame: Uint8Array): void => {
    this.framesInChunk++;
    if (!this.open) return;
    const message = this.format === 'bytes' ? frame : decodePayload(frame, this.format);
    this.route(message);
  };

  private route(message: unknown): void {
    const requests = this.requests;
    for (let i = 0; i < requests.length; i++) {
      const waiter = requests[i]!;
      let matched: boolean;
      try {
        matched = waiter.match === undefined || waiter.match(message) === true;
      } catch (error) {
        // A throwing match function is a script bug: that request fails, the frame goes on.
        requests.splice(i--, 1);
        this.releaseDeadlineTimer();
        waiter.reject(error);
        continue;
      }
      if (matched) {
        requests.splice(i, 1);
        this.releaseDeadlineTimer();
        this.emit(this.metrics.requestDuration, performance.now() - waiter.startedAt);
        waiter.resolve(message);
        return;
      }
    }

    const receiver = this.receivers.shift();
    if (receiver !== undefined) {
      this.releaseDeadlineTimer();
      receiver.resolve(message);
      return;
    }

    const listeners = this.messageListeners;
    if (listeners.length > 0) {
      for (const listener of listeners) {
        try {
          listener(message);
        } catch (error) {
          this.failByListener(error);
          return;
        }
      }
      return;
    }

    if (this.queue.length >= this.maxQueuedFrames) {
      this.fail(
        netError(
          'protocol',
          this.peer,
          `received more than maxQueuedFrames (${this.maxQueuedFrames}) frames that no receive(), request() or on('message') listener took`,
        ),
      );
      return;
    }
    this.queue.push(message);
  }

  private readonly onEnd = (): void => {
    const pending = this.decoder.pendingBytes;
    if (pending > 0) {
      this.fail(
        netError('unexpected_eof', this.peer, `the peer closed the connection after ${pending} bytes of an unfinished frame`),
      );
      return;
    }
    const waiting = this.receivers.length + this.requests.length > 0;
    const closed = netError('closed', this.peer, `the peer closed the connection between frames${this.clientCertHint()}`);
    this.shutDown(closed, false);
    if (waiting) this.observe(closed);
  };

  private readonly onError = (error: Error): void => {
    const failure = classifyError(error, 'established', this.peer);
    if (failure.code === 'reset') failure.message += this.clientCertHint();
    this.fail(failure);
  };

  /**
   * Returns a hint for a close before any frame arrived on a connection that sent a client certificate.
   * Node.js servers reject an untrusted certificate by closing without a TLS alert, so under TLS 1.3
   * nothing on the wire distinguishes this from an ordinary close.
   */
  private clientCertHint(): string {
    if (!this.clientCert || this.framesReceived > 0) return '';
    return ' before sending any frame; if the server checks client certificates, it may have rejected this one';
  }

  private readonly onDrain = (): void => {
    const waiters = this.drainWaiters.splice(0);
    for (const waiter of waiters) waiter.resolve();
  };

  private readonly onClose = (): void => {
    this.socketClosed = true;
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    if (this.open) {
      // Closed without 'end' or 'error' (destroyed underneath): report it like a clean peer close.
      this.shutDown(netError('closed', this.peer, 'the connection closed'), false);
    }
    this.flushByteCounts();
    this.metrics.open.count--;
    this.metrics.connectionsOpen.add(this.metrics.open.count, this.scope.tags);
    this.unregister();
    this.resolveClosed?.();
    if (this.closePromise === null) this.closePromise = Promise.resolve();
    for (const listener of this.closeListeners) {
      try {
        listener();
      } catch {
        // NOTE: an exception from a 'close' listener has no operation left to reject, so it is dropped.
      }
    }
  };

  /** Makes sure the deadline timer fires no later than `deadline`, and keeps the process alive meanwhile. */
  private watchDeadline(deadline: number): void {
    const timer = this.deadlineTimer;
    if (timer !== null && this.deadlineTimerAt <= deadline) {
      timer.ref();
      return;
    }
    if (timer !== null) clearTimeout(timer);
    this.deadlineTimerAt = deadline;
    // A deadline beyond the timer's range is checked again when the capped timer fires.
    this.deadlineTimer = setTimeout(this.onDeadline, timerDelay(Math.max(1, deadline - performance.now())));
  }

  /** Lets the process exit while the deadline timer waits with nothing pending. */
  private releaseDeadlineTimer(): void {
    if (this.requests.length === 0 && this.receivers.length === 0) this.deadlineTimer?.unref();
  }

  /** Times out the wait whose deadline passed first, or re-arms for the earliest pending deadline. */
  private readonly onDeadline = (): void => {
    this.deadlineTimer = null;
    this.deadlineTimerAt = Infinity;
    const request = earliest(this.requests);
    const receiver = earliest(this.receivers);
    const first = request !== null && (receiver === null || request.deadline <= receiver.deadline) ? request : receiver;
    if (first === null) return;
    if (first.deadline > performance.now()) {
      this.watchDeadline(first.deadline);
      return;
    }
    if (first === request) {
      this.requests.splice(this.requests.indexOf(request), 1);
      this.timeOut(request, `no matching reply within ${request.timeoutMs} ms`);
    } else {
      this.receivers.splice(this.receivers.indexOf(first), 1);
      this.timeOut(first, `no frame received within ${first.timeoutMs} ms`);
    }
  };

  /** Rejects the waiter with `timeout` and discards the connection: the stream may be mid-frame. */
  private timeOut(waiter: ReceiveWaiter, message: string): void {
    const error = netError('timeout', this.peer, `${message}; the connection is discarded`);
    this.countError(error);
    waiter.reject(error);
    this.fail(netError('closed', this.peer, 'connection discarded after a timeout', error), true);
  }

  /** Fails the connection: counts the error, rejects everything pending, calls 'error' listeners, destroys. */
  private fail(error: NetError, alreadyCounted = false): void {
    if (!this.open) return;
    this.shutDown(error, true);
    if (!alreadyCounted) this.countError(error);
    this.socket.destroy();
    const target = error.code === 'closed' && error.cause instanceof NetError ? error.cause : error;
    for (const listener of this.errorListeners) {
      try {
        listener(target);
      } catch {
        // NOTE: an exception from an 'error' listener is dropped because the connection already failed.
      }
    }
  }

  private failByListener(error: unknown): void {
    const wrapped = netError('closed', this.peer, "connection closed because an on('message') listener threw", error);
    this.shutDown(wrapped, true);
    this.socket.destroy();
  }

  /** Stops the connection: later operations reject with `error`, pending ones reject now. */
  private shutDown(error: NetError, counted: boolean): void {
    if (!this.open) return;
    this.open = false;
    this.failure = error;
    this.failureCounted = counted;
    const pending: Array<{ reject(error: unknown): void }> = [
      ...this.requests.splice(0),
      ...this.receivers.splice(0),
    ];
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    this.deadlineTimerAt = Infinity;
    for (const waiter of pending) waiter.reject(error);
    for (const waiter of this.drainWaiters.splice(0)) waiter.reject(error);
  }

  /** Returns the failure, counting it in net_errors the first time an operation rejects with it. */
  private observe(error: NetError): NetError {
    if (!this.failureCounted) {
      this.failureCounted = true;
      this.countError(error);
    }
    return error;
  }

  private decodeFailure(error: unknown): NetError {
    const code = codecErrorCode(error);
    if (code !== null) return netError(code, this.peer, (error as Error).message, error);
    const reason = error instanceof Error ? error.message : String(error);
    return netError('protocol', this.peer, `codec ${this.codec.name} failed to decode: ${reason}`, error);
  }

  private encodeFailure(error: unknown): unknown {
    const code = codecErrorCode(error);
    if (code === null) return error;
    const wrapped = netError(code, this.peer, (error as Error).message, error);
    this.countError(wrapped);
    return wrapped;
  }

  private countError(error: NetError): void {
    this.scope.emit(this.metrics.errors, 1, this.tags ? { ...this.tags, code: error.code } : { code: error.code });
  }

  private timeoutOption(value: DurationInput | undefined, operation: string): number {
    if (value === undefined) return this.receiveTimeoutMs;
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return value;
    const ms = parseDuration(value, `${operation} options.timeout`);
    if (ms <= 0) throw new RangeError(`${operation}: timeout must be greater than 0, got ${JSON.stringify(value)}`);
    return ms;
  }

  private emit(metric: Metric, value: number): void {
    this.scope.emit(metric, value, this.tags);
  }

  /** Records the TCP bytes moved since the last call; under TLS they include record overhead. */
  private flushByteCounts(): void {
    const sent = this.raw.bytesWritten;
    if (sent > this.bytesSentSeen) {
      this.emit(this.metrics.dataSent, sent - this.bytesSentSeen);
      this.bytesSentSeen = sent;
    }
    const received = this.raw.bytesRead;
    if (received > this.bytesReceivedSeen) {
      this.emit(this.metrics.dataReceived, received - this.bytesReceivedSeen);
      this.bytesReceivedSeen = received;
    }
  }
}

function ignore(): void {}

/**
 * Returns the code of a codec's error. User codecs may throw frameload's CodecError or any Error
 * whose `code` is 'frame_too_large' or 'protocol', so that codecs need no runtime import.
 */
function codecErrorCode(error: unknown): 'frame_too_large' | 'protocol' | null {
  if (error instanceof CodecError) return error.code;
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return code === 'frame_too_large' || code === 'protocol' ? code : null;
}
