/** Counts of one agent, keyed by its `name` and summed across reconnections. */
export interface AgentStats {
  /** Connections that sent an id message with this name. */
  connections: number;
  batchesReceived: number;
  eventsReceived: number;
  batchesConfirmed: number;
  /** The first confirmIds received from this agent, in arrival order, up to `recordConfirmIds`. */
  readonly confirmIds: string[];
}

/**
 * Counters of a running server, updated in place. The Prometheus endpoint reads the same object, so
 * tests can compare both views. Counters only grow; `connectionsOpen` and `queueDepth` are gauges.
 */
export class ServerStats {
  connectionsAccepted = 0;
  connectionsOpen = 0;
  connectionsClosed = 0;
  /** Connections the server ended on purpose: rejections and `closeAfter`. */
  connectionsClosedByServer = 0;
  agentsApproved = 0;
  agentsRejected = 0;
  batchesReceived = 0;
  eventsReceived = 0;
  batchesConfirmed = 0;
  eventsConfirmed = 0;
  /** Batches whose confirm was withheld by `dropConfirmShare`. */
  confirmsDropped = 0;
  noticesSent = 0;
  /** Stalls started by `stallEvery`. */
  stalls = 0;
  /** Frames that were not JSON, not an object, or not a valid message for the connection's state. */
  invalidFrames = 0;
  /** Connection errors handled by the server, by code (e.g. ECONNRESET, tls_handshake, frame_too_large). */
  readonly errors = new Map<string, number>();
  readonly agents = new Map<string, AgentStats>();

  constructor(
    private readonly recordConfirmIds: number,
    private readonly readQueueDepth: () => number = () => 0,
  ) {}

  /** Batches waiting for, or being processed by, the capacity worker. */
  get queueDepth(): number {
    return this.readQueueDepth();
  }

  agent(name: string): AgentStats {
    let agent = this.agents.get(name);
    if (agent === undefined) {
      agent = { connections: 0, batchesReceived: 0, eventsReceived: 0, batchesConfirmed: 0, confirmIds: [] };
      this.agents.set(name, agent);
    }
    return agent;
  }

  recordBatch(agent: AgentStats, confirmId: string, events: number): void {
    this.batchesReceived++;
    this.eventsReceived += events;
    agent.batchesReceived++;
    agent.eventsReceived += events;
    if (agent.confirmIds.length < this.recordConfirmIds) agent.confirmIds.push(confirmId);
  }

  recordError(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }
}
