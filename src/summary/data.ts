import type { Aggregate } from '../metrics/aggregate.ts';
import type { GroupNode } from '../metrics/checks.ts';
import { submetricName, type Metric, type MetricRegistry } from '../metrics/registry.ts';
import type { ThresholdResults } from '../metrics/thresholds/thresholds.ts';
import { DEFAULT_TREND_STATS, type MetricType, type MetricValues, type ValueType } from '../metrics/types.ts';
import type { StepResult } from '../report/steps.ts';

/** One metric or submetric of the summary, in k6's shape. */
export interface SummaryMetric {
  type: MetricType;
  contains: ValueType;
  /** Counter: count, rate. Gauge: value, min, max. Rate: rate, passes, fails. Trend: the summaryTrendStats. */
  values: MetricValues;
  /** Per threshold expression, whether it passed; absent when the metric has no thresholds. */
  thresholds?: Record<string, { ok: boolean }>;
}

/** frameload's additions, kept under their own key so the k6 fields keep k6's exact shape. */
export interface FrameloadSummary {
  /** Peers (`host:port`) that connections reached with TLS certificate verification off. */
  tls_verification: { disabled_for: string[] };
  /** Per metric, per threshold: the observed value, the window, and the stages or spans that failed. */
  thresholds: ThresholdResults;
  /** Per-step results of a ramping plan, when the scenario reports them. */
  steps?: StepResult[];
}

/** The object k6 v1 passes to `handleSummary` and writes with `--summary-export`. */
export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  root_group: GroupNode;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  frameload: FrameloadSummary;
}

export interface SummaryInput {
  registry: MetricRegistry;
  /** The check tree's snapshot. */
  rootGroup: GroupNode;
  /** Threshold outcomes after the final evaluation. */
  thresholds?: ThresholdResults;
  options: { summaryTrendStats?: readonly string[]; summaryTimeUnit?: string; noColor?: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  insecureTlsPeers?: Iterable<string>;
  steps?: readonly StepResult[];
}

/**
 * Builds the summary data. A metric is listed when it has samples or thresholds. Submetrics are
 * listed under their k6 names (`metric{tag:value}`) when declared, by a threshold or otherwise, and for
 * every tag value of a visible breakdown. Hidden breakdowns, such as the per-stage ones of stage-window
 * thresholds, are not listed. Counter rates are per second over the whole test run.
 */
export function buildSummaryData(input: SummaryInput): SummaryData {
  const stats = [...(input.options.summaryTrendStats ?? DEFAULT_TREND_STATS)];
  const durationMs = input.state.testRunDurationMs;
  const thresholds = input.thresholds ?? {};
  const entries: [string, SummaryMetric][] = [];

  const add = (name: string, metric: Metric, aggregate: Aggregate): void => {
    const verdicts = thresholds[name];
    if (aggregate.count === 0 && !verdicts) return;
    const entry: SummaryMetric = { type: metric.type, contains: metric.contains, values: aggregate.values(stats, durationMs) };
    if (verdicts) entry.thresholds = Object.fromEntries(Object.entries(verdicts).map(([label, r]) => [label, { ok: r.ok }]));
    entries.push([name, entry]);
  };

  for (const metric of input.registry.metrics.values()) {
    add(metric.name, metric, metric.root);
    const listed = new Set<string>();
    for (const sub of metric.submetrics.values()) {
      add(sub.name, metric, sub.aggregate);
      listed.add(sub.name);
    }
    for (const breakdown of metric.breakdowns) {
      if (!breakdown.visible) continue;
      for (const part of breakdown.parts.values()) {
        const name = submetricName(metric.name, part.tags);
        if (listed.has(name)) continue;
        listed.add(name);
        add(name, metric, part.aggregate);
      }
    }
  }

  entries.sort(([a], [b]) => compareMetricNames(a, b));
  const frameload: FrameloadSummary = {
    tls_verification: { disabled_for: [...new Set(input.insecureTlsPeers ?? [])].sort() },
    thresholds,
  };
  if (input.steps) frameload.steps = [...input.steps];

  return {
    metrics: Object.fromEntries(entries),
    root_group: input.rootGroup,
    options: {
      summaryTrendStats: stats,
      summaryTimeUnit: input.options.summaryTimeUnit ?? '',
      noColor: input.options.noColor ?? false,
    },
    state: { ...input.state },
    frameload,
  };
}

/** Orders metric names, keeping each metric's submetrics right after it as k6's summary does. */
export function compareMetricNames(a: string, b: string): number {
  const parentA = a.split('{', 1)[0]!;
  const parentB = b.split('{', 1)[0]!;
  if (parentA !== parentB) return parentA < parentB ? -1 : 1;
  const restA = a.slice(parentA.length);
  const restB = b.slice(parentB.length);
  if (restA === restB) return 0;
  return restA < restB ? -1 : 1;
}
