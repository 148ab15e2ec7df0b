import type { MetricRegistry } from '../registry.ts';
import { Thresholds, type ThresholdEvaluation, type ThresholdResults } from './thresholds.ts';

/**
 * Thresholds in the shape the run loop drives: `evaluate()` returns whether to abort and `finish()`
 * whether every threshold passed. The full evaluations stay readable for log lines and the summary.
 */
export class EngineThresholds {
  readonly thresholds: Thresholds;
  /** The latest evaluation during the run, with the thresholds that failed and requested the abort. */
  lastEvaluation: ThresholdEvaluation | undefined;
  /** The evaluation made by `finish()`. */
  finalEvaluation: ThresholdEvaluation | undefined;

  /** Checks the syntax of `options.thresholds`; throws ThresholdConfigError. */
  constructor(option: unknown) {
    this.thresholds = new Thresholds(option);
  }

  start(registry: MetricRegistry): void {
    this.thresholds.start(registry);
  }

  evaluate(elapsedMs: number): boolean {
    this.lastEvaluation = this.thresholds.evaluate(elapsedMs);
    return this.lastEvaluation.abort;
  }

  onStageStart(scenario: string, stage: number, elapsedMs: number): void {
    this.thresholds.onStageStart(scenario, stage, elapsedMs);
  }

  onStageEnd(scenario: string, stage: number, elapsedMs: number): void {
    this.thresholds.onStageEnd(scenario, stage, elapsedMs);
  }

  finish(elapsedMs: number): boolean {
    this.finalEvaluation = this.thresholds.finish(elapsedMs);
    return this.finalEvaluation.failed.length === 0;
  }

  results(): ThresholdResults {
    return this.thresholds.results();
  }
}
