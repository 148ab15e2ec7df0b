import { netError, type NetError, type NetErrorCode } from './errors.ts';

/** The stage of a connection's life an error happened in, because the same Node error means different things in each. */
export type Phase = 'connect' | 'handshake' | 'established';

// OpenSSL's certificate verification results, as Node reports them in `error.code` when it rejects
// the server's certificate (Node 20, src/crypto/crypto_common.cc), plus the host name check.
const VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_CERTIFICATE_VERIFY_FAILED',
]);

// Alerts a server sends about the client's certificate. Under TLS 1.3 the client finishes its side
// of the handshake before the server checks the certificate, so these can arrive on the first read.
const CLIENT_AUTH_ALERT =
  /ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)$/;

const LOCAL_RESOURCE = new Set(['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'EADDRINUSE', 'ENOBUFS', 'ENOMEM']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME']);
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Returns the stable code for a Node socket or TLS error raised in `phase`. */
export function classifyCode(error: unknown, phase: Phase): NetErrorCode {
  const code = (error as { code?: unknown } | null)?.code;
  const text = typeof code === 'string' ? code : '';

  if (LOCAL_RESOURCE.has(text)) return 'local_resource';
  if (CLIENT_AUTH_ALERT.test(text)) return 'tls_client_auth';
  if (VERIFY_CODES.has(text)) return 'tls_verify';
  if (DNS.has(text)) return 'dns';

  if (phase === 'connect') {
    if (text === 'ETIMEDOUT') return 'connect_timeout';
    if (RESET.has(text)) return 'reset';
    return 'connect_refused';
  }
  if (phase === 'handshake') return 'tls_handshake';

  if (RESET.has(text)) return 'reset';
  if (text === 'ETIMEDOUT') return 'timeout';
  if (text.startsWith('ERR_SSL_')) return 'protocol';
  return 'reset';
}

const EXPECTATIONS: Partial<Record<NetErrorCode, string>> = {
  connect_refused: 'expected a server accepting TCP connections at this address',
  dns: 'expected a resolvable host name',
  local_resource: 'this machine is out of file descriptors or local ports; raise the limit or spread localAddress',
  tls_verify: 'expected a certificate that chains to the trusted CA and names this host (set the ca and servername options; the bundled scenarios read CA and SERVERNAME)',
  tls_client_auth: 'the server rejected the client certificate (check cert, key and the CA the server trusts)',
  tls_handshake: 'expected a TLS server that accepts the configured versions and ciphers',
  reset: 'the peer reset the connection',
};

/**
 * Returns the next step for a local shortage: EMFILE and ENFILE mean the open-files limit (one
 * descriptor per connection), the others a lack of local ports or memory.
 */
function localResourceHint(error: unknown): string {
  const errno = (error as { code?: unknown } | null)?.code;
  if (errno === 'EMFILE') return 'this process reached its open-files limit (one per connection); raise the open-files limit: ulimit -n';
  if (errno === 'ENFILE') return 'this machine reached its open-files limit; raise fs.file-max, or the open-files limit with ulimit -n';
  return EXPECTATIONS.local_resource!;
}

/** Wraps a Node socket or TLS error into the NetError for its code, keeping it as the cause. */
export function classifyError(error: unknown, phase: Phase, peer: string): NetError {
  const code = classifyCode(error, phase);
  const reason = describeCause(error);
  const expectation = code === 'local_resource' ? localResourceHint(error) : EXPECTATIONS[code];
  let message = `${describePhase(phase)} failed: ${reason}`;
  if (expectation !== undefined) message += `; ${expectation}`;
  return netError(code, peer, message, error);
}

/** Returns a one-line reason; OpenSSL messages carry source paths and newlines, so their reason is used. */
function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { reason, code } = error as Error & { reason?: unknown; code?: unknown };
  if (typeof reason === 'string' && typeof code === 'string' && code.startsWith('ERR_SSL_')) return `${reason} (${code})`;
  return error.message;
}

function describePhase(phase: Phase): string {
  if (phase === 'connect') return 'TCP connect';
  if (phase === 'handshake') return 'TLS handshake';
  return 'connection';
}
