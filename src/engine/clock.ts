import { timerDelay } from './timer-delay.ts';

/**
 * Time as the executors see it, in milliseconds from an arbitrary origin. The real clock uses the
 * monotonic `performance.now()`; tests drive a `ManualClock` and advance it step by step.
 */
export interface Clock {
  now(): number;
  /**
   * Resolves at or after `atMs`; `signal` ends the wait early (resolving, not rejecting).
   * NOTE: the real clock keeps one 'abort' listener on each signal it saw. Node keeps a signal made by
   * AbortSignal.any or AbortSignal.timeout in memory while it has a listener, so pass such a signal
   * only if it aborts in the end. The executors pass their own AbortControllers' signals.
   */
  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void>;
}

/** A sleep waiting on a signal, linked with the other sleeps on the same signal. */
interface Sleeper {
  readonly wake: () => void;
  prev: Sleeper | null;
  next: Sleeper | null;
}

/**
 * The sleeps waiting on one signal, woken together by the signal's one 'abort' listener. Adding and
 * removing an EventTarget listener for every sleep of an executor's loop cost far more. The list is
 * linked through the sleeps themselves, because a Set that keeps emptying out reallocates its table.
 */
class SleeperList {
  private first: Sleeper | null = null;
  private last: Sleeper | null = null;

  /** Appends a sleep, so that an abort wakes the sleeps in the order they started. */
  add(sleeper: Sleeper): void {
    sleeper.prev = this.last;
    if (this.last !== null) this.last.next = sleeper;
    else this.first = sleeper;
    this.last = sleeper;
  }

  /** Unlinks a sleep, or does nothing when it is no longer in the list. */
  remove(sleeper: Sleeper): void {
    if (sleeper.prev === null && this.first !== sleeper) return;
    if (sleeper.prev !== null) sleeper.prev.next = sleeper.next;
    else this.first = sleeper.next;
    if (sleeper.next !== null) sleeper.next.prev = sleeper.prev;
    else this.last = sleeper.prev;
    sleeper.prev = null;
    sleeper.next = null;
  }

  wakeAll(): void {
    let sleeper = this.first;
    this.first = null;
    this.last = null;
    while (sleeper !== null) {
      const next = sleeper.next;
      sleeper.prev = null;
      sleeper.next = null;
      sleeper.wake();
      sleeper = next;
    }
  }
}

const sleepersBySignal = new WeakMap<AbortSignal, SleeperList>();

function sleepersOf(signal: AbortSignal): SleeperList {
  let sleepers = sleepersBySignal.get(signal);
  if (sleepers === undefined) {
    const list = new SleeperList();
    sleepersBySignal.set(signal, list);
    signal.addEventListener('abort', () => list.wakeAll(), { once: true });
    sleepers = list;
  }
  return sleepers;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleepUntil(atMs, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleepers = signal === undefined ? undefined : sleepersOf(signal);
      let timer: NodeJS.Timeout | undefined;
      const sleeper: Sleeper = {
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
        prev: null,
        next: null,
      };
      const wait = (): void => {
        const left = atMs - performance.now();
        // NaN counts as due: a sleep that never ends would hang its executor.
        if (!(left > 0)) {
          sleepers?.remove(sleeper);
          return resolve();
        }
        // Node timers have millisecond resolution and count from the event loop's cached time, so
        // they may wake a fraction early relative to performance.now() and the remainder is
        // re-checked. timerDelay rounds up, which makes that rare, since each early wake costs an
        // event-loop turn. Only the last 50 µs are spun on with setImmediate: spinning for whole
        // sub-millisecond gaps would keep a core busy at rates around 1,000 per second, at the price
        // of up to about 1 ms of lateness.
        timer = left < 0.05 ? (setImmediate(wait) as unknown as NodeJS.Timeout) : setTimeout(wait, timerDelay(left));
      };
      sleepers?.add(sleeper);
      wait();
    });
  },
};

interface PendingSleep {
  atMs: number;
  resolve: () => void;
}

/** A clock that moves only when a test calls `advanceTo` or `advanceBy`. */
export class ManualClock implements Clock {
  private current = 0;
  private pending: PendingSleep[] = [];

  now(): number {
    return this.current;
  }

  sleepUntil(atMs: number, signal?: AbortSignal): Promise<void> {
    if (atMs <= this.current || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.pending = this.pending.filter((p) => p !== entry);
        resolve();
      };
      const entry: PendingSleep = {
        atMs,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.pending.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward to `atMs`, waking sleepers in time order and letting their work settle. */
  async advanceTo(atMs: number): Promise<void> {
    await settle();
    for (;;) {
      this.pending.sort((a, b) => a.atMs - b.atMs);
      const next = this.pending[0];
      if (!next || next.atMs > atMs) break;
      this.pending.shift();
      this.current = Math.max(this.current, next.atMs);
      next.resolve();
      await settle();
    }
    this.current = Math.max(this.current, atMs);
    await settle();
  }

  advanceBy(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }
}

/** Lets pending promise chains and immediates run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((r) => setImmediate(r));
}
