// Reads the environment variables of the agent scenarios, the way operators already drive such tests:
// `-e HOST=ingest:8444 -e AGENTS=500 -e BATCH=100 -e SEC_PER_BATCH=0.2 -e TOKEN=... -e INSECURE_TLS=true`.
// An invalid value throws in init code, so the run stops before any connection (exit code 107) with
// a message naming the variable and what it expects.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { AgentOptions } from 'frameload/agent';

/** The parsed settings of an agent scenario; durations in milliseconds. */
export interface AgentEnv {
  /** Server address, `host:port`. */
  readonly host: string;
  readonly agents: number;
  /** Events per batch. */
  readonly batch: number;
  /** Batches per second across the fleet, from EPS / BATCH or AGENTS / SEC_PER_BATCH. */
  readonly batchesPerSecond: number;
  readonly durationMs: number;
  readonly token: string;
  readonly tls: boolean;
  readonly insecureTls: boolean;
  /** PEM CA certificates from the file named by CA, to verify a server behind a private CA. */
  readonly ca: string | undefined;
  /** Host name for SNI and certificate verification, when HOST is an IP address or another name. */
  readonly servername: string | undefined;
  readonly approvalTimeoutMs: number;
  readonly confirmTimeoutMs: number;
}

export const AGENT_ENV_DEFAULTS = {
  HOST: '127.0.0.1:8444',
  AGENTS: 200,
  BATCH: 100,
  EPS: 5000,
  DURATION: '1m',
  APPROVAL_TIMEOUT: '10s',
  CONFIRM_TIMEOUT: '10s',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/** Reads every variable; throws an Error naming the first invalid one. */
export function readAgentEnv(env: Env): AgentEnv {
  const agents = wholeNumber(env, 'AGENTS', AGENT_ENV_DEFAULTS.AGENTS);
  const batch = wholeNumber(env, 'BATCH', AGENT_ENV_DEFAULTS.BATCH);
  const tls = flag(env, 'TLS', true);
  const insecureTls = flag(env, 'INSECURE_TLS', false);
  if (insecureTls && !tls) throw invalid('INSECURE_TLS', 'false (or unset) when TLS=false', env.INSECURE_TLS);
  if (!tls && env.CA !== undefined) throw invalid('CA', 'no value when TLS=false', env.CA);
  if (insecureTls && env.CA !== undefined) throw invalid('CA', 'no value with INSECURE_TLS=true, which skips verification', env.CA);
  if (!tls && env.SERVERNAME !== undefined) throw invalid('SERVERNAME', 'no value when TLS=false', env.SERVERNAME);

  return {
    host: address(env),
    agents,
    batch,
    batchesPerSecond: batchRate(env, agents, batch),
    durationMs: duration(env, 'DURATION', AGENT_ENV_DEFAULTS.DURATION),
    token: env.TOKEN ?? '',
    tls,
    insecureTls,
    ca: env.CA === undefined ? undefined : caFile(env.CA),
    servername: env.SERVERNAME === undefined ? undefined : hostName(env.SERVERNAME),
    approvalTimeoutMs: duration(env, 'APPROVAL_TIMEOUT', AGENT_ENV_DEFAULTS.APPROVAL_TIMEOUT),
    confirmTimeoutMs: duration(env, 'CONFIRM_TIMEOUT', AGENT_ENV_DEFAULTS.CONFIRM_TIMEOUT),
  };
}

/**
 * A rate as an integer count per time unit, since arrival-rate scenarios take a whole `rate`: whole
 * rates per second stay as they are, others count per 1000 s (a resolution of 0.001 per second).
 */
export function arrivalRate(perSecond: number): { rate: number; timeUnit: `${number}s` } {
  if (Number.isInteger(perSecond)) return { rate: perSecond, timeUnit: '1s' };
  return { rate: Math.max(1, Math.round(perSecond * 1000)), timeUnit: '1000s' };
}

/** Milliseconds as a duration string the options accept. */
export function ms(value: number): `${number}ms` {
  return `${Math.ceil(value)}ms`;
}

function address(env: Env): string {
  const value = env.HOST ?? AGENT_ENV_DEFAULTS.HOST;
  const match = /^(?:\[[^\]]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(value);
  if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535) {
    throw invalid('HOST', 'host:port such as 127.0.0.1:8444 or [::1]:8444', value);
  }
  return value;
}

/** Reads a PEM file of CA certificates. A relative path starts from the working directory. */
function caFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new Error(`invalid environment variable CA: cannot read ${JSON.stringify(path)} (${reason}); expected a PEM file of CA certificates`);
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new Error(`invalid environment variable CA: ${JSON.stringify(path)} contains no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  // Parsing takes about 0.16 ms per certificate with Node 20, too much to repeat in the init code of thousands of
  // VUs. The init code of VU 0 (setup and teardown) runs first, so a damaged file stops the run there.
  if (__VU === 0) {
    blocks.forEach((block, index) => {
      try {
        new X509Certificate(block);
      } catch (error) {
        throw new Error(`invalid environment variable CA: certificate ${index + 1} of ${JSON.stringify(path)} cannot be parsed (${(error as Error).message})`);
      }
    });
  }
  return text;
}

function hostName(value: string): string {
  // Node sends no SNI for an IP address. A certificate for an IP address is verified by leaving
  // SERVERNAME unset and putting the address in HOST.
  if (isIP(value) !== 0) throw invalid('SERVERNAME', 'a DNS host name, not an IP address: the certificate is checked against the IP address of HOST', value);
  if (!/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(value) || value.length > 253) {
    throw invalid('SERVERNAME', 'a DNS host name such as ingest.example.com', value);
  }
  return value;
}

function batchRate(env: Env, agents: number, batch: number): number {
  if (env.EPS !== undefined && env.SEC_PER_BATCH !== undefined) {
    throw new Error('invalid environment: set EPS (events per second across the fleet) or SEC_PER_BATCH (seconds between batches per agent), not both');
  }
  if (env.SEC_PER_BATCH !== undefined) return agents / positiveNumber(env, 'SEC_PER_BATCH');
  const eps = env.EPS === undefined ? AGENT_ENV_DEFAULTS.EPS : positiveNumber(env, 'EPS');
  return eps / batch;
}

function wholeNumber(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) throw invalid(name, 'a whole number >= 1', text);
  return value;
}

function positiveNumber(env: Env, name: string): number {
  const text = env[name]!;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) throw invalid(name, 'a number > 0', text);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined) return fallback;
  const value = text.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw invalid(name, 'true or false', text);
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as "30s", "1m30s" or "500ms"; a bare number counts seconds. */
function duration(env: Env, name: string, fallback: string): number {
  const text = (env[name] ?? fallback).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return positive(name, Number(text) * 1000, text);
  const part = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let total = 0;
  while (part.lastIndex < text.length) {
    const match = part.exec(text);
    if (match === null) throw invalid(name, 'a duration such as 30s, 1m30s or 500ms (a bare number counts seconds)', text);
    total += Number(match[1]) * UNITS_MS[match[2]!]!;
  }
  return positive(name, total, text);
}

function positive(name: string, value: number, text: string): number {
  if (!(value > 0)) throw invalid(name, 'a duration above zero', text);
  return value;
}

function invalid(name: string, expected: string, got: string | undefined): Error {
  return new Error(`invalid environment variable ${name}: expected ${expected}, got ${JSON.stringify(got)}`);
}

/** Builds the agent options of the scenarios from their parsed environment. */
export function agentOptions(env: AgentEnv): AgentOptions {
  return {
    host: env.host,
    tls: env.tls,
    insecureSkipVerify: env.tls ? env.insecureTls : undefined,
    ca: env.ca,
    servername: env.servername,
    token: env.token,
    batchSize: env.batch,
    approvalTimeout: env.approvalTimeoutMs,
    confirmTimeout: env.confirmTimeoutMs,
  };
}
