import { ConfigError } from '../engine/errors.ts';

/** Options of the reference server. Every field is optional; `resolveServerOptions` fills defaults. */
export interface ServerOptions {
  /** Address to listen on. Default "127.0.0.1". */
  host?: string;
  /** TCP port for agents; 0 picks a free port. Default 8444. */
  port?: number;
  /** Plain TCP instead of TLS. Default false (TLS). */
  plain?: boolean;
  /** PEM certificate chain; with `key`, replaces the self-signed certificate generated at start. */
  cert?: string | Buffer;
  /** PEM private key for `cert`. */
  key?: string | Buffer;
  /** Events per second the single worker confirms; batches queue behind it. 0 = unlimited. Default 0. */
  capacity?: number;
  /** Milliseconds added to every confirm, after the worker. Default 0. */
  latency?: number;
  /** Share of agents (0..1) that get auth status "rejected", spread evenly. Default 0. */
  rejectShare?: number;
  /** Share of batches (0..1) whose confirm is never sent, spread evenly. Default 0. */
  dropConfirmShare?: number;
  /** Close an agent's connection after confirming its Nth batch on that connection. 0 = never. Default 0. */
  closeAfter?: number;
  /** Send a notice frame before the approval and after every Nth batch of a connection. 0 = never. Default 0. */
  noticeEvery?: number;
  /** Every Nth batch received (counted across all agents) starts a stall of `stallMs`. 0 = never. Default 0. */
  stallEvery?: number;
  /** Milliseconds a stall delays every confirm. Default 1000. */
  stallMs?: number;
  /** Reject agents whose `bootstrap_token` differs. Default: accept every token. */
  token?: string;
  /** Largest frame payload accepted, in bytes; a larger frame closes the connection. Default 1 MiB. */
  maxFrameBytes?: number;
  /** Port of the Prometheus endpoint on `host`; 0 picks a free port, null disables it. Default 9464. */
  metricsPort?: number | null;
  /** How many confirmIds the stats keep per agent (the first ones), for tests. Default 1000. */
  recordConfirmIds?: number;
  /** Called for every connection error the server handles itself (reset, TLS failure, bad frame). */
  onConnectionError?: (code: string, message: string, remoteAddress: string) => void;
}

export interface ResolvedServerOptions {
  readonly host: string;
  readonly port: number;
  readonly plain: boolean;
  readonly cert: string | Buffer | undefined;
  readonly key: string | Buffer | undefined;
  readonly capacity: number;
  readonly latency: number;
  readonly rejectShare: number;
  readonly dropConfirmShare: number;
  readonly closeAfter: number;
  readonly noticeEvery: number;
  readonly stallEvery: number;
  readonly stallMs: number;
  readonly token: string | undefined;
  readonly maxFrameBytes: number;
  readonly metricsPort: number | null;
  readonly recordConfirmIds: number;
  readonly onConnectionError: ((code: string, message: string, remoteAddress: string) => void) | undefined;
}

export const SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 8444,
  capacity: 0,
  latency: 0,
  rejectShare: 0,
  dropConfirmShare: 0,
  closeAfter: 0,
  noticeEvery: 0,
  stallEvery: 0,
  stallMs: 1000,
  maxFrameBytes: 1024 * 1024,
  metricsPort: 9464,
  recordConfirmIds: 1000,
} as const;

/** Fills defaults and checks ranges; throws a ConfigError whose key is the option's field name. */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new ConfigError(options.cert === undefined ? 'cert' : 'key', 'expected both cert and key, or neither');
  }
  if (options.plain === true && options.cert !== undefined) {
    throw new ConfigError('plain', 'expected either plain TCP or a certificate, not both');
  }

  const metricsPort = options.metricsPort === null ? null : port('metricsPort', options.metricsPort ?? SERVER_DEFAULTS.metricsPort);
  return {
    host: host(options.host ?? SERVER_DEFAULTS.host),
    port: port('port', options.port ?? SERVER_DEFAULTS.port),
    plain: options.plain ?? false,
    cert: options.cert,
    key: options.key,
    capacity: nonNegative('capacity', options.capacity ?? SERVER_DEFAULTS.capacity),
    latency: nonNegative('latency', options.latency ?? SERVER_DEFAULTS.latency),
    rejectShare: share('rejectShare', options.rejectShare ?? SERVER_DEFAULTS.rejectShare),
    dropConfirmShare: share('dropConfirmShare', options.dropConfirmShare ?? SERVER_DEFAULTS.dropConfirmShare),
    closeAfter: count('closeAfter', options.closeAfter ?? SERVER_DEFAULTS.closeAfter),
    noticeEvery: count('noticeEvery', options.noticeEvery ?? SERVER_DEFAULTS.noticeEvery),
    stallEvery: count('stallEvery', options.stallEvery ?? SERVER_DEFAULTS.stallEvery),
    stallMs: nonNegative('stallMs', options.stallMs ?? SERVER_DEFAULTS.stallMs),
    token: options.token,
    maxFrameBytes: positiveCount('maxFrameBytes', options.maxFrameBytes ?? SERVER_DEFAULTS.maxFrameBytes),
    metricsPort,
    recordConfirmIds: count('recordConfirmIds', options.recordConfirmIds ?? SERVER_DEFAULTS.recordConfirmIds),
    onConnectionError: options.onConnectionError,
  };
}

function host(value: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError('host', `expected a host name or IP address, got ${JSON.stringify(value)}`);
  return value;
}

function port(key: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(key, `expected a port 0..65535, got ${value}`);
  return value;
}

function nonNegative(key: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new ConfigError(key, `expected a number >= 0, got ${value}`);
  return value;
}

function share(key: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new ConfigError(key, `expected a share from 0 to 1, got ${value}`);
  return value;
}

function count(key: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ConfigError(key, `expected a whole number >= 0, got ${value}`);
  return value;
}

function positiveCount(key: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(key, `expected a whole number >= 1, got ${value}`);
  return value;
}
