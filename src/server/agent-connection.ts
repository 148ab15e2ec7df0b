import type { Socket } from 'node:net';
import type { FrameCodec, FrameDecoder } from '../net/codec/types.ts';
import type { ConfirmPipeline } from './confirm-pipeline.ts';
import type { ResolvedServerOptions } from './options.ts';
import type { ShareSelector } from './share.ts';
import type { AgentStats, ServerStats } from './stats.ts';

/** State that every connection of one server shares. */
export interface ServerContext {
  readonly options: ResolvedServerOptions;
  readonly stats: ServerStats;
  readonly codec: FrameCodec;
  readonly pipeline: ConfirmPipeline<BatchJob>;
  readonly rejectSelector: ShareSelector;
  readonly dropSelector: ShareSelector;
}

/** A received batch waiting for its confirm. */
export interface BatchJob {
  readonly connection: AgentConnection;
  readonly confirmId: string;
  readonly events: number;
  /** The confirm is withheld (`dropConfirmShare`). */
  readonly drop: boolean;
  /** The connection ends after this batch (`closeAfter`). */
  readonly last: boolean;
}

type State = 'awaiting_id' | 'approved' | 'closing';

/**
 * One agent's connection: id message, approval or rejection, then event batches handed to the confirm
 * pipeline. Batches are counted by the length of their `events` array; the events themselves are not
 * inspected, so the server's cost per batch is one JSON.parse.
 */
export class AgentConnection {
  private state: State = 'awaiting_id';
  private agent: AgentStats | null = null;
  private batchesOnConnection = 0;
  private noticesOnConnection = 0;
  private readonly decoder: FrameDecoder;
  readonly remoteAddress: string;

  constructor(
    readonly socket: Socket,
    private readonly context: ServerContext,
  ) {
    this.decoder = context.codec.createDecoder();
    this.remoteAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', this.onError);
  }

  /** Writes the confirm of a batch that left the pipeline, or withholds it, then applies `closeAfter`. */
  confirm(job: BatchJob): void {
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return;

    const stats = this.context.stats;
    if (job.drop) {
      stats.confirmsDropped++;
    } else {
      this.send(`{"m":"confirm","confirmId":${JSON.stringify(job.confirmId)}}`);
      stats.batchesConfirmed++;
      stats.eventsConfirmed += job.events;
      this.agent!.batchesConfirmed++;
    }

    if (job.last) this.endByServer();
  }

  private readonly onData = (chunk: Buffer): void => {
    try {
      this.decoder.push(chunk, this.onFrame);
    } catch (error) {
      // A framing error loses the stream position, so the connection cannot continue.
      const code = (error as { code?: string }).code ?? 'protocol';
      this.reportError(code, (error as Error).message);
      this.socket.destroy();
    }
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    this.reportError(error.code ?? 'socket_error', error.message);
  };

  private readonly onFrame = (frame: Uint8Array): void => {
    if (this.state === 'closing') return; // the server already ended this connection

    const message = parseMessage(frame);
    if (message === null) {
      this.context.stats.invalidFrames++;
      return;
    }
    if (message.m === 'events' && this.state === 'approved') this.onBatch(message);
    else if (message.m === 'id' && this.state === 'awaiting_id') this.onId(message);
    else this.context.stats.invalidFrames++;
  };

  private onId(message: Record<string, unknown>): void {
    const { options, stats } = this.context;
    const name = firstString(message.name, message.peer, message.hostname) ?? this.remoteAddress;
    this.agent = stats.agent(name);
    this.agent.connections++;

    if (options.token !== undefined && message.bootstrap_token !== options.token) {
      this.reject('invalid bootstrap_token');
      return;
    }
    if (this.context.rejectSelector.next()) {
      this.reject('rejected by the server option reject-share');
      return;
    }

    if (options.noticeEvery > 0) this.sendNotice();
    this.state = 'approved';
    stats.agentsApproved++;
    const peer = firstString(message.peer) ?? name;
    this.send(`{"m":"auth","subsystem":"auth","status":"approved","peer":${JSON.stringify(peer)}}`);
  }

  private onBatch(message: Record<string, unknown>): void {
    const { confirmId, events } = message;
    if (typeof confirmId !== 'string' || !Array.isArray(events)) {
      this.context.stats.invalidFrames++;
      return;
    }

    const { options, stats } = this.context;
    stats.recordBatch(this.agent!, confirmId, events.length);
    this.batchesOnConnection++;
    if (options.noticeEvery > 0 && this.batchesOnConnection % options.noticeEvery === 0) this.sendNotice();

    // The stall starts before this batch enters the pipeline, so its own confirm is held too.
    if (options.stallEvery > 0 && stats.batchesReceived % options.stallEvery === 0) {
      stats.stalls++;
      this.context.pipeline.stall(options.stallMs);
    }

    const last = options.closeAfter > 0 && this.batchesOnConnection === options.closeAfter;
    if (last) this.state = 'closing';
    this.context.pipeline.submit({
      connection: this,
      confirmId,
      events: events.length,
      drop: this.context.dropSelector.next(),
      last,
    });
  }

  private reject(reason: string): void {
    this.context.stats.agentsRejected++;
    this.send(`{"m":"auth","subsystem":"auth","status":"rejected","reason":${JSON.stringify(reason)}}`);
    this.endByServer();
  }

  private sendNotice(): void {
    this.noticesOnConnection++;
    this.context.stats.noticesSent++;
    this.send(`{"m":"notice","subsystem":"server","seq":${this.noticesOnConnection},"text":"reference server notice"}`);
  }

  private endByServer(): void {
    this.state = 'closing';
    this.context.stats.connectionsClosedByServer++;
    this.socket.end();
  }

  private send(json: string): void {
    this.socket.write(this.context.codec.encode(Buffer.from(json, 'utf8')));
  }

  private reportError(code: string, message: string): void {
    this.context.stats.recordError(code);
    this.context.options.onConnectionError?.(code, message, this.remoteAddress);
  }
}

// Returns the message object, or null for a frame that is not UTF-8 JSON with an `m` string.
function parseMessage(frame: Uint8Array): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const message = value as Record<string, unknown>;
  return typeof message.m === 'string' ? message : null;
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value !== '') return value;
  return undefined;
}
