import type { Aggregate } from '../aggregate.ts';
import type { Metric, MetricRegistry } from '../registry.ts';
import { parseThresholdsOption, type ThresholdDefinition } from './config.ts';
import { ThresholdConfigError } from './errors.ts';
import { aggregationError } from './expression.ts';
import { WholeRunJudge, type Judge, type ThresholdFailure, type ThresholdResult } from './judge.ts';
import { StageClock, StageJudge } from './stage-window.ts';
import { TimeWindowJudge } from './time-window.ts';

/** A threshold that fails at an evaluation. */
export interface ThresholdStatus {
  /** The summary name of the metric: `metric` or `metric{tag:value}`. */
  readonly metric: string;
  /** The expression, with the window appended for windowed thresholds (`p(95)<500 [stage]`). */
  readonly label: string;
  /** The aggregation the expression judges, e.g. `p(95)`. */
  readonly aggregation: string;
  readonly abortOnFail: boolean;
  /** The window that failed, with the observed value. */
  readonly failure: ThresholdFailure | undefined;
}

/** The outcome of one evaluation. */
export interface ThresholdEvaluation {
  readonly failed: readonly ThresholdStatus[];
  /** Whether an abortOnFail threshold failed after its delayAbortEval: the engine should stop the test. */
  readonly abort: boolean;
  /** The abortOnFail thresholds that requested the abort. */
  readonly abortedBy: readonly ThresholdStatus[];
}

/** Per summary metric name, per threshold label: the outcome. */
export type ThresholdResults = Record<string, Record<string, ThresholdResult>>;

interface Bound {
  readonly definition: ThresholdDefinition;
  readonly judge: Judge;
}

/**
 * The run's thresholds. Times passed in are milliseconds since the start of the test, on the clock that
 * was at 0 when `start()` was called.
 *
 * The constructor checks the syntax of `options.thresholds`. `start()` resolves metric names and declares
 * submetrics, so call it after init has defined the script's metrics and before setup. `evaluate()` runs
 * during the test, `finish()` judges the final state and `results()` feeds the summary.
 */
export class Thresholds {
  readonly definitions: readonly ThresholdDefinition[];
  private bound: Bound[] = [];
  private readonly clock = new StageClock();
  private readonly stageJudges: StageJudge[] = [];

  /** Checks the syntax of `option`; `registry` may instead be given to `start()`. */
  constructor(
    option: unknown,
    private registry?: MetricRegistry,
  ) {
    this.definitions = parseThresholdsOption(option);
  }

  /** Resolves every threshold's metric; throws ThresholdConfigError for an unknown metric or a wrong aggregation. */
  start(registry: MetricRegistry | undefined = this.registry): void {
    if (!registry) throw new TypeError('Thresholds.start() needs the run\'s MetricRegistry, in the constructor or here');
    this.registry = registry;
    const bound: Bound[] = [];
    this.stageJudges.length = 0;
    for (const definition of this.definitions) {
      const { key, expression } = definition;
      const metric = registry.get(key.metric);
      if (!metric) {
        throw new ThresholdConfigError(key.source, expression.source, `no metric named "${key.metric}" is defined; check the name, or define it in the init code`);
      }
      const reason = aggregationError(expression, metric.type);
      if (reason) throw new ThresholdConfigError(key.source, expression.source, reason);
      // A gauge keeps its extremes over the whole run only, so a time window cannot narrow them.
      if (metric.type === 'gauge' && definition.window.kind === 'time' && expression.aggregation !== 'value') {
        throw new ThresholdConfigError(
          key.source,
          expression.source,
          `a gauge's ${expression.aggregation} cannot be judged over a time window, because gauges keep no samples; use "value", or window: "stage"`,
        );
      }

      const hasFilter = Object.keys(key.filter).length > 0;
      const aggregate = hasFilter ? metric.submetric(key.filter).aggregate : metric.root;
      bound.push({ definition, judge: this.judgeFor(definition, metric, aggregate) });
    }
    this.bound = bound;
  }

  /** Judges every threshold now; the engine calls it at least every 2 seconds during the test. */
  evaluate(elapsedMs: number): ThresholdEvaluation {
    const failed: ThresholdStatus[] = [];
    const abortedBy: ThresholdStatus[] = [];
    for (const { definition, judge } of this.bound) {
      const verdict = judge.evaluate(elapsedMs);
      const status = statusOf(definition, verdict.failure);
      if (!verdict.ok) failed.push(status);
      if (verdict.abort) abortedBy.push(status);
    }
    return { failed, abort: abortedBy.length > 0, abortedBy };
  }

  /**
   * Records that a ramping stage began; `stage` is its index. The scenario's previous stage, if the
   * engine did not end it, ends here.
   */
  onStageStart(scenario: string, stage: number | string, elapsedMs: number): void {
    const index = String(stage);
    const previous = this.clock.spans.get(`${scenario}\u0000${Number(index) - 1}`);
    if (previous && previous.endMs === undefined) this.onStageEnd(scenario, previous.stage, elapsedMs);
    this.clock.start(scenario, index, elapsedMs);
  }

  /** Records that a ramping stage ended and judges stage-window thresholds on it. */
  onStageEnd(scenario: string, stage: number | string, elapsedMs: number): void {
    const span = this.clock.end(scenario, String(stage), elapsedMs);
    for (const judge of this.stageJudges) judge.stageEnded(span);
  }

  /** Judges the final state at the end of the test; returns the thresholds that failed. */
  finish(elapsedMs: number): ThresholdEvaluation {
    for (const { judge } of this.bound) judge.finish(elapsedMs);
    const failed: ThresholdStatus[] = [];
    for (const { definition, judge } of this.bound) {
      const result = judge.result();
      if (!result.ok) failed.push(statusOf(definition, result.failures[0]));
    }
    return { failed, abort: false, abortedBy: [] };
  }

  /** Returns the outcome of every threshold, as of the latest evaluation or the finish. */
  results(): ThresholdResults {
    const results: ThresholdResults = {};
    for (const { definition, judge } of this.bound) {
      const forMetric = (results[definition.key.name] ??= {});
      forMetric[definition.label] = judge.result();
    }
    return results;
  }

  private judgeFor(definition: ThresholdDefinition, metric: Metric, aggregate: Aggregate): Judge {
    const window = definition.window;
    if (window.kind === 'time') return new TimeWindowJudge(definition, aggregate, window.ms);
    if (window.kind === 'stage') {
      const judge = new StageJudge(definition, metric, definition.key.filter, this.clock);
      this.stageJudges.push(judge);
      return judge;
    }
    return new WholeRunJudge(definition, aggregate);
  }
}

function statusOf(definition: ThresholdDefinition, failure: ThresholdFailure | undefined): ThresholdStatus {
  const { key, label, expression, abortOnFail } = definition;
  return { metric: key.name, label, aggregation: expression.aggregation, abortOnFail, failure };
}

/** Formats a failed threshold for a log line: `p(95)<500 [stage] on net_confirm_duration: p(95)=612.5 in stage 1 of ramp`. */
export function describeThresholdStatus(status: ThresholdStatus): string {
  let text = `${status.label} on ${status.metric}`;
  const failure = status.failure;
  if (!failure) return text;
  text += `: ${status.aggregation}=${failure.value}`;
  if (failure.stage !== undefined) text += ` in stage ${failure.stage} of ${failure.scenario}`;
  return text;
}
