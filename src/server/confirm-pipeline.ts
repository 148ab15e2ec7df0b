import { TimedQueue } from './timed-queue.ts';

/** A received batch on its way to its confirm. */
export interface PendingConfirm {
  readonly events: number;
}

/**
 * The path from a received batch to its confirm: first one worker that processes `capacity` events per
 * second in arrival order across all agents, then a fixed `latency`, then a gate that delays every
 * confirm while a stall lasts. Each stage is skipped while idle, so with capacity and latency at 0 and
 * no stall a batch is confirmed in the same tick it arrived.
 *
 * The worker runs on virtual time: a batch finishes at max(arrival, previous finish) + events / capacity.
 * A late timer therefore delays one confirm but never shifts the schedule of the batches behind it, and
 * past capacity the queue, and with it the confirm latency, grows without bound, as in a real server.
 */
export class ConfirmPipeline<T extends PendingConfirm> {
  private readonly worker: TimedQueue<T> | null;
  private readonly delay: TimedQueue<T> | null;
  private readonly stalled: TimedQueue<T>;
  private workerFreeAt = 0;
  private stallUntil = 0;

  constructor(
    private readonly capacity: number,
    private readonly latency: number,
    private readonly deliver: (item: T) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.stalled = new TimedQueue<T>(deliver, now);
    this.delay = latency > 0 ? new TimedQueue<T>((item) => this.afterDelay(item), now) : null;
    this.worker = capacity > 0 ? new TimedQueue<T>((item) => this.afterWorker(item), now) : null;
  }

  /**
   * Holds every confirm that would leave in the next `ms` milliseconds until then; they leave in order
   * when the stall ends. Models a server pause (a GC or a blocked disk) that the agents see as a backlog.
   */
  stall(ms: number): void {
    this.stallUntil = Math.max(this.stallUntil, this.now() + ms);
  }

  /** Batches waiting for, or being processed by, the worker. */
  get queueDepth(): number {
    return this.worker?.length ?? 0;
  }

  // NOTE: the worker queue has no bound. Agents keep one batch in flight, so it holds at most one batch
  // per agent, but a client that pipelines batches past capacity grows it until memory runs out.
  submit(item: T): void {
    if (this.worker === null) {
      this.afterWorker(item);
      return;
    }
    const start = Math.max(this.now(), this.workerFreeAt);
    this.workerFreeAt = start + (item.events * 1000) / this.capacity;
    this.worker.push(item, this.workerFreeAt);
  }

  close(): void {
    this.worker?.close();
    this.delay?.close();
    this.stalled.close();
  }

  private afterWorker(item: T): void {
    if (this.delay === null) this.afterDelay(item);
    else this.delay.push(item, this.now() + this.latency);
  }

  private afterDelay(item: T): void {
    const now = this.now();
    // While held confirms are queued, later ones queue behind them so the order per agent is kept.
    if (now < this.stallUntil || this.stalled.length > 0) this.stalled.push(item, Math.max(now, this.stallUntil));
    else this.deliver(item);
  }
}
