/**
 * The default agent protocol: the id message, event batches and the frames that approve, refuse and
 * confirm. Each piece is an option of `Agent`, so another protocol with the same shape (identify,
 * wait for approval, send batches that are confirmed by id) replaces only what differs.
 */

/** The identity an agent sends in its id message. */
export interface AgentIdentity {
  readonly name: string;
  readonly peer: string;
  /** The bootstrap token. Builders put it in the id message only; it never appears in tags or errors. */
  readonly token: string;
}

/** The input of an events message builder for one batch. */
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

/**
 * The constant bytes of a batch of one size and timestamp. Event i is
 * `{"id":i,"eid":` EID `,"ts":` TS `,"tick":i,...}`, so between two event ids sits one constant joint:
 * the rest of one event, the comma and the start of the next.
 */
interface BatchTemplate {
  readonly size: number;
  readonly ts: number;
  /** joints[i] follows the id of event i; the last one closes the message. */
  readonly joints: Uint8Array[];
  readonly constantBytes: number;
}

// The timestamp changes once a second, so the joints are rebuilt about once a second per batch size.
const templates = new Map<number, BatchTemplate>();

function templateFor(size: number, ts: number): BatchTemplate {
  const cached = templates.get(size);
  return cached !== undefined && cached.ts === ts ? cached : buildTemplate(size, ts);
}

// Kept apart from templateFor, which runs for every batch, so that the optimising compiler does not
// compile this loop into it.
function buildTemplate(size: number, ts: number): BatchTemplate {
  const joints: Uint8Array[] = [];
  let constantBytes = 0;
  for (let i = 0; i < size; i++) {
    const [type, name, source, data] = EVENT_KINDS[i % EVENT_KINDS.length]!;
    const rest = `,"ts":${ts},"tick":${i},"t":${type},"e":"${name}","src":"${source}","data":${data}}`;
    const joint = Buffer.from(i + 1 < size ? `${rest},{"id":${i + 1},"eid":` : `${rest}]}`, 'latin1');
    joints.push(joint);
    constantBytes += joint.length;
  }
  const template = { size, ts, joints, constantBytes };
  templates.set(size, template);
  return template;
}

// Maximum number of decimal digits of a safe integer.
const MAX_DIGITS = 16;

/** Writes a non-negative safe integer as ASCII digits at `offset`; returns the offset after it. */
function writeDigits(bytes: Uint8Array, offset: number, value: number): number {
  let length = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) length++;
  let rest = value;
  for (let at = offset + length - 1; at >= offset; at--) {
    bytes[at] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return offset + length;
}

/**
 * Builds an events message as UTF-8 JSON bytes. The constant bytes of every event are prepared once
 * per batch size and second, so a batch costs one copy of those bytes plus its event ids: no JSON
 * serialisation and no string-to-bytes conversion.
 */
export function defaultEventsMessage(batch: BatchInfo): Uint8Array {
  return writeEventsMessage(batch, (size) => Buffer.allocUnsafe(size));
}

// One buffer for every agent of the process: JavaScript runs one batch build at a time.
let scratch = Buffer.allocUnsafe(0);

/**
 * Like `defaultEventsMessage`, but writes into a buffer shared by the whole process, which saves a
 * 10 KB allocation per batch. The bytes are valid only until the next call, so the caller must copy
 * them first: sending them through a length-prefixed codec does, since it writes header and payload
 * into a new frame.
 */
export function defaultEventsMessageShared(batch: BatchInfo): Uint8Array {
  return writeEventsMessage(batch, (size) => {
    if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
    return scratch;
  });
}

function writeEventsMessage(batch: BatchInfo, allocate: (size: number) => Buffer): Uint8Array {
  const { joints, constantBytes } = templateFor(batch.size, batch.ts);
  const head = Buffer.from(
    `{"m":"events","priority":0,"ts":${batch.ts},"confirmId":${JSON.stringify(batch.confirmId)},"events":[{"id":0,"eid":`,
    'utf8',
  );
  const bytes = allocate(head.length + constantBytes + batch.size * MAX_DIGITS);

  bytes.set(head, 0);
  let offset = head.length;
  let eventId = batch.firstEventId;
  for (let i = 0; i < joints.length; i++) {
    offset = writeDigits(bytes, offset, eventId++);
    const joint = joints[i]!;
    bytes.set(joint, offset);
    offset += joint.length;
  }
  return bytes.subarray(0, offset);
}

function isObject(frame: unknown): frame is Record<string, unknown> {
  return typeof frame === 'object' && frame !== null;
}

/** Returns whether the frame has `"subsystem":"auth"` and `"status":"approved"`. */
export function defaultIsApproval(frame: unknown): boolean {
  return isObject(frame) && frame.subsystem === 'auth' && frame.status === 'approved';
}

/** Returns whether the frame has `"subsystem":"auth"` and any other status (e.g. "rejected"). */
export function defaultIsRefusal(frame: unknown): boolean {
  return isObject(frame) && frame.subsystem === 'auth' && frame.status !== 'approved';
}

/** Returns whether the frame is `{"m":"confirm","confirmId":"<id>"}` for the batch in flight. */
export function defaultIsConfirm(frame: unknown, confirmId: string): boolean {
  return isObject(frame) && frame.m === 'confirm' && frame.confirmId === confirmId;
}
