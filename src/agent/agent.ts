import { timerDelay } from '../engine/timer-delay.ts';
import type { Closable, VuScope } from '../engine/vu-scope.ts';
import type { Metric } from '../metrics/registry.ts';
import type { Tags } from '../metrics/types.ts';
import type { Connection } from '../net/connection.ts';
import { netError, NetError } from '../net/errors.ts';
import type { ConnectOptions } from '../net/options.ts';
import { AgentError } from './errors.ts';
import type { FirstErrorReporter } from './first-errors.ts';
import { InFlightBatch } from './in-flight.ts';
import type { AgentMetrics } from './metrics.ts';
import type { ResolvedAgentOptions } from './options.ts';
import { defaultEventsMessage, defaultEventsMessageShared, type AgentIdentity } from './protocol.ts';

/** The services an agent takes from the VU that created it. */
export interface AgentContext {
  readonly scope: VuScope;
  readonly metrics: AgentMetrics;
  /** `frameload/net`'s connect for the same VU. */
  readonly connect: (address: string, options: ConnectOptions) => Promise<Connection>;
  /** Reporter of the first error of each class in the run. Absent outside the engine. */
  readonly reportFirstError?: FirstErrorReporter;
}

/** The outcome of one confirmed batch; all times in milliseconds. */
export interface BatchResult {
  readonly confirmId: string;
  readonly events: number;
  /** From the batch's due time to its confirm (agent_confirm_duration). */
  readonly durationMs: number;
  /** From the write of the batch to its confirm (agent_confirm_send_duration). */
  readonly sendDurationMs: number;
  /** From the due time to the write (agent_send_lateness). */
  readonly latenessMs: number;
}

interface Backoff {
  timer: NodeJS.Timeout;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * One simulated endpoint agent: a TLS (or TCP) connection that identifies itself, waits for approval
 * and then sends event batches, one in flight, each resolved by the confirm carrying its confirmId.
 *
 * Confirm latency is measured from the batch's due time, the VU's `iterationScheduledAtMs` (its slot
 * on an arrival-rate timeline), so a server that falls behind shows its backlog instead of slowing
 * the sender down unseen. A lost connection is reopened by the next `sendBatch` after a backoff.
 */
export class Agent implements Closable {
  readonly name: string;
  readonly peer: string;
  /** The server address, `host:port`. */
  readonly host: string;
  readonly batchSize: number;

  private readonly identity: AgentIdentity;
  private readonly connectOptions: ConnectOptions;
  private readonly tags: Tags | undefined;
  private readonly unregister: () => void;

  private connection: Connection | null = null;
  private approved = false;
  private closedByScript = false;
  private closing: Promise<void> | null = null;
  /** Connection attempts that failed in a row; sets the reconnect backoff. */
  private failures = 0;
  private attempts = 0;
  private confirmCounter = 0;
  private eventCounter = 0;
  private lastScheduledAtMs = Number.NaN;
  private backoff: Backoff | null = null;
  private readonly inFlight: InFlightBatch;

  constructor(
    private readonly context: AgentContext,
    private readonly options: ResolvedAgentOptions,
  ) {
    this.name = options.name;
    this.peer = options.peer;
    this.host = options.address;
    this.batchSize = options.batchSize;
    this.identity = Object.freeze({ name: options.name, peer: options.peer, token: options.token });
    this.tags = options.tags;
    this.connectOptions = connectOptionsFor(options);
    this.inFlight = new InFlightBatch(options.confirmTimeoutMs, this.onConfirmTimeout);
    this.unregister = context.scope.own(this);
  }

  /** Whether the agent has an approved connection that is still open. */
  get connected(): boolean {
    return this.approved && this.connection !== null && !this.connection.closed;
  }

  /** The confirmId of the most recent batch, or null before the first one. */
  get lastConfirmId(): string | null {
    return this.confirmCounter === 0 ? null : String(this.confirmCounter);
  }

  /**
   * Opens the connection, sends the id message and waits for the approval; does nothing when already
   * connected. The whole exchange must finish within `approvalTimeout`. Rejects with a NetError for
   * transport failures, or an AgentError: `auth_rejected` for another auth status or a close before
   * the approval, `approval_timeout` when no auth frame arrives in time.
   */
  async connect(): Promise<void> {
    this.assertOpen();
    // A batch sent later in the same iteration is due when it is requested, not at the iteration's
    // slot: the connect was the work that slot was for.
    this.lastScheduledAtMs = this.context.scope.iterationScheduledAtMs;
    await this.openConnection();
  }

  private async openConnection(): Promise<void> {
    if (this.connected) return;
    this.dropConnection();
    this.attempts++;

    const startedAt = performance.now();
    let connection: Connection;
    try {
      connection = await this.context.connect(this.host, this.connectOptions);
    } catch (error) {
      throw this.countConnectFailure(error);
    }
    if (this.closedByScript) {
      void connection.close();
      throw this.closedError();
    }
    this.connection = connection;
    connection.on('message', this.onFrame);
    connection.on('error', (error) => this.inFlight.fail(connection, error));
    connection.on('close', () => this.onConnectionClosed(connection));

    // TCP and TLS already used part of the budget; the approval gets what is left.
    const remainingMs = Math.max(1, this.options.approvalTimeoutMs - (performance.now() - startedAt));
    let reply: unknown;
    try {
      reply = await connection.request(this.options.idMessage(this.identity), { match: this.isAuthFrame, timeout: remainingMs });
    } catch (error) {
      void connection.close();
      throw this.countConnectFailure(this.approvalFailure(error, remainingMs));
    }
    if (!this.options.isApproval(reply)) {
      void connection.close();
      throw this.countConnectFailure(this.agentError('auth_rejected', `the server refused the agent: ${describeRefusal(reply)}`));
    }

    this.approved = true;
    this.failures = 0;
    const { metrics } = this.context;
    metrics.open.count++;
    this.emit(metrics.connected, metrics.open.count);
    this.emit(metrics.approvalDuration, performance.now() - startedAt);
    this.emit(metrics.connectFailed, 0);
  }

  /**
   * Sends one batch of `batchSize` events with the next confirmId and resolves when the confirm with
   * that confirmId arrives; other frames are ignored and counted. Without an approved connection it
   * first reconnects, after a backoff that doubles with every failed attempt. Rejects with a NetError
   * for transport failures or an AgentError `confirm_timeout`; the connection is then discarded.
   */
  async sendBatch(): Promise<BatchResult> {
    this.assertOpen();
    const dueAt = this.dueTime();
    if (!this.connected) await this.reconnect();
    const connection = this.connection!;

    const confirmId = String(++this.confirmCounter);
    const size = this.options.batchSize;
    // The default builder writes into a shared buffer; the codec copies it into the frame at once.
    const build = this.options.eventsMessage === defaultEventsMessage ? defaultEventsMessageShared : this.options.eventsMessage;
    const message = build({
      agent: this.identity,
      confirmId,
      size,
      firstEventId: this.eventCounter + 1,
      ts: Math.floor(Date.now() / 1000),
    });
    this.eventCounter += size;

    // The confirm is matched here rather than by connection.request(), so a batch costs no timer and
    // no request record of its own: the hot path stays close to a bare socket loop.
    const sentAt = performance.now();
    const confirmed = this.inFlight.wait(connection, confirmId, sentAt);
    connection.send(message).then(undefined, (error: unknown) => this.inFlight.fail(connection, error));
    try {
      await confirmed;
    } catch (error) {
      throw this.countBatchFailure(error);
    }
    const confirmedAt = performance.now();

    const { metrics } = this.context;
    const result: BatchResult = {
      confirmId,
      events: size,
      durationMs: confirmedAt - dueAt,
      sendDurationMs: confirmedAt - sentAt,
      latenessMs: sentAt - dueAt,
    };
    this.emit(metrics.confirmDuration, result.durationMs);
    this.emit(metrics.confirmSendDuration, result.sendDurationMs);
    this.emit(metrics.sendLateness, result.latenessMs);
    this.emit(metrics.batchesConfirmed, 1);
    this.emit(metrics.eventsConfirmed, size);
    return result;
  }

  /**
   * Closes the connection (TLS close_notify, then FIN) and stops a pending reconnect; later calls to
   * connect and sendBatch reject with `closed`. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closedByScript = true;
    this.unregister();
    this.inFlight.stop();
    const backoff = this.backoff;
    if (backoff !== null) {
      clearTimeout(backoff.timer);
      backoff.reject(this.closedError());
    }
    const connection = this.connection;
    if (connection !== null && this.inFlight.confirmId !== null) this.inFlight.fail(connection, this.closedError());
    this.closing = connection === null ? Promise.resolve() : connection.close();
    return this.closing;
  }

  /**
   * Returns the batch's due time: the running iteration's slot. A second batch in the same iteration, or a
   * batch sent outside the engine, has no slot of its own and is due when it is requested.
   */
  private dueTime(): number {
    const scheduled = this.context.scope.iterationScheduledAtMs;
    const now = performance.now();
    const due = scheduled > 0 && scheduled !== this.lastScheduledAtMs && scheduled <= now ? scheduled : now;
    this.lastScheduledAtMs = scheduled;
    return due;
  }

  private async reconnect(): Promise<void> {
    // A batch sent before any connect() just connects: there was nothing to reconnect.
    if (this.attempts === 0) return this.openConnection();
    const delay = Math.min(this.options.reconnectMaxDelayMs, this.options.reconnectDelayMs * 2 ** this.failures);
    // Half fixed, half random, so agents dropped together do not come back together.
    await this.wait(delay / 2 + Math.random() * (delay / 2));
    this.assertOpen();
    this.emit(this.context.metrics.reconnects, 1);
    await this.openConnection();
  }

  private wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.backoff = null;
        resolve();
      }, timerDelay(ms));
      this.backoff = { timer, resolve, reject };
    });
  }

  private readonly isAuthFrame = (frame: unknown): boolean => this.options.isApproval(frame) || this.options.isRefusal(frame);

  /** Frames no approval request claimed: the confirm of the batch in flight, or ignored and counted. */
  private readonly onFrame = (frame: unknown): void => {
    if (!this.inFlight.offer(frame, this.options.isConfirm)) this.emit(this.context.metrics.framesIgnored, 1);
  };

  /** Discards the connection, since a late confirm could still arrive on it, and names the batch. */
  private readonly onConfirmTimeout = (confirmId: string, connection: Connection): AgentError => {
    void connection.close();
    return this.agentError('confirm_timeout', `no confirm for confirmId ${confirmId} within ${this.options.confirmTimeoutMs} ms`);
  };

  private onConnectionClosed(connection: Connection): void {
    // A clean close by the peer reaches no 'error' listener, so a batch still waiting fails here.
    if (this.inFlight.confirmId !== null) {
      this.inFlight.fail(connection, netError('closed', this.host, 'the peer closed the connection while a batch waited for its confirm'));
    }
    if (this.connection !== connection) return;
    this.connection = null;
    if (!this.approved) return;
    this.approved = false;
    const { metrics } = this.context;
    metrics.open.count--;
    this.emit(metrics.connected, metrics.open.count);
  }

  /** Forgets a connection that failed while idle; its 'close' event may still be on its way. */
  private dropConnection(): void {
    const connection = this.connection;
    if (connection === null) return;
    this.onConnectionClosed(connection);
    void connection.close();
  }

  private approvalFailure(error: unknown, timeoutMs: number): unknown {
    if (!(error instanceof NetError) || this.closedByScript) return error;
    if (error.code === 'timeout') {
      return this.agentError('approval_timeout', `no auth frame within ${Math.round(timeoutMs)} ms of the id message`, error);
    }
    if (error.code === 'closed') {
      return this.agentError('auth_rejected', 'the server closed the connection before approving the agent', error);
    }
    return error;
  }

  private countConnectFailure(error: unknown): unknown {
    if (this.closedByScript) return error;
    this.failures++;
    this.countError(error);
    this.emit(this.context.metrics.connectFailed, 1);
    return error;
  }

  private countBatchFailure(error: unknown): unknown {
    if (!this.closedByScript) this.countError(error);
    return error;
  }

  private countError(error: unknown): void {
    const code = error instanceof AgentError || error instanceof NetError ? error.code : 'script';
    this.context.reportFirstError?.(code, this.name, error);
    this.context.scope.emit(this.context.metrics.errors, 1, this.tags ? { ...this.tags, error: code } : { error: code });
  }

  private agentError(code: AgentError['code'], message: string, cause?: unknown): AgentError {
    return new AgentError(code, this.name, this.host, message, cause === undefined ? undefined : { cause });
  }

  private closedError(): NetError {
    return netError('closed', this.host, `agent ${this.name} was closed by the script`);
  }

  private assertOpen(): void {
    if (this.closedByScript) throw this.closedError();
  }

  private emit(metric: Metric, value: number): void {
    this.context.scope.emit(metric, value, this.tags);
  }
}

/** frameload/net options for the agent's connection; TLS options only with TLS, as net requires. */
function connectOptionsFor(options: ResolvedAgentOptions): ConnectOptions {
  const connect: ConnectOptions = {
    tls: options.tls,
    // Each phase gets the whole budget; connect() then gives the approval what is left of it.
    connectTimeout: options.approvalTimeoutMs,
    handshakeTimeout: options.approvalTimeoutMs,
  };
  if (options.localAddress !== undefined) connect.localAddress = options.localAddress;
  if (options.tags !== undefined) connect.tags = { ...options.tags };
  if (options.tls) {
    if (options.insecureSkipVerify !== undefined) connect.insecureSkipVerify = options.insecureSkipVerify;
    if (options.ca !== undefined) connect.ca = options.ca;
    if (options.servername !== undefined) connect.servername = options.servername;
  }
  return connect;
}

/** Describes a refusal by its status and reason, never the whole frame, which may echo the id message. */
function describeRefusal(frame: unknown): string {
  const record = typeof frame === 'object' && frame !== null ? (frame as Record<string, unknown>) : {};
  const status = typeof record.status === 'string' ? `status ${JSON.stringify(record.status)}` : 'an auth frame without approval';
  const reason = typeof record.reason === 'string' ? ` (${record.reason.slice(0, 200)})` : '';
  return status + reason;
}
