import { ConfigError } from '../engine/errors.ts';

/** A parsed `host:port` address. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
  /** The address as the script wrote it, used in error messages and the `peer` of errors. */
  readonly text: string;
}

/** Parses `host:port`, `1.2.3.4:port` or `[::1]:port`; throws ConfigError naming the expected form. */
export function parseAddress(address: unknown): PeerAddress {
  if (typeof address !== 'string') {
    throw new ConfigError('connect address', `expected a string such as "127.0.0.1:8444", got ${typeof address}`);
  }
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new ConfigError(
      'connect address',
      `expected "host:port" or "[ipv6]:port" with a port from 1 to 65535, got ${JSON.stringify(address)}`,
    );
  }
  return { host: match[1] ?? match[2]!, port, text: address.trim() };
}
