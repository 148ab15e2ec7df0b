import { CounterAggregate, RateAggregate, TrendAggregate } from '../metrics/aggregate.ts';
import type { ResourcePeak } from './resources.ts';
import { judgeStep, type Slo, type SloVerdict } from './slo.ts';

/**
 * The part of a plan a step belongs to. Capacity is judged over `warmup`, `ramp` and `stage`
 * steps only, so a spike or soak that follows the ramp cannot change it.
 */
export type StepPhase = 'warmup' | 'ramp' | 'spike' | 'soak' | 'stage';

/** Connection outcomes of a step: two counters, or one Rate whose passes are failed attempts. */
export type ConnectionSamples = { attempts: CounterAggregate; failures: CounterAggregate } | RateAggregate;

/**
 * The samples of one stage (step) of a ramping scenario, as aggregates the engine snapshots at the
 * stage's boundaries (for example with `Aggregate.since`). An absent aggregate means the metric
 * had no samples in the stage.
 */
export interface StageSamples {
  /** Position of the stage in its scenario, from 0. */
  index: number;
  /** Name shown in tables and charts, e.g. `warm-up` or `step 3`. */
  label: string;
  /** The scenario the stage belongs to. */
  scenario?: string;
  /** Defaults to `stage`. */
  phase?: StepPhase;
  /** Start of the stage, Unix epoch milliseconds. */
  startMs: number;
  /** End of the stage, Unix epoch milliseconds; rates divide by `endMs - startMs`. */
  endMs: number;
  /** Events per second the executor aimed for; the mean over the stage when the stage ramps. */
  targetEventsPerS: number;
  /** Batches per second aimed for: `targetEventsPerS` divided by the events per batch. */
  targetBatchesPerS: number;
  /** `agent_confirm_duration`: milliseconds from a batch's intended send time to its confirm. */
  confirm?: TrendAggregate;
  /** `agent_batches_confirmed`: one per confirmed batch. */
  batchesConfirmed?: CounterAggregate;
  /** `agent_events_confirmed`: the events of each confirmed batch. */
  eventsConfirmed?: CounterAggregate;
  /** `agent_errors`, split by its `error` tag: error code to counter. */
  errors?: ReadonlyMap<string, CounterAggregate>;
  /** `agent_send_lateness`: milliseconds a batch went out after its intended send time. */
  sendLateness?: TrendAggregate;
  /** `dropped_iterations`: iterations the executor could not start because no VU was free. */
  droppedIterations?: CounterAggregate;
  connections?: ConnectionSamples;
}

/** Confirm latency percentiles of a step, milliseconds. */
export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Everything reported about one stage (step): rates, latency, errors and the SLO verdict. */
export interface StepResult {
  index: number;
  label: string;
  /** The scenario the step belongs to, when known. */
  scenario?: string;
  phase: StepPhase;
  startMs: number;
  endMs: number;
  targetEventsPerS: number;
  targetBatchesPerS: number;
  /** Events confirmed during the step divided by its duration in seconds. */
  achievedEventsPerS: number;
  achievedBatchesPerS: number;
  eventsConfirmed: number;
  batchesConfirmed: number;
  confirmMs: LatencyStats;
  /** Total of `agent_errors` in the step, all codes. */
  errorCount: number;
  /**
   * Errors divided by operations, where an operation is a confirmed batch or an error:
   * `errorCount / (batchesConfirmed + errorCount)`, 0 when both are 0.
   */
  errorRate: number;
  /** Error code to count; codes with no errors in the step are absent. */
  errors: Record<string, number>;
  connectAttempts: number;
  connectFailures: number;
  /** `connectFailures / connectAttempts`, 0 when no connection was attempted. */
  connFailRate: number;
  droppedIterations: number;
  /** Send lateness, milliseconds. */
  sendLatenessMs: { p95: number; max: number };
  slo: SloVerdict;
  /** Peak readings of the system under test during the step, when the run was monitored. */
  resources?: ResourcePeak;
  /** True when the run stopped before the stage's planned end; such a step decides no capacity. */
  partial?: boolean;
}

const EMPTY_TREND = new TrendAggregate();
const EMPTY_COUNTER = new CounterAggregate();

/** Computes one step's statistics from its aggregates and judges them against `slo`. */
export function computeStepResult(samples: StageSamples, slo: Slo): StepResult {
  const durationMs = samples.endMs - samples.startMs;
  const confirm = samples.confirm ?? EMPTY_TREND;
  const lateness = samples.sendLateness ?? EMPTY_TREND;

  const eventsConfirmed = counterTotal(samples.eventsConfirmed);
  const batchesConfirmed = counterTotal(samples.batchesConfirmed);

  const errors: Record<string, number> = {};
  let errorCount = 0;
  for (const [code, counter] of samples.errors ?? []) {
    const count = counterTotal(counter);
    if (count === 0) continue;
    errors[code] = count;
    errorCount += count;
  }

  const { attempts, failures } = connectionCounts(samples.connections);

  const stats = {
    index: samples.index,
    label: samples.label,
    ...(samples.scenario === undefined ? {} : { scenario: samples.scenario }),
    phase: samples.phase ?? 'stage',
    startMs: samples.startMs,
    endMs: samples.endMs,
    targetEventsPerS: samples.targetEventsPerS,
    targetBatchesPerS: samples.targetBatchesPerS,
    achievedEventsPerS: perSecond(eventsConfirmed, durationMs),
    achievedBatchesPerS: perSecond(batchesConfirmed, durationMs),
    eventsConfirmed,
    batchesConfirmed,
    confirmMs: {
      count: confirm.count,
      p50: trendStat(confirm, 'p(50)'),
      p95: trendStat(confirm, 'p(95)'),
      p99: trendStat(confirm, 'p(99)'),
      max: trendStat(confirm, 'max'),
    },
    errorCount,
    errorRate: ratio(errorCount, batchesConfirmed + errorCount),
    errors,
    connectAttempts: attempts,
    connectFailures: failures,
    connFailRate: ratio(failures, attempts),
    droppedIterations: counterTotal(samples.droppedIterations),
    sendLatenessMs: { p95: trendStat(lateness, 'p(95)'), max: trendStat(lateness, 'max') },
  } satisfies Omit<StepResult, 'slo'>;

  return { ...stats, slo: judgeStep(slo, stats) };
}

function connectionCounts(connections: ConnectionSamples | undefined): { attempts: number; failures: number } {
  if (connections === undefined) return { attempts: 0, failures: 0 };
  if (connections instanceof RateAggregate) return { attempts: connections.count, failures: connections.passes };
  return { attempts: counterTotal(connections.attempts), failures: counterTotal(connections.failures) };
}

// A counter's `count` stat is the sum of its sample values, which is what a total means for
// counters such as agent_events_confirmed that add a batch's event count per sample.
function counterTotal(counter: CounterAggregate | undefined): number {
  return (counter ?? EMPTY_COUNTER).stat('count', 0) ?? 0;
}

function trendStat(trend: TrendAggregate, name: string): number {
  return trend.stat(name) ?? 0;
}

function perSecond(total: number, durationMs: number): number {
  return durationMs > 0 ? (total * 1000) / durationMs : 0;
}

function ratio(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}
