import type { TrendAggregate } from '../metrics/aggregate.ts';
import type { Metric } from '../metrics/registry.ts';

/** Confirm latency over one short window of a stage; times are Unix epoch milliseconds. */
export interface LatencyWindow {
  scenario: string;
  stage: number;
  startMs: number;
  endMs: number;
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Cuts one scenario's confirm latency into windows of `windowMs`, restarting at every stage start,
 * by snapshotting the scenario's part of a breakdown by `scenario` and subtracting the previous
 * snapshot. It needs no per-sample work, so it costs the same at any rate.
 */
export class LatencyWindows {
  readonly windows: LatencyWindow[] = [];
  private previous: TrendAggregate | undefined;
  private stage: number | undefined;
  private openedAtMs = 0;

  constructor(
    private readonly metric: Metric,
    private readonly scenario: string,
  ) {}

  /** Starts a new window series at a stage start. */
  open(stage: number, atMs: number): void {
    this.stage = stage;
    this.openedAtMs = atMs;
    this.previous = this.current()?.copy();
  }

  /** Closes the window that ends at `atMs` and starts the next one. */
  cut(atMs: number): void {
    if (this.stage === undefined || atMs <= this.openedAtMs) return;
    const now = this.current();
    let window: TrendAggregate | undefined;
    if (now !== undefined) window = this.previous === undefined ? now.copy() : now.since(this.previous);
    this.windows.push({
      scenario: this.scenario,
      stage: this.stage,
      startMs: this.openedAtMs,
      endMs: atMs,
      count: window?.count ?? 0,
      p50: window?.percentile(50) ?? 0,
      p95: window?.percentile(95) ?? 0,
      p99: window?.percentile(99) ?? 0,
    });
    this.openedAtMs = atMs;
    this.previous = now?.copy();
  }

  /** Closes the open window when it has lasted `windowMs`. */
  tick(atMs: number, windowMs: number): void {
    if (atMs - this.openedAtMs >= windowMs) this.cut(atMs);
  }

  /** Closes the last window of a stage. */
  close(atMs: number): void {
    this.cut(atMs);
    this.stage = undefined;
  }

  private current(): TrendAggregate | undefined {
    const breakdown = this.metric.breakdowns.find((b) => b.tagNames.length === 1 && b.tagNames[0] === 'scenario');
    for (const part of breakdown?.parts.values() ?? []) {
      if (part.tags.scenario === this.scenario) return part.aggregate as TrendAggregate;
    }
    return undefined;
  }
}
