import { parseDuration } from '../engine/duration.ts';
import { MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_TEXT } from '../engine/timer-delay.ts';
import { ConfigError } from '../engine/errors.ts';
import type { Tags } from '../metrics/types.ts';
import { parseAddress } from '../net/address.ts';
import type { DurationInput, PemInput } from '../net/options.ts';
import {
  defaultEventsMessage,
  defaultIdMessage,
  defaultIsApproval,
  defaultIsConfirm,
  defaultIsRefusal,
  type ConfirmMatcher,
  type EventsMessageBuilder,
  type FrameMatcher,
  type IdMessageBuilder,
} from './protocol.ts';

/** Options of `new Agent(options)`; docs/agent.md and types/agent.d.ts list them with defaults. */
export interface AgentOptions {
  host: string;
  tls?: boolean;
  insecureSkipVerify?: boolean;
  ca?: PemInput | PemInput[];
  servername?: string;
  localAddress?: string;
  token?: string;
  name?: string;
  peer?: string;
  batchSize?: number;
  approvalTimeout?: DurationInput;
  confirmTimeout?: DurationInput;
  reconnectDelay?: DurationInput;
  reconnectMaxDelay?: DurationInput;
  tags?: Record<string, string>;
  idMessage?: IdMessageBuilder;
  eventsMessage?: EventsMessageBuilder;
  isApproval?: FrameMatcher;
  isRefusal?: FrameMatcher;
  isConfirm?: ConfirmMatcher;
}

export const AGENT_DEFAULTS = {
  batchSize: 100,
  approvalTimeoutMs: 10_000,
  confirmTimeoutMs: 10_000,
  reconnectDelayMs: 100,
  reconnectMaxDelayMs: 5_000,
} as const;

export interface ResolvedAgentOptions {
  readonly address: string;
  readonly tls: boolean;
  readonly insecureSkipVerify: boolean | undefined;
  readonly ca: PemInput | PemInput[] | undefined;
  readonly servername: string | undefined;
  readonly localAddress: string | undefined;
  readonly token: string;
  readonly name: string;
  readonly peer: string;
  readonly batchSize: number;
  readonly approvalTimeoutMs: number;
  readonly confirmTimeoutMs: number;
  readonly reconnectDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  readonly tags: Tags | undefined;
  readonly idMessage: IdMessageBuilder;
  readonly eventsMessage: EventsMessageBuilder;
  readonly isApproval: FrameMatcher;
  readonly isRefusal: FrameMatcher;
  readonly isConfirm: ConfirmMatcher;
}

const KNOWN_KEYS = new Set<string>([
  'host', 'tls', 'insecureSkipVerify', 'ca', 'servername', 'localAddress', 'token', 'name', 'peer', 'batchSize',
  'approvalTimeout', 'confirmTimeout', 'reconnectDelay', 'reconnectMaxDelay', 'tags', 'idMessage', 'eventsMessage',
  'isApproval', 'isRefusal', 'isConfirm',
]);

/**
 * Applies defaults and checks types. `identity` supplies the name and peer derived from the VU when
 * the options give none. Throws ConfigError naming the option and what was expected.
 */
export function resolveAgentOptions(input: AgentOptions, identity: { name: string; peer: string }): ResolvedAgentOptions {
  if (typeof input !== 'object' || input === null) throw invalid('options', 'an object with at least host', input);
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(`Agent options.${key}`, `unknown option; expected one of ${[...KNOWN_KEYS].join(', ')}`);
  }
  const address = parseAddress(input.host).text;

  const tls = input.tls ?? true;
  if (typeof tls !== 'boolean') throw invalid('tls', 'true or false', tls);
  if (input.insecureSkipVerify !== undefined && typeof input.insecureSkipVerify !== 'boolean') {
    throw invalid('insecureSkipVerify', 'true or false', input.insecureSkipVerify);
  }

  const reconnectDelayMs = duration('reconnectDelay', input.reconnectDelay, AGENT_DEFAULTS.reconnectDelayMs, 0);
  const reconnectMaxDelayMs = duration('reconnectMaxDelay', input.reconnectMaxDelay, AGENT_DEFAULTS.reconnectMaxDelayMs, 0);
  if (reconnectMaxDelayMs < reconnectDelayMs) {
    throw invalid('reconnectMaxDelay', `a duration >= reconnectDelay (${reconnectDelayMs} ms)`, input.reconnectMaxDelay);
  }

  return {
    address,
    tls,
    // TLS-only options are passed only with TLS, so frameload/net can reject them on plain TCP.
    insecureSkipVerify: input.insecureSkipVerify,
    ca: input.ca,
    servername: optionalString('servername', input.servername),
    localAddress: optionalString('localAddress', input.localAddress),
    token: tokenOption(input.token),
    name: optionalString('name', input.name) ?? identity.name,
    peer: optionalString('peer', input.peer) ?? identity.peer,
    batchSize: batchSize(input.batchSize),
    approvalTimeoutMs: duration('approvalTimeout', input.approvalTimeout, AGENT_DEFAULTS.approvalTimeoutMs, 1),
    confirmTimeoutMs: duration('confirmTimeout', input.confirmTimeout, AGENT_DEFAULTS.confirmTimeoutMs, 1),
    reconnectDelayMs,
    reconnectMaxDelayMs,
    tags: tags(input.tags),
    idMessage: fn('idMessage', input.idMessage) ?? defaultIdMessage,
    eventsMessage: fn('eventsMessage', input.eventsMessage) ?? defaultEventsMessage,
    isApproval: fn('isApproval', input.isApproval) ?? defaultIsApproval,
    isRefusal: fn('isRefusal', input.isRefusal) ?? defaultIsRefusal,
    isConfirm: fn('isConfirm', input.isConfirm) ?? defaultIsConfirm,
  };
}

function batchSize(value: unknown): number {
  if (value === undefined) return AGENT_DEFAULTS.batchSize;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw invalid('batchSize', 'a whole number >= 1', value);
  return value as number;
}

function duration(key: string, value: DurationInput | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const ms = parseDuration(value, `Agent options.${key}`);
  if (ms < min) throw invalid(key, min > 0 ? 'a duration greater than 0' : 'a duration >= 0', value);
  if (ms > MAX_TIMER_DELAY_MS) throw invalid(key, `a duration of ${MAX_TIMER_DELAY_TEXT}`, value);
  return ms;
}

function optionalString(key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw invalid(key, 'a non-empty string', value);
  return value;
}

// The token may be empty (servers that accept any token); its value is never shown in an error.
function tokenOption(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new ConfigError('Agent options.token', `expected a string, got a ${typeof value}`);
  return value;
}

function fn<T>(key: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalid(key, 'a function', typeof value);
  return value;
}

function tags(value: unknown): Tags | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('tags', 'an object of string values', value);
  for (const [name, tag] of Object.entries(value)) {
    if (typeof tag !== 'string') throw invalid(`tags.${name}`, 'a string', tag);
  }
  return Object.keys(value).length === 0 ? undefined : Object.freeze({ ...(value as Record<string, string>) });
}

function invalid(key: string, expected: string, got: unknown): ConfigError {
  return new ConfigError(`Agent options.${key}`, `expected ${expected}, got ${JSON.stringify(got) ?? typeof got}`);
}
