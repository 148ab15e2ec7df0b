import type { VuScope } from '../engine/vu-scope.ts';
import { parseAddress } from './address.ts';
import { delimited } from './codec/delimited.ts';
import { CodecError } from './codec/errors.ts';
import { lengthPrefixed } from './codec/length-prefixed.ts';
import { decodePayload, encodePayload } from './codec/payload.ts';
import { raw } from './codec/raw.ts';
import { Connection } from './connection.ts';
import { Dial } from './dial.ts';
import * as errors from './errors.ts';
import { netMetrics } from './metrics.ts';
import { resolveOptions, type ConnectOptions } from './options.ts';

/**
 * Builds what a script gets from `import ... from 'frameload/net'` for one VU. Every connection and
 * every connect in progress is registered with the scope, so none outlives the VU or the run.
 */
export function createNetModule(scope: VuScope) {
  const metrics = netMetrics(scope.metrics);

  /** Opens a framed TCP or TLS connection to `host:port`; rejects with a NetError naming the peer. */
  async function connect(address: string, options?: ConnectOptions): Promise<Connection> {
    const peer = parseAddress(address);
    const resolved = resolveOptions(peer, options, scope.options);
    if (resolved.insecure) scope.noteInsecureTls(peer.text);

    const dial = new Dial(resolved, (dialed) => new Connection(scope, metrics, resolved, dialed));
    let aborted = false;
    const unregister = scope.own({
      close() {
        aborted = true;
        dial.abort('the VU is done');
      },
    });
    try {
      return await dial.promise;
    } catch (error) {
      if (error instanceof errors.NetError && !aborted) {
        scope.emit(metrics.errors, 1, resolved.tags ? { ...resolved.tags, code: error.code } : { code: error.code });
      }
      throw error;
    } finally {
      unregister();
      // Recorded whenever TCP connected, so a failed TLS handshake still shows its connect time.
      if (dial.connectMs !== null) scope.emit(metrics.connectDuration, dial.connectMs, resolved.tags);
    }
  }

  return {
    connect,
    lengthPrefixed,
    delimited,
    raw,
    encodePayload,
    decodePayload,
    CodecError,
    NetError: errors.NetError,
    ConnectRefusedError: errors.ConnectRefusedError,
    ConnectTimeoutError: errors.ConnectTimeoutError,
    DnsError: errors.DnsError,
    TlsHandshakeError: errors.TlsHandshakeError,
    TlsHandshakeTimeoutError: errors.TlsHandshakeTimeoutError,
    TlsVerifyError: errors.TlsVerifyError,
    TlsClientAuthError: errors.TlsClientAuthError,
    NetTimeoutError: errors.NetTimeoutError,
    ClosedError: errors.ClosedError,
    ResetError: errors.ResetError,
    UnexpectedEofError: errors.UnexpectedEofError,
    FrameTooLargeError: errors.FrameTooLargeError,
    ProtocolError: errors.ProtocolError,
    LocalResourceError: errors.LocalResourceError,
    NET_ERROR_CODES: errors.NET_ERROR_CODES,
  };
}

export type NetModule = ReturnType<typeof createNetModule>;
