import type { Aggregate } from '../aggregate.ts';
import type { ThresholdDefinition } from './config.ts';
import { satisfies } from './expression.ts';
import { measure, worse, type Judge, type ThresholdFailure, type ThresholdResult, type Verdict } from './judge.ts';

/** Failure episodes listed per threshold; a later episode still fails the threshold but is not listed. */
const MAX_FAILURES = 20;

/**
 * Judges a threshold on the last `windowMs` milliseconds at each evaluation. The aggregate is copied
 * at every evaluation, and the window is the current aggregate minus the latest copy taken at least
 * `windowMs` ago, so it spans between `windowMs` and `windowMs` plus one evaluation interval.
 *
 * Windows are judged only once the test has run for `windowMs`, because a partial window would judge
 * a few early samples as if they were a full window. A test shorter than the window is judged once, on
 * all its samples, at the finish. A failure in any window fails the threshold; consecutive failing
 * evaluations form one failure episode.
 */
export class TimeWindowJudge implements Judge {
  private snapshots: { atMs: number; aggregate: Aggregate }[];
  private value: number | undefined;
  private judged = 0;
  private readonly failures: ThresholdFailure[] = [];
  /** Whether the last listed failure is still going on, so a failing evaluation extends it. */
  private episodeOpen = false;

  constructor(
    private readonly definition: ThresholdDefinition,
    private readonly aggregate: Aggregate,
    private readonly windowMs: number,
  ) {
    this.snapshots = [{ atMs: 0, aggregate: aggregate.copy() }];
  }

  evaluate(elapsedMs: number): Verdict {
    let failure: ThresholdFailure | undefined;
    if (elapsedMs >= this.windowMs) failure = this.judgeWindow(elapsedMs);
    this.snapshots.push({ atMs: elapsedMs, aggregate: this.aggregate.copy() });

    const abort = failure !== undefined && this.definition.abortOnFail && elapsedMs >= this.definition.delayAbortEvalMs;
    return { ok: this.failures.length === 0, value: this.value, abort, failure: failure ?? this.failures[0] };
  }

  finish(elapsedMs: number): void {
    if (this.judged === 0 || elapsedMs >= this.windowMs) this.judgeWindow(elapsedMs);
  }

  result(): ThresholdResult {
    return {
      ok: this.failures.length === 0,
      aggregation: this.definition.expression.aggregation,
      window: this.definition.window.kind === 'time' ? this.definition.window.source : `${this.windowMs}ms`,
      value: this.value,
      judged: this.judged,
      failures: [...this.failures],
    };
  }

  private judgeWindow(elapsedMs: number): ThresholdFailure | undefined {
    // The base is the latest snapshot at least one window old; older ones are never needed again.
    let baseIndex = 0;
    for (let i = 0; i < this.snapshots.length; i++) if (this.snapshots[i]!.atMs <= elapsedMs - this.windowMs) baseIndex = i;
    this.snapshots = this.snapshots.slice(baseIndex);
    const base = this.snapshots[0]!;

    const observed = measure(this.definition, this.aggregate.since(base.aggregate), elapsedMs - base.atMs);
    this.judged++;
    this.value = worse(this.definition, this.value, observed);
    if (satisfies(this.definition.expression, observed)) {
      this.episodeOpen = false;
      return undefined;
    }

    const last = this.failures.at(-1);
    if (this.episodeOpen && last) {
      const episode = { value: worse(this.definition, last.value, observed), fromMs: last.fromMs, toMs: elapsedMs };
      this.failures[this.failures.length - 1] = episode;
    } else if (this.failures.length < MAX_FAILURES) {
      this.failures.push({ value: observed, fromMs: base.atMs, toMs: elapsedMs });
      this.episodeOpen = true;
    }
    return { value: observed, fromMs: base.atMs, toMs: elapsedMs };
  }
}
