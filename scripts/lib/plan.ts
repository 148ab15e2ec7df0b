// Builds the options of the capacity, spike and soak plans from environment variables. Every plan
// first connects a fixed fleet of AGENTS agents (the `connect` scenario), then drives one
// ramping-arrival-rate scenario, one batch per iteration, whose stages are the plan's steps. The
// step collector judges each step on its own samples and writes the reports to REPORT_DIR.
//
// Rates go to the executor as batches per 1000 s, so a rate such as 52.5 batches/s stays exact.
import { check, type Options, type Scenario, type Stage } from 'frameload';
import { Agent } from 'frameload/agent';
import { agentOptions, ms, readAgentEnv, type AgentEnv } from './env.ts';

type Env = Readonly<Record<string, string | undefined>>;
type StageLabel = { label: string; phase: 'warmup' | 'ramp' | 'spike' | 'soak' } | null;

const TIME_UNIT = '1000s';
const PER_TIME_UNIT = 1000;

/** Settings every plan shares; durations in milliseconds, rates in events per second. */
export interface PlanEnv {
  readonly agent: AgentEnv;
  readonly p95Ms: number;
  readonly errRate: number;
  readonly connFailRate: number;
  readonly reportDir: string;
}

export interface CapacityEnv extends PlanEnv {
  readonly targetEps: number;
  readonly warmupMs: number;
  readonly stepPct: number;
  readonly stepMs: number;
  readonly maxSteps: number;
  readonly spike: boolean;
  readonly soak: boolean;
}

export interface SpikeEnv extends PlanEnv {
  readonly capacityEps: number;
  readonly spikeX: number;
  readonly spikeDurationMs: number;
  /** Load before and after the spike, percent of the capacity. */
  readonly basePct: number;
  readonly settleMs: number;
  readonly recoveryMs: number;
}

export interface SoakEnv extends PlanEnv {
  readonly capacityEps: number;
  readonly soakPct: number;
  readonly soakDurationMs: number;
  /** Length of one soak step, so drift over the soak shows step by step. */
  readonly soakStepMs: number;
}

export function readPlanEnv(env: Env): PlanEnv {
  return {
    agent: readAgentEnv(env),
    p95Ms: number(env, 'P95_MS', 500, { min: 0, exclusive: true }),
    errRate: number(env, 'ERR_RATE', 0.01, { min: 0, max: 1 }),
    connFailRate: number(env, 'CONN_FAIL_RATE', 0.001, { min: 0, max: 1 }),
    reportDir: nonEmpty(env, 'REPORT_DIR', './report'),
  };
}

export function readCapacityEnv(env: Env): CapacityEnv {
  return {
    ...readPlanEnv(env),
    targetEps: number(env, 'TARGET_EPS', 5000, { min: 0, exclusive: true }),
    warmupMs: duration(env, 'WARMUP', '3m'),
    stepPct: number(env, 'STEP_PCT', 10, { min: 0, exclusive: true }),
    stepMs: duration(env, 'STEP', '3m'),
    maxSteps: wholeNumber(env, 'MAX_STEPS', 40),
    spike: flag(env, 'SPIKE'),
    soak: flag(env, 'SOAK'),
  };
}

export function readSpikeEnv(env: Env): SpikeEnv {
  return {
    ...readPlanEnv(env),
    capacityEps: required(env, 'CAPACITY_EPS'),
    spikeX: number(env, 'SPIKE_X', 2, { min: 0, exclusive: true }),
    spikeDurationMs: duration(env, 'SPIKE_DURATION', '2m'),
    basePct: number(env, 'SPIKE_BASE_PCT', 75, { min: 0, exclusive: true }),
    settleMs: duration(env, 'SPIKE_SETTLE', '1m'),
    recoveryMs: duration(env, 'SPIKE_RECOVERY', '5m'),
  };
}

export function readSoakEnv(env: Env): SoakEnv {
  return {
    ...readPlanEnv(env),
    capacityEps: required(env, 'CAPACITY_EPS'),
    soakPct: number(env, 'SOAK_PCT', 75, { min: 0, exclusive: true }),
    soakDurationMs: duration(env, 'SOAK_DURATION', '1h'),
    soakStepMs: duration(env, 'SOAK_STEP', '5m'),
  };
}

/** One planned step: its duration and rate. */
interface PlannedStep {
  label: string;
  phase: 'warmup' | 'ramp' | 'spike' | 'soak';
  durationMs: number;
  eventsPerS: number;
}

/**
 * Builds the capacity plan: warm-up at 50% of TARGET_EPS for WARMUP, then steps of +STEP_PCT percent of
 * TARGET_EPS from there, each held for STEP, up to MAX_STEPS; the run ends after the first step that
 * breaches. SPIKE=1 and SOAK=1 add spike.ts and soak.ts as follow-up runs from the capacity found.
 */
export function capacityOptions(env: CapacityEnv): Options {
  const steps: PlannedStep[] = [{ label: 'warm-up', phase: 'warmup', durationMs: env.warmupMs, eventsPerS: env.targetEps * 0.5 }];
  for (let k = 1; k <= env.maxSteps; k++) {
    steps.push({ label: `step ${k}`, phase: 'ramp', durationMs: env.stepMs, eventsPerS: env.targetEps * (0.5 + (k * env.stepPct) / 100) });
  }
  const afterCapacity = [...(env.spike ? [{ script: './spike.ts' }] : []), ...(env.soak ? [{ script: './soak.ts' }] : [])];
  return { ...planOptions(env, 'capacity', steps, true), afterCapacity };
}

/**
 * Builds the spike plan: SPIKE_BASE_PCT percent of CAPACITY_EPS for SPIKE_SETTLE, SPIKE_X × CAPACITY_EPS
 * for SPIKE_DURATION, then the base rate again for SPIKE_RECOVERY, during which the report times how
 * long p95 latency took to come back under P95_MS.
 */
export function spikeOptions(env: SpikeEnv): Options {
  const base = (env.capacityEps * env.basePct) / 100;
  return planOptions(env, 'spike', [
    { label: 'before spike', phase: 'spike', durationMs: env.settleMs, eventsPerS: base },
    { label: 'spike', phase: 'spike', durationMs: env.spikeDurationMs, eventsPerS: env.capacityEps * env.spikeX },
    { label: 'after spike', phase: 'spike', durationMs: env.recoveryMs, eventsPerS: base },
  ], false);
}

/** Builds the soak plan: SOAK_PCT percent of CAPACITY_EPS for SOAK_DURATION, reported in steps of SOAK_STEP. */
export function soakOptions(env: SoakEnv): Options {
  const rate = (env.capacityEps * env.soakPct) / 100;
  const steps: PlannedStep[] = [];
  for (let at = 0, k = 1; at < env.soakDurationMs; at += env.soakStepMs, k++) {
    steps.push({ label: `soak ${k}`, phase: 'soak', durationMs: Math.min(env.soakStepMs, env.soakDurationMs - at), eventsPerS: rate });
  }
  return planOptions(env, 'soak', steps, false);
}

/**
 * Builds the options of a plan: the connect scenario, then one ramping-arrival-rate scenario named `name`
 * whose stages alternate a zero-duration jump to the next rate and a hold at it.
 */
function planOptions(env: PlanEnv, name: string, steps: readonly PlannedStep[], stopAfterBreach: boolean): Options {
  const { agent } = env;
  const connectPhaseMs = connectPhase(agent);
  const rate = (eventsPerS: number): number => Math.max(0, Math.round((eventsPerS / agent.batch) * PER_TIME_UNIT));

  const stages: Stage[] = [];
  const labels: StageLabel[] = [];
  steps.forEach((step, i) => {
    if (i > 0) {
      stages.push({ duration: '0s', target: rate(step.eventsPerS) });
      labels.push(null);
    }
    stages.push({ duration: ms(step.durationMs), target: rate(step.eventsPerS) });
    labels.push({ label: step.label, phase: step.phase });
  });

  const plan: Scenario = {
    executor: 'ramping-arrival-rate',
    startTime: ms(connectPhaseMs),
    startRate: rate(steps[0]!.eventsPerS),
    timeUnit: TIME_UNIT,
    stages,
    preAllocatedVUs: agent.agents,
    maxVUs: agent.agents,
    // Batches due while every agent waits for a confirm queue up, as a real agent's events do, so
    // latency past capacity grows with the backlog instead of slots being dropped.
    maxBacklog: 1_000_000,
    // A batch in flight when the plan ends gets its whole confirm timeout.
    gracefulStop: ms(agent.confirmTimeoutMs + 1000),
    exec: 'traffic',
  };
  return {
    scenarios: { connect: connectScenario(agent, connectPhaseMs), [name]: plan },
    thresholds: {
      // The connect phase belongs to no step, so its failures are judged here.
      'agent_connect_failed{scenario:connect}': [`rate<=${env.connFailRate}`],
    },
    slo: { p95Ms: env.p95Ms, errorRate: env.errRate, connFailRate: env.connFailRate, stopAfterBreach, scenario: name },
    report: { dir: env.reportDir, eventsPerBatch: agent.batch, stages: { [name]: labels } },
  };
}

// Traffic starts once every agent had its whole approval budget: each connect is bounded by
// APPROVAL_TIMEOUT, so the connect scenario has handed its VUs, and their agents, over by then.
function connectPhase(agent: AgentEnv): number {
  return agent.approvalTimeoutMs + 1000;
}

function connectScenario(agent: AgentEnv, connectPhaseMs: number): Scenario {
  return {
    executor: 'per-vu-iterations',
    vus: agent.agents,
    iterations: 1,
    maxDuration: ms(connectPhaseMs - 500),
    gracefulStop: '0s',
    exec: 'connect',
  };
}

/**
 * Creates the `connect` and `traffic` functions a plan script exports. Call it in init code: module scope
 * belongs to one VU, so each VU gets its own agent, which lives across the VU's iterations.
 */
export function agentFunctions(env: PlanEnv): { connect(): Promise<void>; traffic(): Promise<void> } {
  const agent = new Agent(agentOptions(env.agent));
  return {
    async connect() {
      let approved = true;
      try {
        await agent.connect();
      } catch {
        approved = false; // counted in agent_errors and agent_connect_failed; traffic reconnects later
      }
      check(approved, { 'agent approved': (ok) => ok });
    },
    async traffic() {
      try {
        await agent.sendBatch();
      } catch {
        // counted in agent_errors by its code, and in the step's error rate
      }
    },
  };
}

function number(env: Env, name: string, fallback: number, range: { min: number; max?: number; exclusive?: boolean }): number {
  const text = env[name];
  if (text === undefined) return fallback;
  const value = Number(text);
  const low = range.exclusive ? value > range.min : value >= range.min;
  const high = range.max === undefined || value <= range.max;
  if (text.trim() === '' || !Number.isFinite(value) || !low || !high) {
    const bounds = range.max === undefined ? `a number ${range.exclusive ? '>' : '>='} ${range.min}` : `a number from ${range.min} to ${range.max}`;
    throw invalid(name, bounds, text);
  }
  return value;
}

function required(env: Env, name: string): number {
  if (env[name] === undefined) throw new Error(`missing environment variable ${name}: expected the capacity in events per second, e.g. -e ${name}=5000`);
  return number(env, name, 0, { min: 0, exclusive: true });
}

function wholeNumber(env: Env, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) throw invalid(name, 'a whole number >= 1', text);
  return Number(text);
}

function flag(env: Env, name: string): boolean {
  const text = env[name];
  if (text === undefined) return false;
  const value = text.trim().toLowerCase();
  if (['1', 'true', 'yes'].includes(value)) return true;
  if (['0', 'false', 'no', ''].includes(value)) return false;
  throw invalid(name, '1 or 0 (true or false)', text);
}

function nonEmpty(env: Env, name: string, fallback: string): string {
  const text = env[name] ?? fallback;
  if (text.trim() === '') throw invalid(name, 'a non-empty path', text);
  return text;
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration such as "3m", "1m30s" or "500ms"; a bare number counts seconds. */
function duration(env: Env, name: string, fallback: string): number {
  const text = (env[name] ?? fallback).trim();
  let total = 0;
  if (/^\d+(\.\d+)?$/.test(text)) {
    total = Number(text) * 1000;
  } else {
    const part = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
    while (part.lastIndex < text.length) {
      const match = part.exec(text);
      if (match === null) throw invalid(name, 'a duration such as 3m, 1m30s or 500ms (a bare number counts seconds)', text);
      total += Number(match[1]) * UNITS_MS[match[2]!]!;
    }
  }
  if (!(total > 0)) throw invalid(name, 'a duration above zero', text);
  return total;
}

function invalid(name: string, expected: string, got: string): Error {
  return new Error(`invalid environment variable ${name}: expected ${expected}, got ${JSON.stringify(got)}`);
}
