/**
 * Events confirmed per second over a sliding window: a counter is sampled once a second and the rate
 * is the difference between the newest and the oldest sample of the window, divided by their distance.
 * Before the first full second it reports 0.
 */
export class EventRate {
  private readonly times: number[] = [];
  private readonly counts: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly readCount: () => number,
    private readonly windowSeconds = 5,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref(); // sampling alone must not keep the process alive
  }

  /** Events per second between the oldest and newest sample in the window. */
  get perSecond(): number {
    const last = this.times.length - 1;
    if (last < 1) return 0;
    const seconds = (this.times[last]! - this.times[0]!) / 1000;
    return (this.counts[last]! - this.counts[0]!) / seconds;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Records the counter now; the timer calls it every second. */
  sample(): void {
    this.times.push(this.now());
    this.counts.push(this.readCount());
    if (this.times.length > this.windowSeconds + 1) {
      this.times.shift();
      this.counts.shift();
    }
  }
}
