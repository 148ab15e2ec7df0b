// The `slo`, `report` and `afterCapacity` options: what the per-step results of ramping scenarios
// are judged against, where the report files go, and which runs follow a capacity plan.
import { ConfigError } from '../engine/errors.ts';
import { DEFAULT_SLO, type Slo } from './slo.ts';
import type { StepPhase } from './steps.ts';

/** The `slo` option after defaults. */
export interface SloOptions {
  /** Maximum p95 confirm latency of a step, milliseconds. */
  p95Ms: number;
  /** Maximum error rate of a step, ratio 0 to 1. */
  errorRate: number;
  /** Maximum connection failure rate of a step, ratio 0 to 1. */
  connFailRate: number;
  /** End the test gracefully after the first step that breaches. */
  stopAfterBreach: boolean;
  /** The scenario whose steps decide the capacity, the stop and the report; every ramping one when undefined. */
  scenario: string | undefined;
}

/** Label and phase of one stage; `null` entries keep the defaults. */
export interface StageLabel {
  label?: string;
  phase?: StepPhase;
}

/** The `report` option after defaults. */
export interface ReportOptions {
  /** Folder for capacity.json and report.html; no files when undefined. */
  dir: string | undefined;
  /** Events in one batch, to turn a target batch rate into events/s; measured when undefined. */
  eventsPerBatch: number | undefined;
  /** Scenario name to the label and phase of each of its stages, by stage index. */
  stages: Record<string, (StageLabel | null)[]>;
}

/** A run the CLI starts in the same process once a capacity is known, with `CAPACITY_EPS` set to it. */
export interface FollowUpRun {
  /** Script path, relative to the folder of the script that names it. */
  script: string;
  /** Variables added to the first run's `--env` values. */
  env: Record<string, string>;
}

export const DEFAULT_SLO_OPTIONS: Readonly<SloOptions> = Object.freeze({
  p95Ms: DEFAULT_SLO.p95Ms,
  errorRate: DEFAULT_SLO.errRate,
  connFailRate: DEFAULT_SLO.connFailRate,
  stopAfterBreach: false,
  scenario: undefined,
});

const PHASES: readonly StepPhase[] = ['warmup', 'ramp', 'spike', 'soak', 'stage'];

/** Converts the option to the objectives `judgeStep` takes. */
export function sloOf(options: SloOptions): Slo {
  return { p95Ms: options.p95Ms, errRate: options.errorRate, connFailRate: options.connFailRate };
}

/** Validates the `slo` option; throws ConfigError naming the key. */
export function resolveSloOptions(raw: unknown): SloOptions {
  if (raw === undefined) return { ...DEFAULT_SLO_OPTIONS };
  const o = objectOf(raw, 'slo', ['p95Ms', 'errorRate', 'connFailRate', 'stopAfterBreach', 'scenario']);
  return {
    p95Ms: o.p95Ms === undefined ? DEFAULT_SLO_OPTIONS.p95Ms : positiveNumber(o.p95Ms, 'slo.p95Ms'),
    errorRate: o.errorRate === undefined ? DEFAULT_SLO_OPTIONS.errorRate : ratio(o.errorRate, 'slo.errorRate'),
    connFailRate: o.connFailRate === undefined ? DEFAULT_SLO_OPTIONS.connFailRate : ratio(o.connFailRate, 'slo.connFailRate'),
    stopAfterBreach: o.stopAfterBreach === undefined ? false : bool(o.stopAfterBreach, 'slo.stopAfterBreach'),
    scenario: o.scenario === undefined ? undefined : nonEmpty(o.scenario, 'slo.scenario'),
  };
}

/** Validates the `report` option; throws ConfigError naming the key. */
export function resolveReportOptions(raw: unknown): ReportOptions {
  if (raw === undefined) return { dir: undefined, eventsPerBatch: undefined, stages: {} };
  const o = objectOf(raw, 'report', ['dir', 'eventsPerBatch', 'stages']);
  const stages: Record<string, (StageLabel | null)[]> = {};
  if (o.stages !== undefined) {
    const byScenario = objectOf(o.stages, 'report.stages');
    for (const [scenario, list] of Object.entries(byScenario)) {
      if (!Array.isArray(list)) throw new ConfigError(`report.stages.${scenario}`, 'expected a list of { label, phase } or null, one per stage');
      stages[scenario] = list.map((entry, i) => stageLabel(entry, `report.stages.${scenario}[${i}]`));
    }
  }
  const eventsPerBatch = o.eventsPerBatch === undefined ? undefined : positiveNumber(o.eventsPerBatch, 'report.eventsPerBatch');
  return { dir: o.dir === undefined ? undefined : nonEmpty(o.dir, 'report.dir'), eventsPerBatch, stages };
}

/** Validates the `afterCapacity` option; throws ConfigError naming the key. */
export function resolveFollowUps(raw: unknown): FollowUpRun[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new ConfigError('afterCapacity', 'expected a list of { script, env }');
  return raw.map((entry, i) => {
    const key = `afterCapacity[${i}]`;
    const o = objectOf(entry, key, ['script', 'env']);
    const env: Record<string, string> = {};
    if (o.env !== undefined) {
      for (const [name, value] of Object.entries(objectOf(o.env, `${key}.env`))) {
        if (typeof value !== 'string') throw new ConfigError(`${key}.env.${name}`, `expected a string, got ${JSON.stringify(value)}`);
        env[name] = value;
      }
    }
    return { script: nonEmpty(o.script, `${key}.script`), env };
  });
}

function stageLabel(raw: unknown, key: string): StageLabel | null {
  if (raw === null) return null;
  const o = objectOf(raw, key, ['label', 'phase']);
  const label: StageLabel = {};
  if (o.label !== undefined) label.label = nonEmpty(o.label, `${key}.label`);
  if (o.phase !== undefined) {
    if (!PHASES.includes(o.phase as StepPhase)) {
      throw new ConfigError(`${key}.phase`, `expected one of ${PHASES.join(', ')}, got ${JSON.stringify(o.phase)}`);
    }
    label.phase = o.phase as StepPhase;
  }
  return label;
}

function objectOf(raw: unknown, key: string, allowed?: readonly string[]): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(key, 'expected an object');
  const o = raw as Record<string, unknown>;
  if (allowed) {
    for (const name of Object.keys(o)) {
      if (!allowed.includes(name)) throw new ConfigError(`${key}.${name}`, `unknown option; expected one of ${allowed.join(', ')}`);
    }
  }
  return o;
}

function positiveNumber(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(key, `expected a number above 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

function ratio(value: unknown, key: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(key, `expected a ratio from 0 to 1 (0.01 is 1%), got ${JSON.stringify(value)}`);
  }
  return value;
}

function bool(value: unknown, key: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(key, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

function nonEmpty(value: unknown, key: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(key, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}
