import type { Aggregate, CounterAggregate, RateAggregate, TrendAggregate } from '../metrics/aggregate.ts';
import type { Metric, MetricRegistry } from '../metrics/registry.ts';
import type { MetricType, ValueType } from '../metrics/types.ts';
import type { StageSamples } from './steps.ts';

/** The metrics a step result reads, with the type and contents their producers define them with. */
const STEP_METRICS = {
  confirm: { name: 'agent_confirm_duration', type: 'trend', contains: 'time' },
  batchesConfirmed: { name: 'agent_batches_confirmed', type: 'counter', contains: 'default' },
  eventsConfirmed: { name: 'agent_events_confirmed', type: 'counter', contains: 'default' },
  errors: { name: 'agent_errors', type: 'counter', contains: 'default' },
  sendLateness: { name: 'agent_send_lateness', type: 'trend', contains: 'time' },
  droppedIterations: { name: 'dropped_iterations', type: 'counter', contains: 'default' },
  connectFailed: { name: 'agent_connect_failed', type: 'rate', contains: 'default' },
} as const satisfies Record<string, { name: string; type: MetricType; contains: ValueType }>;

const STAGE_TAGS = ['scenario', 'stage'] as const;
const STAGE_ERROR_TAGS = ['scenario', 'stage', 'error'] as const;

/** A stage as the executor ran it: everything a step result needs besides the samples. */
export type StageInfo = Omit<StageSamples, 'confirm' | 'batchesConfirmed' | 'eventsConfirmed' | 'errors' | 'sendLateness' | 'droppedIterations' | 'connections'>;

/**
 * Declares hidden breakdowns of the step metrics by the `scenario` and `stage` tags, so every
 * stage's samples collect in their own aggregates. Call it before the first sample is recorded.
 * A sample recorded without a `stage` tag, such as a connect in a non-ramping scenario, feeds no stage.
 */
export function trackStages(registry: MetricRegistry): void {
  for (const spec of Object.values(STEP_METRICS)) {
    const metric = registry.define(spec.name, spec.type, spec.contains);
    metric.breakdown(spec === STEP_METRICS.errors ? STAGE_ERROR_TAGS : STAGE_TAGS, false);
  }
}

/** Reads one stage's aggregates from the breakdowns `trackStages` declared. */
export function stageSamplesFromRegistry(registry: MetricRegistry, scenario: string, stage: StageInfo): StageSamples {
  const stageTag = String(stage.index);
  const read = <A extends Aggregate>(name: string): A | undefined => {
    const metric = registry.get(name);
    return metric ? (stagePart(metric, STAGE_TAGS, [scenario, stageTag]) as A | undefined) : undefined;
  };

  const errors = new Map<string, CounterAggregate>();
  const errorBreakdown = registry.get(STEP_METRICS.errors.name)?.breakdowns.find((b) => b.tagNames.join(',') === STAGE_ERROR_TAGS.join(','));
  for (const part of errorBreakdown?.parts.values() ?? []) {
    if (part.tags.scenario === scenario && part.tags.stage === stageTag) errors.set(part.tags.error!, part.aggregate as CounterAggregate);
  }

  const samples: StageSamples = { ...stage, errors };
  const confirm = read<TrendAggregate>(STEP_METRICS.confirm.name);
  const batchesConfirmed = read<CounterAggregate>(STEP_METRICS.batchesConfirmed.name);
  const eventsConfirmed = read<CounterAggregate>(STEP_METRICS.eventsConfirmed.name);
  const sendLateness = read<TrendAggregate>(STEP_METRICS.sendLateness.name);
  const droppedIterations = read<CounterAggregate>(STEP_METRICS.droppedIterations.name);
  const connections = read<RateAggregate>(STEP_METRICS.connectFailed.name);
  if (confirm) samples.confirm = confirm;
  if (batchesConfirmed) samples.batchesConfirmed = batchesConfirmed;
  if (eventsConfirmed) samples.eventsConfirmed = eventsConfirmed;
  if (sendLateness) samples.sendLateness = sendLateness;
  if (droppedIterations) samples.droppedIterations = droppedIterations;
  if (connections) samples.connections = connections;
  return samples;
}

function stagePart(metric: Metric, tagNames: readonly string[], values: readonly string[]): Aggregate | undefined {
  const breakdown = metric.breakdowns.find((b) => b.tagNames.join(',') === tagNames.join(','));
  for (const part of breakdown?.parts.values() ?? []) {
    if (tagNames.every((name, i) => part.tags[name] === values[i])) return part.aggregate;
  }
  return undefined;
}
