/**
 * A FIFO of items whose due times never decrease, released by one timer for the head item. The
 * capacity worker finishes batches in order and a constant latency keeps arrival order, so both fit
 * this shape, and a queue of any length costs one pending timer instead of one per batch.
 */
export class TimedQueue<T> {
  private items: T[] = [];
  private dueTimes: number[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly release: (item: T) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** Adds an item due at `dueAt` (ms, same clock as `now`); it must not be earlier than the last one. */
  push(item: T, dueAt: number): void {
    if (this.closed) return;
    this.items.push(item);
    this.dueTimes.push(dueAt);
    if (this.timer === null) this.arm();
  }

  /** Drops every pending item and stops the timer. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.items = [];
    this.dueTimes = [];
    this.head = 0;
  }

  private arm(): void {
    const delay = Math.max(0, Math.ceil(this.dueTimes[this.head]! - this.now()));
    this.timer = setTimeout(this.drain, delay);
  }

  // Releases everything due by now, since a late timer may find several items due at once.
  private readonly drain = (): void => {
    this.timer = null;
    const now = this.now();
    while (!this.closed && this.head < this.items.length && this.dueTimes[this.head]! <= now) {
      const item = this.items[this.head]!;
      this.items[this.head] = undefined as T; // let the item be collected while the array is kept
      this.head++;
      this.release(item);
    }
    if (this.closed) return;
    this.compact();
    if (this.head < this.items.length) this.arm();
  };

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.dueTimes = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.dueTimes = this.dueTimes.slice(this.head);
      this.head = 0;
    }
  }
}
