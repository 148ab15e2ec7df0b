import { TimedQueue } from './timed-queue.ts';

/** A received batch on its way to its confirm. */
export interface PendingConfirm {
  readonly events: number;
}

/**
 * The path from a received batch to its confirm: first one worker that processes `capacity` events per
 * second in arrival order across all agents, then a fixed `latency`. Either stage is skipped when it is
 * 0, and with both at 0 a batch is confirmed in the same tick it arrived.
 *
 * The worker runs on virtual time: a batch finishes at max(arrival, previous finish) + events / capacity.
 * A late timer therefore delays one confirm but never shifts the schedule of the batches behind it, and
 * past capacity the queue, and with it the confirm latency, grows without bound, as in a real server.
 */
export class ConfirmPipeline<T extends PendingConfirm> {
  private readonly worker: TimedQueue<T> | null;
  private readonly delay: TimedQueue<T> | null;
  private workerFreeAt = 0;

  constructor(
    private readonly capacity: number,
    private readonly latency: number,
    private readonly deliver: (item: T) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.delay = latency > 0 ? new TimedQueue<T>(deliver, now) : null;
    this.worker = capacity > 0 ? new TimedQueue<T>((item) => this.afterWorker(item), now) : null;
  }

  /** Batches waiting for, or being processed by, the worker. */
  get queueDepth(): number {
    return this.worker?.length ?? 0;
  }

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
  }

  private afterWorker(item: T): void {
    if (this.delay === null) this.deliver(item);
    else this.delay.push(item, this.now() + this.latency);
  }
}
