import type { Aggregate } from '../aggregate.ts';
import type { ThresholdDefinition } from './config.ts';
import { satisfies } from './expression.ts';

/** A window in which a threshold failed. Times are milliseconds since the start of the test. */
export interface ThresholdFailure {
  /** The observed value of the aggregation (the worst one, for a time window failing several times in a row). */
  readonly value: number;
  /** The scenario and the stage index, for stage windows. */
  readonly scenario?: string;
  readonly stage?: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/** The outcome of one threshold, for the summary. */
export interface ThresholdResult {
  readonly ok: boolean;
  readonly aggregation: string;
  /** `all`, `stage` or the time window as written (`30s`). */
  readonly window: string;
  /**
   * The observed value: over the whole run for `all`, the worst one over the windows judged otherwise
   * (the highest for `<` and `<=`, the lowest for `>` and `>=`). Undefined when nothing was judged.
   */
  readonly value: number | undefined;
  /** How many windows were judged: stages, or evaluations of a time window. 1 for the whole run. */
  readonly judged: number;
  readonly failures: readonly ThresholdFailure[];
}

/** A threshold's state at one evaluation during the run. */
export interface Verdict {
  readonly ok: boolean;
  readonly value: number | undefined;
  /** Whether this evaluation observed a failure that an abortOnFail threshold should act on. */
  readonly abort: boolean;
  readonly failure?: ThresholdFailure;
}

/** Judges one threshold over its window kind. */
export interface Judge {
  evaluate(elapsedMs: number): Verdict;
  /** Judges the final state; `result()` is authoritative afterwards. */
  finish(elapsedMs: number): void;
  result(): ThresholdResult;
}

/** Measures the threshold's aggregation on `aggregate`; `durationMs` is the span, for counter rates. */
export function measure(definition: ThresholdDefinition, aggregate: Aggregate, durationMs: number): number {
  // The aggregation was checked against the metric type at start, so stat() returns a number for it.
  return aggregate.stat(definition.expression.aggregation, durationMs) ?? Number.NaN;
}

/** Returns the worse of two observed values for the expression's operator. */
export function worse(definition: ThresholdDefinition, a: number | undefined, b: number): number {
  if (a === undefined) return b;
  switch (definition.expression.operator) {
    case '<':
    case '<=':
      return Math.max(a, b);
    case '>':
    case '>=':
      return Math.min(a, b);
    default:
      return satisfies(definition.expression, b) ? a : b;
  }
}

/** k6's threshold: every sample since the start, judged again at each evaluation. */
export class WholeRunJudge implements Judge {
  private value: number | undefined;
  private ok = true;
  private endMs = 0;

  constructor(
    private readonly definition: ThresholdDefinition,
    private readonly aggregate: Aggregate,
  ) {}

  evaluate(elapsedMs: number): Verdict {
    this.judge(elapsedMs);
    const abort = !this.ok && this.definition.abortOnFail && elapsedMs >= this.definition.delayAbortEvalMs;
    return { ok: this.ok, value: this.value, abort };
  }

  finish(elapsedMs: number): void {
    this.judge(elapsedMs);
  }

  result(): ThresholdResult {
    const failures = this.ok || this.value === undefined ? [] : [{ value: this.value, fromMs: 0, toMs: this.endMs }];
    return { ok: this.ok, aggregation: this.definition.expression.aggregation, window: 'all', value: this.value, judged: this.value === undefined ? 0 : 1, failures };
  }

  private judge(elapsedMs: number): void {
    this.value = measure(this.definition, this.aggregate, elapsedMs);
    this.ok = satisfies(this.definition.expression, this.value);
    this.endMs = elapsedMs;
  }
}
