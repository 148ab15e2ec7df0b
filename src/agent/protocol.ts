/**
 * The default agent protocol: the id message, event batches and the frames that approve, refuse and
 * confirm. Each piece is an option of `Agent`, so another protocol with the same shape (identify,
 * wait for approval, send batches that are confirmed by id) replaces only what differs.
 */

/** Who an agent is, as its id message tells the server. */
export interface AgentIdentity {
  readonly name: string;
  readonly peer: string;
  /** The bootstrap token. Builders put it in the id message only; it never appears in tags or errors. */
  readonly token: string;
}

/** What an events message builder gets for one batch. */
export interface BatchInfo {
  readonly agent: AgentIdentity;
  /** The batch's confirmId: a decimal string that increases by one per batch of the agent. */
  readonly confirmId: string;
  /** Number of events in the batch. */
  readonly size: number;
  /** The agent-wide number of the batch's first event; the events carry firstEventId + index. */
  readonly firstEventId: number;
  /** Unix time in seconds when the batch was built. */
  readonly ts: number;
}

/** A message to send: a JSON string is sent as is, bytes as is, any other value as JSON. */
export type OutgoingMessage = string | Uint8Array | object;

export type IdMessageBuilder = (agent: AgentIdentity) => OutgoingMessage;
export type EventsMessageBuilder = (batch: BatchInfo) => OutgoingMessage;
export type FrameMatcher = (frame: unknown) => boolean;
export type ConfirmMatcher = (frame: unknown, confirmId: string) => boolean;

/** Builds the id message with the fields a real endpoint agent sends; `ts` is Unix seconds. */
export function defaultIdMessage(agent: AgentIdentity): string {
  return JSON.stringify({
    m: 'id',
    bootstrap_token: agent.token,
    client_token: '',
    name: agent.name,
    peer: agent.peer,
    hostname: agent.name,
    os: 'win64',
    os_user: 'user',
    os_version: '10.0.19041_workstation_x64',
    v: '3.5.0.1111',
    uiv: '3.5.0.1111',
    bind_port: 22676,
    can_restart: false,
    tags: [],
    initialTags: { VIRTUAL: 'true' },
    settings: { bandwidth: { down: -1, up: -1 } },
    ts: Math.floor(Date.now() / 1000),
  });
}

// Kinds of endpoint events, cycled through a batch so that payloads look like a real agent's mix.
const EVENT_KINDS: ReadonlyArray<readonly [type: number, name: string, source: string, data: string]> = [
  [3, 'Startup', 'App', '{"time":0}'],
  [7, 'ProcStart', 'Proc', '{"pid":4312}'],
  [9, 'FileWrite', 'Fs', '{"len":4096}'],
  [12, 'NetConn', 'Net', '{"port":443}'],
  [15, 'RegSet', 'Reg', '{"hive":1}'],
];

interface BatchTemplate {
  /** `{"id":i,"eid":` per event; the event id follows. */
  readonly heads: string[];
  /** `,"tick":i,"t":..,"data":{..}}` per event, with the separator to the next event. */
  readonly tails: string[];
}

const templates = new Map<number, BatchTemplate>();

function templateFor(size: number): BatchTemplate {
  let template = templates.get(size);
  if (template) return template;
  const heads: string[] = [];
  const tails: string[] = [];
  for (let i = 0; i < size; i++) {
    const [type, name, source, data] = EVENT_KINDS[i % EVENT_KINDS.length]!;
    heads.push(`{"id":${i},"eid":`);
    tails.push(`,"tick":${i},"t":${type},"e":"${name}","src":"${source}","data":${data}}${i + 1 < size ? ',' : ''}`);
  }
  template = { heads, tails };
  templates.set(size, template);
  return template;
}

/**
 * Builds an events message as a JSON string. The constant part of every event is built once per
 * batch size, so a batch costs one string concatenation per event: its id and the batch time vary.
 */
export function defaultEventsMessage(batch: BatchInfo): string {
  const { heads, tails } = templateFor(batch.size);
  const ts = `,"ts":${batch.ts}`;
  let json = `{"m":"events","priority":0${ts},"confirmId":"${batch.confirmId}","events":[`;
  const first = batch.firstEventId;
  for (let i = 0; i < heads.length; i++) json += heads[i]! + (first + i) + ts + tails[i]!;
  return json + ']}';
}

function isObject(frame: unknown): frame is Record<string, unknown> {
  return typeof frame === 'object' && frame !== null;
}

/** A frame with `"subsystem":"auth"` and `"status":"approved"`. */
export function defaultIsApproval(frame: unknown): boolean {
  return isObject(frame) && frame.subsystem === 'auth' && frame.status === 'approved';
}

/** A frame with `"subsystem":"auth"` and any other status (e.g. "rejected"). */
export function defaultIsRefusal(frame: unknown): boolean {
  return isObject(frame) && frame.subsystem === 'auth' && frame.status !== 'approved';
}

/** `{"m":"confirm","confirmId":"<id>"}` for the batch in flight. */
export function defaultIsConfirm(frame: unknown, confirmId: string): boolean {
  return isObject(frame) && frame.m === 'confirm' && frame.confirmId === confirmId;
}
