import { ConfigError } from '../engine/errors.ts';
import type { ScenarioConfig } from '../engine/options.ts';
import type { ResolvedOptions } from '../engine/options.ts';
import type { Run, RunObserver } from '../engine/run.ts';
import type { ScenarioState } from '../engine/scenario-state.ts';
import { timerDelay } from '../engine/timer-delay.ts';
import type { CounterAggregate } from '../metrics/aggregate.ts';
import type { MetricRegistry } from '../metrics/registry.ts';
import type { ResourceSeries } from '../monitor/types.ts';
import { sloOf, type SloOptions } from './options.ts';
import { measureRecovery, type RecoveryResult } from './recovery.ts';
import { peakInWindow } from './resources.ts';
import { stageSamplesFromRegistry, trackStages } from './stage-samples.ts';
import { computeStepResult, type StepPhase, type StepResult } from './steps.ts';
import { LatencyWindows } from './windows.ts';

type RampingConfig = Extract<ScenarioConfig, { executor: 'ramping-vus' | 'ramping-arrival-rate' }>;

/** Used for target events/s when the run confirmed no batch to measure a batch size from: the agent's default. */
export const FALLBACK_EVENTS_PER_BATCH = 100;

const RAMP_PHASES: ReadonlySet<StepPhase> = new Set(['warmup', 'ramp', 'stage']);
const PARTIAL_TOLERANCE_MS = 100;

export interface StepCollectorOptions {
  /** Length of the confirm latency windows used to time a spike's recovery, milliseconds. Default 1000. */
  windowMs?: number;
}

interface Collected {
  result: StepResult;
  targetBatchesPerS: number;
}

/**
 * Follows every ramping scenario (ramping-vus and ramping-arrival-rate) of a run and turns each of
 * its stages into a step result judged against the `slo` option. Results are computed the moment a
 * stage ends, from that stage's samples only, so confirms that arrive during the graceful stop do
 * not leak into the last step. Zero-duration stages, which plans use to jump the rate, are skipped.
 *
 * With `slo.stopAfterBreach`, the first warm-up, ramp or plain stage that breaches ends the test
 * gracefully through `Run.finishEarly`.
 */
export class StepCollector implements RunObserver {
  private registry: MetricRegistry | undefined;
  private options: ResolvedOptions | undefined;
  private run: Run | undefined;
  private readonly starts = new Map<string, number>();
  private readonly collected: Collected[] = [];
  private readonly windows = new Map<string, LatencyWindows>();
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  readonly windowMs: number;

  constructor(options: StepCollectorOptions = {}) {
    this.windowMs = options.windowMs ?? 1000;
  }

  onStart(context: { registry: MetricRegistry; options: ResolvedOptions; run: Run }): void {
    const { registry, options, run } = context;
    this.registry = registry;
    this.options = options;
    this.run = run;
    const ramping = options.scenarios.filter(isRamping);
    const wanted = options.slo.scenario;
    if (wanted !== undefined && !ramping.some((s) => s.name === wanted)) {
      throw new ConfigError('slo.scenario', `expected the name of a ramping-vus or ramping-arrival-rate scenario, got ${JSON.stringify(wanted)}`);
    }
    if (ramping.length === 0) return;

    trackStages(registry);
    const confirm = registry.define('agent_confirm_duration', 'trend', 'time');
    confirm.breakdown(['scenario'], false);
    for (const s of ramping) this.windows.set(s.name, new LatencyWindows(confirm, s.name));
    // Ticks at a fifth of the window, so windows last windowMs to 1.2 × windowMs from each stage start.
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const w of this.windows.values()) w.tick(now, this.windowMs);
    }, timerDelay(this.windowMs / 5));
    this.timer.unref();
  }

  onStageStart(scenario: ScenarioState, stage: number, _elapsedMs: number, atMs: number): void {
    if (!isRamping(scenario.config)) return;
    this.starts.set(key(scenario.name, stage), atMs);
    this.windows.get(scenario.name)?.open(stage, atMs);
  }

  onStageEnd(scenario: ScenarioState, stage: number, _elapsedMs: number, atMs: number): void {
    const config = scenario.config;
    if (!isRamping(config) || this.registry === undefined || this.options === undefined) return;
    this.windows.get(scenario.name)?.close(atMs);
    const startMs = this.starts.get(key(scenario.name, stage));
    if (startMs === undefined || config.stages[stage]!.durationMs === 0 || atMs <= startMs) return;

    const named = this.options.report.stages[scenario.name]?.[stage] ?? {};
    const targetBatchesPerS = targetBatchRate(config, stage);
    // A stage ends within a few milliseconds of its planned end unless the run was stopped.
    const partial = atMs - startMs < config.stages[stage]!.durationMs - PARTIAL_TOLERANCE_MS;
    const label = named.label ?? defaultLabel(config, stage);
    const samples = stageSamplesFromRegistry(this.registry, scenario.name, {
      index: stage,
      label: partial ? `${label} (partial)` : label,
      phase: named.phase ?? 'stage',
      startMs,
      endMs: atMs,
      targetBatchesPerS,
      // Only whether the target is above 0 matters until the end, when the batch size is known.
      targetEventsPerS: targetBatchesPerS * (this.eventsPerBatch() ?? 1),
    });
    const result = computeStepResult({ ...samples, scenario: scenario.name }, sloOf(this.options.slo));
    if (partial) result.partial = true;
    this.collected.push({ result, targetBatchesPerS });

    const slo = this.options.slo;
    if (slo.stopAfterBreach && !result.slo.met && RAMP_PHASES.has(result.phase) && this.inScope(scenario.name)) {
      this.run?.finishEarly(`${result.label} breached: ${result.slo.reasons.join('; ')}`);
    }
  }

  onEnd(): void {
    if (this.finished) return;
    this.finished = true;
    clearInterval(this.timer);
    const perBatch = this.eventsPerBatch() ?? FALLBACK_EVENTS_PER_BATCH;
    for (const c of this.collected) c.result.targetEventsPerS = c.targetBatchesPerS * perBatch;
  }

  /** The SLO options of the run, once it started. */
  get slo(): SloOptions | undefined {
    return this.options?.slo;
  }

  /** Steps of every ramping scenario, in the order they ended; for the summary. */
  steps(): StepResult[] {
    return this.collected.map((c) => c.result);
  }

  /** Steps of the scenario `slo.scenario` names, or of every ramping scenario; for the reports. */
  reportSteps(): StepResult[] {
    return this.steps().filter((s) => this.inScope(s.scenario!));
  }

  /** Measures the recovery after the spike step among the report's steps; null without one. */
  recovery(): RecoveryResult | null {
    if (this.options === undefined) return null;
    const windows = [...this.windows.values()].flatMap((w) => w.windows);
    return measureRecovery(this.reportSteps(), windows, this.options.slo.p95Ms, this.windowMs);
  }

  /** Adds each step's peak server readings from a monitored run. */
  attachResources(series: ResourceSeries): void {
    for (const { result } of this.collected) result.resources = peakInWindow(series.samples, result.startMs, result.endMs);
  }

  private inScope(scenario: string): boolean {
    const wanted = this.options?.slo.scenario;
    return wanted === undefined || wanted === scenario;
  }

  /**
   * Events per batch: the `report.eventsPerBatch` option, else the run's confirmed events divided by
   * its confirmed batches, which is exact when every agent uses the same batch size. Undefined before
   * the first confirm.
   */
  private eventsPerBatch(): number | undefined {
    const configured = this.options?.report.eventsPerBatch;
    if (configured !== undefined) return configured;
    const events = (this.registry?.get('agent_events_confirmed')?.root as CounterAggregate | undefined)?.sum ?? 0;
    const batches = (this.registry?.get('agent_batches_confirmed')?.root as CounterAggregate | undefined)?.sum ?? 0;
    return batches > 0 ? events / batches : undefined;
  }
}

function isRamping(config: ScenarioConfig): config is RampingConfig {
  return config.executor === 'ramping-vus' || config.executor === 'ramping-arrival-rate';
}

function key(scenario: string, stage: number): string {
  return `${scenario}\u0000${stage}`;
}

/**
 * Computes the batch rate a ramping-arrival-rate stage aims for, per second: the mean of its start
 * and end rates, as the rate moves linearly between them. One iteration is taken to send one batch. A
 * ramping-vus stage sets a VU count, not a rate, so its target is 0.
 */
export function targetBatchRate(config: RampingConfig, stage: number): number {
  if (config.executor !== 'ramping-arrival-rate') return 0;
  const from = stage === 0 ? config.startRate : config.stages[stage - 1]!.target;
  const to = config.stages[stage]!.target;
  return (((from + to) / 2) * 1000) / config.timeUnitMs;
}

function defaultLabel(config: RampingConfig, stage: number): string {
  const base = `${config.name} stage ${stage}`;
  return config.executor === 'ramping-vus' ? `${base} (${config.stages[stage]!.target} VUs)` : base;
}
