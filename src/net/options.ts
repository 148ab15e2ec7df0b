import type { TcpNetConnectOpts } from 'node:net';
import {
  createSecureContext,
  type ConnectionOptions as NodeTlsOptions,
  type SecureContext,
  type SecureContextOptions,
} from 'node:tls';

import { ConfigError } from '../engine/errors.ts';
import { parseDuration } from '../engine/duration.ts';
import { MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_TEXT } from '../engine/timer-delay.ts';
import type { Tags } from '../metrics/types.ts';
import { GO_TO_OPENSSL_CIPHERS } from './cipher-names.ts';
import { lengthPrefixed } from './codec/length-prefixed.ts';
import type { PayloadFormat } from './codec/payload.ts';
import type { FrameCodec } from './codec/types.ts';
import type { PeerAddress } from './address.ts';

/** A TLS version in Node's spelling ('TLSv1.3') or k6's ('tls1.3'). */
export type TlsVersionName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3' | 'tls1.0' | 'tls1.1' | 'tls1.2' | 'tls1.3';

/** A duration in milliseconds, or a k6 duration string such as "500ms" or "5s". */
export type DurationInput = number | string;

export type PemInput = string | Uint8Array;

/** A host name resolver with the signature of Node's `dns.lookup`. */
export type LookupFunction = NonNullable<TcpNetConnectOpts['lookup']>;

/** Options of `connect(address, options)`; docs/net.md lists them with their defaults. */
export interface ConnectOptions {
  tls?: boolean;
  ca?: PemInput | PemInput[];
  cert?: PemInput;
  key?: PemInput;
  passphrase?: string;
  servername?: string;
  insecureSkipVerify?: boolean;
  minVersion?: TlsVersionName;
  maxVersion?: TlsVersionName;
  ciphers?: string;
  alpn?: string[];
  connectTimeout?: DurationInput;
  handshakeTimeout?: DurationInput;
  receiveTimeout?: DurationInput;
  localAddress?: string;
  lookup?: LookupFunction;
  codec?: FrameCodec;
  format?: PayloadFormat;
  tags?: Record<string, string>;
  maxQueuedFrames?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_RECEIVE_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_QUEUED_FRAMES = 1024;

/** Options after defaults, k6 globals and validation; what the dialer and the connection use. */
export interface ResolvedOptions {
  readonly peer: PeerAddress;
  readonly tls: NodeTlsOptions | null;
  /** Whether the TLS handshake offers a client certificate. */
  readonly clientCert: boolean;
  readonly insecure: boolean;
  readonly connectTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly receiveTimeoutMs: number;
  readonly localAddress: string | undefined;
  readonly lookup: LookupFunction | undefined;
  readonly codec: FrameCodec;
  readonly format: PayloadFormat;
  readonly tags: Tags | undefined;
  readonly maxQueuedFrames: number;
}

const KNOWN_KEYS = new Set<string>([
  'tls', 'ca', 'cert', 'key', 'passphrase', 'servername', 'insecureSkipVerify', 'minVersion', 'maxVersion',
  'ciphers', 'alpn', 'connectTimeout', 'handshakeTimeout', 'receiveTimeout', 'localAddress', 'lookup', 'codec', 'format',
  'tags', 'maxQueuedFrames',
]);
const TLS_ONLY_KEYS = [
  'ca', 'cert', 'key', 'passphrase', 'servername', 'insecureSkipVerify', 'minVersion', 'maxVersion', 'ciphers', 'alpn',
] as const;

const VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  'TLSv1': 'TLSv1',
  'TLSv1.1': 'TLSv1.1',
  'TLSv1.2': 'TLSv1.2',
  'TLSv1.3': 'TLSv1.3',
  'tls1.0': 'TLSv1',
  'tls1.1': 'TLSv1.1',
  'tls1.2': 'TLSv1.2',
  'tls1.3': 'TLSv1.3',
};

/**
 * Applies defaults and k6's global TLS options (`insecureSkipTLSVerify`, `tlsAuth`, `tlsVersion`,
 * `tlsCipherSuites`) to a script's connect options. Explicit connect options win over globals.
 * Throws ConfigError naming the option and the accepted values.
 */
export function resolveOptions(
  peer: PeerAddress,
  input: ConnectOptions | undefined,
  globals: Readonly<Record<string, unknown>>,
): ResolvedOptions {
  const options = input ?? {};
  if (typeof options !== 'object') throw invalid('options', 'an object', options);
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ConfigError(`connect options.${key}`, `unknown option; expected one of ${[...KNOWN_KEYS].join(', ')}`);
    }
  }
  if (options.tls !== undefined && typeof options.tls !== 'boolean') throw invalid('tls', 'true or false', options.tls);
  const useTls = options.tls === true;
  if (!useTls) {
    const stray = TLS_ONLY_KEYS.find((key) => options[key] !== undefined);
    if (stray) throw new ConfigError(`connect options.${stray}`, 'applies to TLS connections only; set tls: true');
  }

  const insecure = boolOption('insecureSkipVerify', options.insecureSkipVerify ?? globals['insecureSkipTLSVerify'] ?? false);
  const codec = options.codec ?? lengthPrefixed();
  if (typeof codec?.encode !== 'function' || typeof codec?.createDecoder !== 'function') {
    throw invalid('codec', 'a FrameCodec with encode() and createDecoder()', codec);
  }
  const format = options.format ?? 'json';
  if (format !== 'json' && format !== 'text' && format !== 'bytes') throw invalid('format', "'json', 'text' or 'bytes'", format);

  const maxQueuedFrames = options.maxQueuedFrames ?? DEFAULT_MAX_QUEUED_FRAMES;
  if (!Number.isSafeInteger(maxQueuedFrames) || maxQueuedFrames < 0) {
    throw invalid('maxQueuedFrames', 'an integer >= 0', maxQueuedFrames);
  }
  if (options.lookup !== undefined && typeof options.lookup !== 'function') {
    throw invalid('lookup', "a function with the signature of Node's dns.lookup", options.lookup);
  }
  if (options.localAddress !== undefined && typeof options.localAddress !== 'string') {
    throw invalid('localAddress', 'an IP address string such as "127.0.0.2"', options.localAddress);
  }

  const tls = useTls ? buildTlsOptions(peer, options, globals, insecure) : null;
  return {
    peer,
    tls: tls?.options ?? null,
    clientCert: tls?.clientCert ?? false,
    insecure: useTls && insecure,
    connectTimeoutMs: timeoutOption('connectTimeout', options.connectTimeout, DEFAULT_CONNECT_TIMEOUT_MS),
    handshakeTimeoutMs: timeoutOption('handshakeTimeout', options.handshakeTimeout, DEFAULT_HANDSHAKE_TIMEOUT_MS),
    receiveTimeoutMs: timeoutOption('receiveTimeout', options.receiveTimeout, DEFAULT_RECEIVE_TIMEOUT_MS),
    localAddress: options.localAddress,
    lookup: options.lookup,
    codec,
    format,
    tags: tagsOption(options.tags),
    maxQueuedFrames,
  };
}

function buildTlsOptions(
  peer: PeerAddress,
  options: ConnectOptions,
  globals: Readonly<Record<string, unknown>>,
  insecure: boolean,
): { options: NodeTlsOptions; clientCert: boolean } {
  const servername = options.servername;
  if (servername !== undefined && (typeof servername !== 'string' || servername === '')) {
    throw invalid('servername', 'a non-empty host name', servername);
  }
  const identity = servername ?? peer.host;

  const versions = globalVersions(globals['tlsVersion']);
  const minVersion = versionOption('minVersion', options.minVersion) ?? versions.min;
  const maxVersion = versionOption('maxVersion', options.maxVersion) ?? versions.max;
  if (minVersion && maxVersion && order(minVersion) > order(maxVersion)) {
    throw new ConfigError('connect options.minVersion', `${minVersion} is newer than maxVersion ${maxVersion}`);
  }

  const auth = options.cert === undefined && options.key === undefined ? globalClientCert(globals['tlsAuth'], identity) : undefined;
  const cert = options.cert ?? auth?.cert;
  const key = options.key ?? auth?.key;
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(`connect options.${cert === undefined ? 'cert' : 'key'}`, 'a client certificate needs both cert and key');
  }

  const alpn = options.alpn;
  if (alpn !== undefined && (!Array.isArray(alpn) || alpn.some((p) => typeof p !== 'string' || p === ''))) {
    throw invalid('alpn', 'an array of protocol names such as ["h2"]', alpn);
  }
  const ciphers = options.ciphers ?? globalCiphers(globals['tlsCipherSuites']);
  if (ciphers !== undefined && (typeof ciphers !== 'string' || ciphers === '')) {
    throw invalid('ciphers', 'an OpenSSL cipher list such as "ECDHE-ECDSA-AES128-GCM-SHA256"', ciphers);
  }

  const context: SecureContextOptions = {};
  if (options.ca !== undefined) context.ca = pem('ca', options.ca);
  if (cert !== undefined) context.cert = pem('cert', cert);
  if (key !== undefined) context.key = pem('key', key);
  const passphrase = options.passphrase ?? auth?.passphrase;
  if (passphrase !== undefined) {
    if (typeof passphrase !== 'string') throw invalid('passphrase', 'a string', passphrase);
    context.passphrase = passphrase;
  }
  if (minVersion) context.minVersion = minVersion;
  if (maxVersion) context.maxVersion = maxVersion;
  if (ciphers !== undefined) context.ciphers = ciphers;

  const tls: NodeTlsOptions = {
    // Built here so that a bad key, passphrase or cipher list is an option error before any connect.
    secureContext: cachedContext(context, cert !== undefined),
    rejectUnauthorized: !insecure,
    // Node sends no SNI for IP addresses; an explicit servername is sent as given.
    servername: servername ?? (isIp(peer.host) ? undefined : peer.host),
  };
  if (alpn !== undefined) tls.ALPNProtocols = alpn;
  return { options: tls, clientCert: cert !== undefined };
}

// Creating a context parses every PEM and costs about 2.7 ms of CPU with a CA and a client
// certificate (measured with Node 20 on the fixtures), more than the handshake itself, so connections
// with equal TLS settings share one. The bound keeps scripts that vary certificates from growing it.
const MAX_CACHED_CONTEXTS = 64;
const contexts = new Map<string, SecureContext>();

function cachedContext(options: SecureContextOptions, withClientCert: boolean): SecureContext {
  const key = contextKey(options);
  let context = contexts.get(key);
  if (context === undefined) {
    context = createContext(options, withClientCert);
    if (contexts.size >= MAX_CACHED_CONTEXTS) contexts.delete(contexts.keys().next().value!);
    contexts.set(key, context);
  }
  return context;
}

function contextKey(options: SecureContextOptions): string {
  const { ca, cert, key, passphrase, minVersion, maxVersion, ciphers } = options;
  return [ca, cert, key, passphrase, minVersion, maxVersion, ciphers].map(keyPart).join('\u0000');
}

function keyPart(value: unknown): string {
  if (value === undefined) return '-';
  if (typeof value === 'string') return `s${value}`;
  if (Array.isArray(value)) return `a${value.map(keyPart).join('\u0001')}`;
  return `b${Buffer.from(value as Uint8Array).toString('base64')}`;
}

function createContext(options: SecureContextOptions, withClientCert: boolean): SecureContext {
  try {
    return createSecureContext(options);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    let key = withClientCert ? 'key' : 'ca';
    if (/cipher/i.test(reason)) key = 'ciphers';
    const hint = key === 'key' ? '; check that cert and key match and that passphrase is right' : '';
    throw new ConfigError(`connect options.${key}`, `cannot load the TLS settings: ${reason}${hint}`, { cause });
  }
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

function order(version: string): number {
  return ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'].indexOf(version);
}

function versionOption(key: string, value: unknown): NodeTlsOptions['minVersion'] {
  if (value === undefined) return undefined;
  const version = typeof value === 'string' ? VERSIONS[value] : undefined;
  if (!version) throw invalid(key, "'TLSv1.2', 'TLSv1.3' (or k6's 'tls1.2', 'tls1.3')", value);
  return version;
}

/** k6's `tlsVersion`: one version (min = max) or `{ min, max }`. */
function globalVersions(value: unknown): { min?: NodeTlsOptions['minVersion']; max?: NodeTlsOptions['maxVersion'] } {
  if (value === undefined) return {};
  if (typeof value === 'string') {
    const version = globalVersion('tlsVersion', value);
    return { min: version, max: version };
  }
  if (typeof value === 'object' && value !== null) {
    const range = value as { min?: unknown; max?: unknown };
    return {
      min: range.min === undefined ? undefined : globalVersion('tlsVersion.min', range.min),
      max: range.max === undefined ? undefined : globalVersion('tlsVersion.max', range.max),
    };
  }
  throw new ConfigError('tlsVersion', `expected "tls1.2" or { min: "tls1.2", max: "tls1.3" }, got ${JSON.stringify(value)}`);
}

function globalVersion(key: string, value: unknown): NodeTlsOptions['minVersion'] {
  const version = typeof value === 'string' ? VERSIONS[value] : undefined;
  if (!version) throw new ConfigError(key, `expected one of tls1.0, tls1.1, tls1.2, tls1.3, got ${JSON.stringify(value)}`);
  return version;
}

/** k6's `tlsCipherSuites` (Go names) as an OpenSSL cipher list. */
function globalCiphers(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError('tlsCipherSuites', `expected a non-empty array of suite names, got ${JSON.stringify(value)}`);
  }
  return value
    .map((name) => {
      const openssl = typeof name === 'string' ? GO_TO_OPENSSL_CIPHERS[name] : undefined;
      if (!openssl) {
        throw new ConfigError('tlsCipherSuites', `unknown or unsupported cipher suite ${JSON.stringify(name)}`);
      }
      return openssl;
    })
    .join(':');
}

interface ClientCert {
  cert: PemInput;
  key: PemInput;
  passphrase?: string;
}

/**
 * Picks the first k6 `tlsAuth` entry whose `domains` contain the host: an exact name, or a suffix
 * match for entries written as `*.example.com`.
 */
function globalClientCert(value: unknown, host: string): ClientCert | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new ConfigError('tlsAuth', 'expected an array of { domains, cert, key }');
  for (const [i, entry] of value.entries()) {
    const { domains, cert, key, password } = (entry ?? {}) as Record<string, unknown>;
    if (!Array.isArray(domains) || typeof cert !== 'string' || typeof key !== 'string') {
      throw new ConfigError(`tlsAuth[${i}]`, 'expected { domains: string[], cert: PEM string, key: PEM string }');
    }
    const matches = domains.some((domain) =>
      typeof domain === 'string' && (domain === host || (domain.startsWith('*.') && host.endsWith(domain.slice(1)))),
    );
    if (matches) return { cert, key, passphrase: typeof password === 'string' ? password : undefined };
  }
  return undefined;
}

function pem(key: string, value: PemInput | PemInput[]): string | Buffer | Array<string | Buffer> {
  const ok = (item: unknown): boolean => (typeof item === 'string' && item !== '') || item instanceof Uint8Array;
  if (!(Array.isArray(value) ? value.length > 0 && value.every(ok) : ok(value))) {
    throw invalid(key, 'PEM text or bytes', value);
  }
  return Array.isArray(value) ? value.map(toNode) : toNode(value);
}

function toNode(item: PemInput): string | Buffer {
  return typeof item === 'string' ? item : Buffer.from(item.buffer, item.byteOffset, item.byteLength);
}

function timeoutOption(key: string, value: DurationInput | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value, `connect options.${key}`);
  if (ms <= 0) throw invalid(key, 'a duration greater than 0', value);
  if (ms > MAX_TIMER_DELAY_MS) throw invalid(key, `a duration of ${MAX_TIMER_DELAY_TEXT}`, value);
  return ms;
}

function boolOption(key: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(key, 'true or false', value);
  return value;
}

function tagsOption(value: unknown): Tags | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('tags', 'an object of string values', value);
  }
  for (const [name, tag] of Object.entries(value)) {
    if (typeof tag !== 'string') throw invalid(`tags.${name}`, 'a string', tag);
  }
  return Object.keys(value).length === 0 ? undefined : Object.freeze({ ...(value as Record<string, string>) });
}

function invalid(key: string, expected: string, got: unknown): ConfigError {
  const shown = got instanceof Uint8Array ? `${got.length} bytes` : JSON.stringify(got) ?? typeof got;
  return new ConfigError(`connect options.${key}`, `expected ${expected}, got ${shown}`);
}
