import type { ResolvedOptions, ScenarioConfig } from './options.ts';

export interface ScenarioPlan {
  name: string;
  executor: string;
  exec: string;
  startTimeMs: number;
  /** Time the executor runs before its graceful stop begins, in milliseconds. */
  durationMs: number;
  gracefulStopMs: number;
  /** The most VUs the scenario can use at once. */
  maxVUs: number;
}

export interface ExecutionPlan {
  scenarios: ScenarioPlan[];
  /** VUs initialised before the test starts: the peak of concurrent needs, reusing VUs across scenarios. */
  totalVUs: number;
  /** Longest end of any scenario including its graceful stop, in milliseconds. */
  maxDurationMs: number;
}

export function scenarioDurationMs(s: ScenarioConfig): number {
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      return s.maxDurationMs;
    case 'constant-vus':
    case 'constant-arrival-rate':
      return s.durationMs;
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return s.stages.reduce((sum, st) => sum + st.durationMs, 0);
  }
}

export function scenarioMaxVUs(s: ScenarioConfig): number {
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
    case 'constant-vus':
      return s.vus;
    case 'ramping-vus':
      return Math.max(s.startVUs, ...s.stages.map((st) => st.target));
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return s.maxVUs;
  }
}

/** Graceful time after the executor's duration: ramping-vus may also need its gracefulRampDown. */
function gracefulMs(s: ScenarioConfig): number {
  return s.executor === 'ramping-vus' ? Math.max(s.gracefulStopMs, s.gracefulRampDownMs) : s.gracefulStopMs;
}

export function buildPlan(options: ResolvedOptions): ExecutionPlan {
  const scenarios = options.scenarios.map((s) => ({
    name: s.name,
    executor: s.executor,
    exec: s.exec,
    startTimeMs: s.startTimeMs,
    durationMs: scenarioDurationMs(s),
    gracefulStopMs: gracefulMs(s),
    maxVUs: scenarioMaxVUs(s),
  }));

  // Peak of concurrent needs: scenarios overlap when their [start, end + graceful) windows intersect.
  const events: { at: number; delta: number }[] = [];
  for (const s of scenarios) {
    events.push({ at: s.startTimeMs, delta: s.maxVUs });
    events.push({ at: s.startTimeMs + s.durationMs + s.gracefulStopMs, delta: -s.maxVUs });
  }
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let totalVUs = 0;
  for (const e of events) {
    current += e.delta;
    totalVUs = Math.max(totalVUs, current);
  }

  const maxDurationMs = Math.max(...scenarios.map((s) => s.startTimeMs + s.durationMs + s.gracefulStopMs));
  return { scenarios, totalVUs, maxDurationMs };
}
