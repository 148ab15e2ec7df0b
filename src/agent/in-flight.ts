import type { Connection } from '../net/connection.ts';
import { timerDelay } from '../engine/timer-delay.ts';

interface Pending {
  readonly confirmId: string;
  readonly connection: Connection;
  /** performance.now() after which the batch has timed out. */
  readonly deadline: number;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The one batch of an agent that waits for its confirm. Its deadline is checked by a single lazy
 * timer per agent: the timer is armed once and, when it fires early for a later batch, re-armed for
 * what is left, so a batch costs no timer of its own. With confirms far faster than the timeout, the
 * timer fires about once per timeout period.
 */
export class InFlightBatch {
  private pending: Pending | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly timeoutMs: number,
    /** Builds the error for a batch that timed out; the batch is already forgotten. */
    private readonly onTimeout: (confirmId: string, connection: Connection) => unknown,
  ) {}

  get confirmId(): string | null {
    return this.pending?.confirmId ?? null;
  }

  /** Resolves when `offer` receives the confirm for `confirmId`; rejects on timeout or `fail`. */
  wait(connection: Connection, confirmId: string, sentAt: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending = { confirmId, connection, deadline: sentAt + this.timeoutMs, resolve, reject };
      if (this.timer === null) this.arm(this.timeoutMs);
    });
  }

  /** Resolves the waiting batch when `isConfirm` accepts the frame; returns whether it did. */
  offer(frame: unknown, isConfirm: (frame: unknown, confirmId: string) => boolean): boolean {
    const pending = this.pending;
    if (pending === null || !isConfirm(frame, pending.confirmId)) return false;
    this.pending = null;
    pending.resolve();
    return true;
  }

  /** Rejects the waiting batch with `error` when it was sent on `connection`. */
  fail(connection: Connection, error: unknown): void {
    const pending = this.pending;
    if (pending === null || pending.connection !== connection) return;
    this.pending = null;
    pending.reject(error);
  }

  /** Stops the timer; a waiting batch stays waiting until `fail`. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.check, timerDelay(ms));
    // The connection keeps the process alive while a batch waits; the timer alone must not.
    this.timer.unref();
  }

  private readonly check = (): void => {
    this.timer = null;
    const pending = this.pending;
    if (pending === null) return;
    const left = pending.deadline - performance.now();
    if (left > 0) {
      this.arm(left);
      return;
    }
    this.pending = null;
    pending.reject(this.onTimeout(pending.confirmId, pending.connection));
  };
}
