// Script-facing typings of `frameload/agent`: simulated endpoint agents that connect over TLS or TCP,
// identify themselves, wait for approval and send event batches confirmed by confirmId. The frames
// are 4-byte big-endian length-prefixed UTF-8 JSON.

declare module 'frameload/agent' {
  /** A duration in milliseconds, or a string such as `'500ms'`, `'10s'` or `'1m'`. */
  export type AgentDuration = number | string;

  /** Who an agent is, as its id message tells the server. */
  export interface AgentIdentity {
    /** @example 'FakeAgent_00002A' */
    readonly name: string;
    /** @example 'PEER00002A' */
    readonly peer: string;
    /** The bootstrap token; it appears in the id message only, never in tags or errors. */
    readonly token: string;
  }

  /** What an events message builder gets for one batch. */
  export interface BatchInfo {
    readonly agent: AgentIdentity;
    /** The batch's confirmId: a decimal string, "1" for the agent's first batch, then one more per batch. */
    readonly confirmId: string;
    /** Number of events in the batch (the agent's `batchSize`). */
    readonly size: number;
    /** The agent-wide number of the batch's first event, from 1. */
    readonly firstEventId: number;
    /** Unix time in seconds when the batch was built. */
    readonly ts: number;
  }

  /** A message to send: a string is sent as its UTF-8 bytes, bytes as they are, anything else as JSON. */
  export type OutgoingMessage = string | Uint8Array | object;

  export interface AgentOptions {
    /**
     * Server address, `host:port` or `[ipv6]:port`. Required.
     * @example host: __ENV.HOST ?? '127.0.0.1:8444'
     */
    host: string;
    /**
     * TLS over TCP; false for plain TCP.
     * @default true
     */
    tls?: boolean;
    /**
     * Skips verification of the server's certificate (self-signed certificates in the field). The
     * summary then says that verification was off. TLS only.
     * @default false
     * @example insecureSkipVerify: __ENV.INSECURE_TLS === 'true'
     */
    insecureSkipVerify?: boolean;
    /** PEM CA certificates that sign the server's certificate. TLS only. */
    ca?: string | Uint8Array | Array<string | Uint8Array>;
    /** Host name to send in SNI and verify the certificate against. TLS only. @example servername: 'agents.test' */
    servername?: string;
    /** Local IP address to connect from, to spread many agents over 127.0.0.x. @example localAddress: '127.0.0.2' */
    localAddress?: string;
    /**
     * The bootstrap token of the id message. Never logged, never put in tags or error messages.
     * @default ''
     */
    token?: string;
    /**
     * The agent's name in the id message (also its `hostname`).
     * @default `FakeAgent_<VU number in 6 hex digits>`, with `_2`, `_3`, ... for more agents in one VU
     */
    name?: string;
    /**
     * The agent's peer id in the id message.
     * @default `PEER<VU number in 6 hex digits>`
     */
    peer?: string;
    /**
     * Events per batch.
     * @default 100
     */
    batchSize?: number;
    /**
     * Time from the start of `connect()` (TCP, TLS, id message) to the approval.
     * @default '10s'
     */
    approvalTimeout?: AgentDuration;
    /**
     * Time from the write of a batch to its confirm; on expiry the batch fails with `confirm_timeout`
     * and the connection is discarded.
     * @default '10s'
     */
    confirmTimeout?: AgentDuration;
    /**
     * Backoff before the first reconnect attempt after a lost connection; it doubles with every
     * failed attempt up to `reconnectMaxDelay`. The actual wait is random between half and all of it.
     * @default '100ms'
     */
    reconnectDelay?: AgentDuration;
    /** Upper bound of the reconnect backoff. @default '5s' */
    reconnectMaxDelay?: AgentDuration;
    /** Tags added to every sample of this agent. @example tags: { site: 'eu-1' } */
    tags?: Record<string, string>;
    /**
     * Builds the id message. @default defaultIdMessage
     * @example idMessage: (a) => ({ m: 'hello', name: a.name, key: a.token })
     */
    idMessage?: (agent: AgentIdentity) => OutgoingMessage;
    /** Builds one events message. @default defaultEventsMessage */
    eventsMessage?: (batch: BatchInfo) => OutgoingMessage;
    /** Whether a received frame approves the agent. @default defaultIsApproval */
    isApproval?: (frame: unknown) => boolean;
    /** Whether a received frame refuses the agent. @default defaultIsRefusal */
    isRefusal?: (frame: unknown) => boolean;
    /** Whether a received frame confirms the batch with `confirmId`. @default defaultIsConfirm */
    isConfirm?: (frame: unknown, confirmId: string) => boolean;
  }

  /** The outcome of one confirmed batch; times in milliseconds. */
  export interface BatchResult {
    /** @example '42' */
    readonly confirmId: string;
    /** Events in the batch. */
    readonly events: number;
    /** From the batch's due time (its slot on the arrival timeline) to its confirm: `agent_confirm_duration`. */
    readonly durationMs: number;
    /** From the write of the batch to its confirm: `agent_confirm_send_duration`. */
    readonly sendDurationMs: number;
    /** From the due time to the write: `agent_send_lateness`. */
    readonly latenessMs: number;
  }

  /**
   * One simulated endpoint agent, owned by the VU that created it: its connection closes when the VU
   * is done or the run ends. Create it in init code (module scope) so it lives across iterations.
   * @example
   * const agent = new Agent({ host: '127.0.0.1:8444', insecureSkipVerify: true, token: __ENV.TOKEN });
   * export async function connect() { await agent.connect(); }
   * export async function traffic() { await agent.sendBatch(); }
   */
  export class Agent {
    #brand: 'agent';
    /** @throws Error (invalid option) naming the option and what it expects. */
    constructor(options: AgentOptions);
    readonly name: string;
    readonly peer: string;
    /** The server address, `host:port`. */
    readonly host: string;
    readonly batchSize: number;
    /** Whether the agent holds an approved connection that is still open. */
    readonly connected: boolean;
    /** The confirmId of the most recent batch, or null before the first. */
    readonly lastConfirmId: string | null;
    /**
     * Connects, sends the id message and waits for the approval; resolves at once when connected.
     * Rejects with a `frameload/net` error (code `connect_refused`, `tls_verify`, ...) or an
     * AgentError `auth_rejected` (another auth status, or a close before approval) or
     * `approval_timeout`. Records `agent_approval_duration` and one `agent_connect_failed` sample.
     * @example await agent.connect();
     */
    connect(): Promise<void>;
    /**
     * Sends `batchSize` events with the next confirmId and resolves on the confirm with that
     * confirmId; other frames are counted in `agent_frames_ignored`. Without a connection it first
     * reconnects after a backoff (`agent_reconnects`). Rejects with a `frameload/net` error or an
     * AgentError `confirm_timeout`; every failure counts once in `agent_errors{error:<code>}`.
     * @example const { confirmId, durationMs } = await agent.sendBatch();
     */
    sendBatch(): Promise<BatchResult>;
    /**
     * Closes the connection and stops a pending reconnect; later calls reject with code `closed`.
     * Idempotent.
     * @example await agent.close();
     */
    close(): Promise<void>;
  }

  /** Same as `new Agent(options)`. @example const agent = createAgent({ host: '127.0.0.1:8444' }); */
  export function createAgent(options: AgentOptions): Agent;

  /** The protocol failures only the agent can tell; transport failures keep their `frameload/net` code. */
  export type AgentErrorCode = 'auth_rejected' | 'approval_timeout' | 'confirm_timeout';

  /** A protocol failure of one agent; `message` names the agent and the server, never the token. */
  export class AgentError extends Error {
    readonly code: AgentErrorCode;
    /** The agent's name. */
    readonly agent: string;
    /** The server address. */
    readonly peer: string;
  }

  /** Every AgentErrorCode, for tables and thresholds. */
  export const AGENT_ERROR_CODES: readonly AgentErrorCode[];

  /** The defaults of the numeric options, durations in milliseconds. */
  export const AGENT_DEFAULTS: {
    readonly batchSize: 100;
    readonly approvalTimeoutMs: 10000;
    readonly confirmTimeoutMs: 10000;
    readonly reconnectDelayMs: 100;
    readonly reconnectMaxDelayMs: 5000;
  };

  /** The id message of an endpoint agent as a JSON string (`m: "id"`, token, name, peer, hostname, os, ...). */
  export function defaultIdMessage(agent: AgentIdentity): string;
  /**
   * An events message as UTF-8 JSON bytes: `{"m":"events","priority":0,"ts":..,"confirmId":"..","events":[..]}`,
   * about 90 bytes per event. Built from bytes prepared once per batch size and second.
   */
  export function defaultEventsMessage(batch: BatchInfo): Uint8Array;
  /** A frame with `subsystem` "auth" and `status` "approved". */
  export function defaultIsApproval(frame: unknown): boolean;
  /** A frame with `subsystem` "auth" and another status. */
  export function defaultIsRefusal(frame: unknown): boolean;
  /** `{"m":"confirm","confirmId":confirmId}`. */
  export function defaultIsConfirm(frame: unknown, confirmId: string): boolean;
}
