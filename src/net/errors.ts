/**
 * Every way a connection or one of its operations can fail. Scripts and thresholds rely on these
 * strings (`net_errors{code:timeout}`), so they never change meaning.
 */
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

/** All codes, in the order docs/net.md lists them. */
export const NET_ERROR_CODES: readonly NetErrorCode[] = [
  'connect_refused',
  'connect_timeout',
  'dns',
  'tls_handshake',
  'tls_handshake_timeout',
  'tls_verify',
  'tls_client_auth',
  'timeout',
  'closed',
  'reset',
  'unexpected_eof',
  'frame_too_large',
  'protocol',
  'local_resource',
];

/**
 * A failure of a connection or of one operation on it. `peer` is the address as the script gave it
 * (`host:port`); `cause` is the underlying Node or codec error when there is one.
 */
export class NetError extends Error {
  readonly code: NetErrorCode;
  readonly peer: string;

  constructor(code: NetErrorCode, peer: string, message: string, options?: ErrorOptions) {
    super(`${peer}: ${message}`, options);
    this.code = code;
    this.peer = peer;
    this.name = 'NetError';
  }
}

type Detail = [peer: string, message: string, options?: ErrorOptions];

/** The TCP connection was refused, or the host or network was unreachable. */
export class ConnectRefusedError extends NetError {
  declare readonly code: 'connect_refused';
  constructor(...[peer, message, options]: Detail) {
    super('connect_refused', peer, message, options);
    this.name = 'ConnectRefusedError';
  }
}

/** The TCP connection (including the DNS lookup) did not complete within `connectTimeout`. */
export class ConnectTimeoutError extends NetError {
  declare readonly code: 'connect_timeout';
  constructor(...[peer, message, options]: Detail) {
    super('connect_timeout', peer, message, options);
    this.name = 'ConnectTimeoutError';
  }
}

/** The host name could not be resolved. */
export class DnsError extends NetError {
  declare readonly code: 'dns';
  constructor(...[peer, message, options]: Detail) {
    super('dns', peer, message, options);
    this.name = 'DnsError';
  }
}

/** The TLS handshake failed for a reason other than verification or client authentication. */
export class TlsHandshakeError extends NetError {
  declare readonly code: 'tls_handshake';
  constructor(...[peer, message, options]: Detail) {
    super('tls_handshake', peer, message, options);
    this.name = 'TlsHandshakeError';
  }
}

/** TCP connected but the TLS handshake did not complete within `handshakeTimeout`. */
export class TlsHandshakeTimeoutError extends NetError {
  declare readonly code: 'tls_handshake_timeout';
  constructor(...[peer, message, options]: Detail) {
    super('tls_handshake_timeout', peer, message, options);
    this.name = 'TlsHandshakeTimeoutError';
  }
}

/** The server's certificate was not trusted or did not match the expected name. */
export class TlsVerifyError extends NetError {
  declare readonly code: 'tls_verify';
  constructor(...[peer, message, options]: Detail) {
    super('tls_verify', peer, message, options);
    this.name = 'TlsVerifyError';
  }
}

/** The server rejected the client certificate, or required one that was not sent. */
export class TlsClientAuthError extends NetError {
  declare readonly code: 'tls_client_auth';
  constructor(...[peer, message, options]: Detail) {
    super('tls_client_auth', peer, message, options);
    this.name = 'TlsClientAuthError';
  }
}

/** A receive or request waited longer than its timeout; the connection is discarded. */
export class NetTimeoutError extends NetError {
  declare readonly code: 'timeout';
  constructor(...[peer, message, options]: Detail) {
    super('timeout', peer, message, options);
    this.name = 'NetTimeoutError';
  }
}

/** The connection was closed (by the peer between frames, by the script, or at VU end). */
export class ClosedError extends NetError {
  declare readonly code: 'closed';
  constructor(...[peer, message, options]: Detail) {
    super('closed', peer, message, options);
    this.name = 'ClosedError';
  }
}

/** The peer reset the connection (TCP RST). */
export class ResetError extends NetError {
  declare readonly code: 'reset';
  constructor(...[peer, message, options]: Detail) {
    super('reset', peer, message, options);
    this.name = 'ResetError';
  }
}

/** The peer closed the connection in the middle of a frame. */
export class UnexpectedEofError extends NetError {
  declare readonly code: 'unexpected_eof';
  constructor(...[peer, message, options]: Detail) {
    super('unexpected_eof', peer, message, options);
    this.name = 'UnexpectedEofError';
  }
}

/** A frame exceeded the codec's `maxFrameBytes`, or the size its length field can describe. */
export class FrameTooLargeError extends NetError {
  declare readonly code: 'frame_too_large';
  constructor(...[peer, message, options]: Detail) {
    super('frame_too_large', peer, message, options);
    this.name = 'FrameTooLargeError';
  }
}

/** The peer broke the framing or payload rules, or sent more unread frames than `maxQueuedFrames`. */
export class ProtocolError extends NetError {
  declare readonly code: 'protocol';
  constructor(...[peer, message, options]: Detail) {
    super('protocol', peer, message, options);
    this.name = 'ProtocolError';
  }
}

/** This machine ran out of a local resource: file descriptors (EMFILE) or local addresses/ports (EADDRNOTAVAIL). */
export class LocalResourceError extends NetError {
  declare readonly code: 'local_resource';
  constructor(...[peer, message, options]: Detail) {
    super('local_resource', peer, message, options);
    this.name = 'LocalResourceError';
  }
}

const classes: Record<NetErrorCode, new (...detail: Detail) => NetError> = {
  connect_refused: ConnectRefusedError,
  connect_timeout: ConnectTimeoutError,
  dns: DnsError,
  tls_handshake: TlsHandshakeError,
  tls_handshake_timeout: TlsHandshakeTimeoutError,
  tls_verify: TlsVerifyError,
  tls_client_auth: TlsClientAuthError,
  timeout: NetTimeoutError,
  closed: ClosedError,
  reset: ResetError,
  unexpected_eof: UnexpectedEofError,
  frame_too_large: FrameTooLargeError,
  protocol: ProtocolError,
  local_resource: LocalResourceError,
};

/** Creates the error subclass for `code`. */
export function netError(code: NetErrorCode, peer: string, message: string, cause?: unknown): NetError {
  const ErrorClass = classes[code];
  return new ErrorClass(peer, message, cause === undefined ? undefined : { cause });
}
