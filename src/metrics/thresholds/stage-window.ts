import { newAggregate, type Aggregate } from '../aggregate.ts';
import type { Breakdown, Metric, TagFilter } from '../registry.ts';
import type { ThresholdDefinition } from './config.ts';
import { satisfies } from './expression.ts';
import { measure, worse, type Judge, type ThresholdFailure, type ThresholdResult, type Verdict } from './judge.ts';

/** The span of one ramping stage of one scenario, in milliseconds since the start of the test. */
export interface StageSpan {
  readonly scenario: string;
  readonly stage: string;
  startMs: number;
  endMs: number | undefined;
}

/** Start and end times of every stage the engine reported, shared by all stage-window thresholds. */
export class StageClock {
  readonly spans = new Map<string, StageSpan>();

  start(scenario: string, stage: string, elapsedMs: number): void {
    const span = this.get(scenario, stage, elapsedMs);
    span.startMs = elapsedMs;
  }

  end(scenario: string, stage: string, elapsedMs: number): StageSpan {
    const span = this.get(scenario, stage, elapsedMs);
    span.endMs = elapsedMs;
    return span;
  }

  /**
   * Returns the span, creating it when the engine did not report the stage's start.
   * NOTE: such a stage is taken to start where the scenario's previous stage ended, stage 0 at the start
   * of the test, and any other at `elapsedMs`. Counter rates over it are only as exact as that guess.
   */
  get(scenario: string, stage: string, elapsedMs: number): StageSpan {
    const key = `${scenario}\u0000${stage}`;
    let span = this.spans.get(key);
    if (!span) {
      const previous = this.spans.get(`${scenario}\u0000${Number(stage) - 1}`);
      const startMs = previous?.endMs ?? (stage === '0' ? 0 : elapsedMs);
      span = { scenario, stage, startMs, endMs: undefined };
      this.spans.set(key, span);
    }
    return span;
  }
}

/**
 * Judges a threshold on each stage's own samples, read from a hidden breakdown of the metric by
 * `scenario`, `stage` and the submetric's tags. A failure in any stage fails the threshold.
 *
 * A stage that is still running is judged at each evaluation once it has run for delayAbortEval, so an
 * abortOnFail threshold can stop a breakpoint test inside the stage that breaks. That verdict is
 * provisional. A completed stage is judged when it ends and again at the finish, when late samples of
 * iterations that started inside it have arrived. Stages without samples are not judged, because
 * ramping plans often have zero-length stages.
 */
export class StageJudge implements Judge {
  private readonly breakdown: Breakdown;
  private readonly verdicts = new Map<StageSpan, { ok: boolean; value: number }>();
  private pendingAbort: ThresholdFailure | undefined;

  constructor(
    private readonly definition: ThresholdDefinition,
    metric: Metric,
    private readonly filter: TagFilter,
    private readonly clock: StageClock,
  ) {
    const tagNames = [...new Set(['scenario', 'stage', ...Object.keys(filter)])];
    this.breakdown = metric.breakdown(tagNames, false);
  }

  /** Judges a stage that just ended; a failure aborts at the next evaluation when abortOnFail is set. */
  stageEnded(span: StageSpan): void {
    const failure = this.judge(span, span.endMs ?? span.startMs);
    if (failure && this.definition.abortOnFail) this.pendingAbort ??= failure;
  }

  evaluate(elapsedMs: number): Verdict {
    this.discoverStages(elapsedMs);
    let abortFailure = this.pendingAbort;
    this.pendingAbort = undefined;
    let currentFailure: ThresholdFailure | undefined;

    for (const span of this.clock.spans.values()) {
      if (span.endMs !== undefined || elapsedMs - span.startMs < this.definition.delayAbortEvalMs) continue;
      const failure = this.judge(span, elapsedMs);
      if (failure) {
        currentFailure ??= failure;
        if (this.definition.abortOnFail) abortFailure ??= failure;
      }
    }

    const result = this.result();
    return {
      ok: result.ok && currentFailure === undefined,
      value: result.value,
      abort: abortFailure !== undefined,
      failure: abortFailure ?? currentFailure ?? result.failures[0],
    };
  }

  finish(elapsedMs: number): void {
    this.discoverStages(elapsedMs);
    this.verdicts.clear();
    for (const span of this.clock.spans.values()) {
      span.endMs ??= elapsedMs;
      this.judge(span, span.endMs);
    }
  }

  result(): ThresholdResult {
    let value: number | undefined;
    const failures: ThresholdFailure[] = [];
    for (const [span, verdict] of this.verdicts) {
      value = worse(this.definition, value, verdict.value);
      // Only completed stages count here; a running stage's verdict is provisional.
      if (!verdict.ok && span.endMs !== undefined) failures.push(this.failureOf(span, verdict.value, span.endMs));
    }
    return {
      ok: failures.length === 0,
      aggregation: this.definition.expression.aggregation,
      window: 'stage',
      value,
      judged: this.verdicts.size,
      failures,
    };
  }

  /** Records the stage's verdict over [startMs, untilMs]; returns the failure, if any. */
  private judge(span: StageSpan, untilMs: number): ThresholdFailure | undefined {
    const aggregate = this.stageAggregate(span);
    if (aggregate.count === 0) return undefined;
    const value = measure(this.definition, aggregate, untilMs - span.startMs);
    const ok = satisfies(this.definition.expression, value);
    this.verdicts.set(span, { ok, value });
    return ok ? undefined : this.failureOf(span, value, untilMs);
  }

  private failureOf(span: StageSpan, value: number, toMs: number): ThresholdFailure {
    return { value, scenario: span.scenario, stage: span.stage, fromMs: span.startMs, toMs };
  }

  private stageAggregate(span: StageSpan): Aggregate {
    const total = newAggregate(this.breakdown.metric.type);
    for (const part of this.breakdown.parts.values()) {
      if (part.tags.scenario !== span.scenario || part.tags.stage !== span.stage) continue;
      if (!matches(part.tags, this.filter)) continue;
      total.merge(part.aggregate);
    }
    return total;
  }

  private discoverStages(elapsedMs: number): void {
    for (const part of this.breakdown.parts.values()) this.clock.get(part.tags.scenario!, part.tags.stage!, elapsedMs);
  }
}

function matches(tags: Readonly<Record<string, string>>, filter: TagFilter): boolean {
  for (const key in filter) if (tags[key] !== filter[key]) return false;
  return true;
}
