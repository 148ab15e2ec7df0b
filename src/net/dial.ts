import net from 'node:net';
import tls from 'node:tls';

import { ConfigError } from '../engine/errors.ts';
import { timerDelay } from '../engine/timer-delay.ts';
import { classifyError, type Phase } from './classify.ts';
import { netError, type NetError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/** An established transport, handed to the connection in the same tick so no socket event is missed. */
export interface Dialed {
  /** The socket the connection reads and writes: the TLS socket, or the TCP socket for plain TCP. */
  readonly socket: net.Socket;
  /** The TCP socket underneath; its byte counters include TLS records and the handshake. */
  readonly raw: net.Socket;
  /** Milliseconds the TLS handshake took; null for plain TCP. */
  readonly handshakeMs: number | null;
}

/**
 * One attempt to open a TCP connection and, when configured, run the TLS handshake on it. Each phase
 * has its own deadline, so a peer that accepts TCP but never replies to the ClientHello yields
 * tls_handshake_timeout and not connect_timeout. `abort()` stops the attempt, e.g. when the VU ends.
 */
export class Dial<T> {
  readonly promise: Promise<T>;
  private resolve!: (value: T) => void;
  private reject!: (error: NetError) => void;
  private readonly raw: net.Socket;
  private secure: tls.TLSSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private phase: Phase = 'connect';
  private settled = false;
  private readonly startedAt = performance.now();
  /** Milliseconds the TCP connect took, or null while (or if never) connected. */
  connectMs: number | null = null;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly onReady: (dialed: Dialed) => T,
  ) {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });

    const { peer, localAddress, lookup } = options;
    this.raw = new net.Socket();
    this.raw.on('error', this.onError);
    this.raw.once('close', this.onEarlyClose);
    this.raw.once('connect', this.onConnect);
    this.raw.setNoDelay(true);
    this.arm(options.connectTimeoutMs, 'connect_timeout', 'TCP connect');
    try {
      this.raw.connect({ host: peer.host, port: peer.port, localAddress, ...(lookup ? { lookup } : {}) });
    } catch (cause) {
      // Node validates localAddress synchronously (ERR_INVALID_IP_ADDRESS).
      this.clearTimer();
      this.settled = true;
      this.raw.destroy();
      throw new ConfigError('connect options.localAddress', `expected a local IP address, got ${JSON.stringify(localAddress)}`, {
        cause,
      });
    }
  }

  /** Stops the attempt; the promise rejects with `closed`. */
  abort(reason: string): void {
    this.fail(netError('closed', this.options.peer.text, `connect aborted: ${reason}`));
  }

  private readonly onConnect = (): void => {
    this.connectMs = performance.now() - this.startedAt;
    this.clearTimer();
    const tlsOptions = this.options.tls;
    if (tlsOptions === null) {
      this.finish(this.raw, null);
      return;
    }

    this.phase = 'handshake';
    const handshakeStart = performance.now();
    this.arm(this.options.handshakeTimeoutMs, 'tls_handshake_timeout', 'TLS handshake');
    // host is passed because Node checks the certificate against it and would assume 'localhost'.
    const secure = tls.connect({ ...tlsOptions, host: this.options.peer.host, socket: this.raw });
    this.secure = secure;
    secure.on('error', this.onError);
    secure.once('close', this.onEarlyClose);
    secure.once('secureConnect', () => this.finish(secure, performance.now() - handshakeStart));
  };

  private readonly onError = (error: Error): void => {
    const failure = classifyError(error, this.phase, this.options.peer.text);
    const code = (error as { code?: unknown }).code;
    if (failure.code === 'tls_handshake' && code === 'ECONNRESET' && this.options.clientCert) {
      // Node.js servers reject an untrusted client certificate by closing without a TLS alert.
      failure.message += '; if the server checks client certificates, it may have rejected this one';
    }
    this.fail(failure);
  };

  private readonly onEarlyClose = (): void => {
    const what = this.phase === 'connect' ? 'TCP connect' : 'TLS handshake';
    const code = this.phase === 'connect' ? 'connect_refused' : 'tls_handshake';
    this.fail(netError(code, this.options.peer.text, `the peer closed the connection during the ${what}`));
  };

  private finish(socket: net.Socket, handshakeMs: number | null): void {
    if (this.settled) return;
    this.settled = true;
    this.clearTimer();
    this.detach();

    let result: T;
    try {
      result = this.onReady({ socket, raw: this.raw, handshakeMs });
    } catch (error) {
      socket.destroy();
      this.reject(error as NetError);
      return;
    }
    this.resolve(result);
  }

  private fail(error: NetError): void {
    if (this.settled) return;
    this.settled = true;
    this.clearTimer();
    this.detach();
    // Listeners stay attached through destroy so that late socket errors are not unhandled.
    this.raw.on('error', ignore);
    this.secure?.on('error', ignore);
    (this.secure ?? this.raw).destroy();
    this.raw.destroy();
    this.reject(error);
  }

  private arm(ms: number, code: 'connect_timeout' | 'tls_handshake_timeout', what: string): void {
    this.timer = setTimeout(() => {
      this.fail(netError(code, this.options.peer.text, `${what} timed out after ${ms} ms`));
    }, timerDelay(ms));
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private detach(): void {
    this.raw.removeListener('error', this.onError);
    this.raw.removeListener('close', this.onEarlyClose);
    this.raw.removeListener('connect', this.onConnect);
    this.secure?.removeListener('error', this.onError);
    this.secure?.removeListener('close', this.onEarlyClose);
  }
}

function ignore(): void {}
