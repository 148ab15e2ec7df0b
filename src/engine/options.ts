import { parseDuration } from './duration.ts';
import { ConfigError } from './errors.ts';
import {
  resolveFollowUps,
  resolveReportOptions,
  resolveSloOptions,
  type FollowUpRun,
  type ReportOptions,
  type SloOptions,
} from '../report/options.ts';

export type ExecutorName =
  | 'shared-iterations'
  | 'per-vu-iterations'
  | 'constant-vus'
  | 'ramping-vus'
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate';

/** One ramping stage, duration in milliseconds. */
export interface Stage {
  durationMs: number;
  target: number;
}

interface ScenarioBase {
  name: string;
  executor: ExecutorName;
  startTimeMs: number;
  gracefulStopMs: number;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
}

export type ScenarioConfig = ScenarioBase &
  (
    | { executor: 'shared-iterations'; vus: number; iterations: number; maxDurationMs: number }
    | { executor: 'per-vu-iterations'; vus: number; iterations: number; maxDurationMs: number }
    | { executor: 'constant-vus'; vus: number; durationMs: number }
    | { executor: 'ramping-vus'; startVUs: number; stages: Stage[]; gracefulRampDownMs: number }
    | {
        executor: 'constant-arrival-rate';
        rate: number;
        timeUnitMs: number;
        durationMs: number;
        preAllocatedVUs: number;
        maxVUs: number;
        maxBacklog: number;
      }
    | {
        executor: 'ramping-arrival-rate';
        startRate: number;
        timeUnitMs: number;
        stages: Stage[];
        preAllocatedVUs: number;
        maxVUs: number;
        maxBacklog: number;
      }
  );

/** Options after defaults, shortcuts and CLI overrides, in the shape the engine runs. */
export interface ResolvedOptions {
  scenarios: ScenarioConfig[];
  thresholds: Record<string, unknown>;
  tags: Record<string, string>;
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  summaryTrendStats: string[];
  summaryTimeUnit: string | undefined;
  noColor: boolean;
  breakdowns: Record<string, string[]>;
  /** Objectives the steps of ramping scenarios are judged against, and whether a breach ends the test. */
  slo: SloOptions;
  /** The report folder, the events per batch and the stage labels of step results. */
  report: ReportOptions;
  /** Runs the CLI starts once a capacity is known. */
  afterCapacity: FollowUpRun[];
  /** TLS and other global options passed through to modules, as written. */
  global: Record<string, unknown>;
}

/** Overrides from the command line; set fields replace the script's. */
export interface CliOverrides {
  vus?: number;
  durationMs?: number;
  iterations?: number;
  stages?: Stage[];
  tags?: Record<string, string>;
  noColor?: boolean;
}

const GLOBAL_KEYS = new Set([
  'scenarios',
  'vus',
  'duration',
  'iterations',
  'stages',
  'thresholds',
  'tags',
  'setupTimeout',
  'teardownTimeout',
  'summaryTrendStats',
  'summaryTimeUnit',
  'noColor',
  'insecureSkipTLSVerify',
  'tlsAuth',
  'tlsVersion',
  'tlsCipherSuites',
  'breakdowns',
  'slo',
  'report',
  'afterCapacity',
]);

const COMMON_KEYS = ['executor', 'startTime', 'gracefulStop', 'exec', 'env', 'tags'];

const EXECUTOR_KEYS: Record<ExecutorName, string[]> = {
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
  'constant-vus': ['vus', 'duration'],
  'ramping-vus': ['startVUs', 'stages', 'gracefulRampDown'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs', 'maxBacklog'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs', 'maxBacklog'],
};

/** Applies k6's defaults, shortcuts and the CLI overrides; throws ConfigError naming the first bad key. */
export function resolveOptions(raw: unknown, cli: CliOverrides = {}): ResolvedOptions {
  if (raw === undefined || raw === null) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError('options', 'expected an object');
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!GLOBAL_KEYS.has(key)) {
      throw new ConfigError(key, `unknown option; expected one of ${[...GLOBAL_KEYS].join(', ')}`);
    }
  }

  const scenarios = resolveScenarios(o, cli);
  const tags = { ...stringRecord(o.tags, 'tags'), ...(cli.tags ?? {}) };
  const summaryTrendStats =
    o.summaryTrendStats === undefined ? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'] : trendStats(o.summaryTrendStats);
  const thresholds = o.thresholds ?? {};
  if (typeof thresholds !== 'object' || Array.isArray(thresholds)) {
    throw new ConfigError('thresholds', 'expected an object of metric name to threshold expressions');
  }
  const breakdowns: Record<string, string[]> = {};
  if (o.breakdowns !== undefined) {
    if (typeof o.breakdowns !== 'object' || o.breakdowns === null) {
      throw new ConfigError('breakdowns', 'expected an object of metric name to a list of tag names');
    }
    for (const [metric, tagNames] of Object.entries(o.breakdowns)) {
      if (!Array.isArray(tagNames) || tagNames.some((t) => typeof t !== 'string')) {
        throw new ConfigError(`breakdowns.${metric}`, 'expected a list of tag names');
      }
      breakdowns[metric] = tagNames as string[];
    }
  }

  const global: Record<string, unknown> = {};
  for (const key of ['insecureSkipTLSVerify', 'tlsAuth', 'tlsVersion', 'tlsCipherSuites']) {
    if (o[key] !== undefined) global[key] = o[key];
  }
  if (global.insecureSkipTLSVerify !== undefined && typeof global.insecureSkipTLSVerify !== 'boolean') {
    throw new ConfigError('insecureSkipTLSVerify', 'expected true or false');
  }
  if (global.tlsAuth !== undefined) validateTlsAuth(global.tlsAuth);

  return {
    scenarios,
    thresholds: thresholds as Record<string, unknown>,
    tags,
    setupTimeoutMs: o.setupTimeout === undefined ? 60_000 : parseDuration(o.setupTimeout, 'setupTimeout'),
    teardownTimeoutMs: o.teardownTimeout === undefined ? 60_000 : parseDuration(o.teardownTimeout, 'teardownTimeout'),
    summaryTrendStats,
    summaryTimeUnit: o.summaryTimeUnit === undefined ? undefined : String(o.summaryTimeUnit),
    noColor: cli.noColor ?? o.noColor === true,
    breakdowns,
    slo: resolveSloOptions(o.slo),
    report: resolveReportOptions(o.report),
    afterCapacity: resolveFollowUps(o.afterCapacity),
    global,
  };
}

function resolveScenarios(o: Record<string, unknown>, cli: CliOverrides): ScenarioConfig[] {
  const shortcut = {
    vus: cli.vus ?? (o.vus as number | undefined),
    durationMs: cli.durationMs ?? (o.duration === undefined ? undefined : parseDuration(o.duration, 'duration')),
    iterations: cli.iterations ?? (o.iterations as number | undefined),
    stages: cli.stages ?? (o.stages === undefined ? undefined : stages(o.stages, 'stages')),
  };
  if (o.vus !== undefined) positiveInt(o.vus, 'vus', true);
  if (o.iterations !== undefined) positiveInt(o.iterations, 'iterations', false);

  // As in k6, a shortcut on the command line replaces the script's scenarios.
  const cliShortcut = cli.vus !== undefined || cli.durationMs !== undefined || cli.iterations !== undefined || cli.stages !== undefined;
  if (o.scenarios !== undefined && !cliShortcut) {
    if (typeof o.scenarios !== 'object' || o.scenarios === null || Array.isArray(o.scenarios)) {
      throw new ConfigError('scenarios', 'expected an object of scenario name to scenario options');
    }
    const entries = Object.entries(o.scenarios as Record<string, unknown>);
    if (entries.length === 0) throw new ConfigError('scenarios', 'expected at least one scenario');
    return entries.map(([name, s]) => resolveScenario(name, s));
  }

  const base = { startTime: undefined, gracefulStop: undefined };
  if (shortcut.stages) {
    return [
      resolveScenario('default', {
        ...base,
        executor: 'ramping-vus',
        startVUs: shortcut.vus ?? 1,
        stages: shortcut.stages.map((s) => ({ duration: s.durationMs, target: s.target })),
      }),
    ];
  }
  if (shortcut.iterations !== undefined) {
    return [
      resolveScenario('default', {
        executor: 'shared-iterations',
        vus: shortcut.vus ?? 1,
        iterations: shortcut.iterations,
        ...(shortcut.durationMs !== undefined ? { maxDuration: shortcut.durationMs } : {}),
      }),
    ];
  }
  if (shortcut.durationMs !== undefined) {
    return [resolveScenario('default', { executor: 'constant-vus', vus: shortcut.vus ?? 1, duration: shortcut.durationMs })];
  }
  return [resolveScenario('default', { executor: 'shared-iterations', vus: shortcut.vus ?? 1, iterations: 1 })];
}

function resolveScenario(name: string, raw: unknown): ScenarioConfig {
  const at = `scenarios.${name}`;
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) {
    throw new ConfigError(at, 'expected a scenario name of letters, digits, "_" or "-"');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ConfigError(at, 'expected an object');
  const s = raw as Record<string, unknown>;
  const executor = s.executor;
  if (typeof executor !== 'string' || !(executor in EXECUTOR_KEYS)) {
    throw new ConfigError(
      `${at}.executor`,
      `unknown executor ${JSON.stringify(executor)}; expected one of ${Object.keys(EXECUTOR_KEYS).join(', ')}`,
    );
  }
  const ex = executor as ExecutorName;
  const allowed = new Set([...COMMON_KEYS, ...EXECUTOR_KEYS[ex]]);
  for (const key of Object.keys(s)) {
    if (s[key] === undefined) continue;
    if (!allowed.has(key)) {
      throw new ConfigError(`${at}.${key}`, `unknown option for executor ${ex}; expected one of ${[...allowed].join(', ')}`);
    }
  }

  const base: ScenarioBase = {
    name,
    executor: ex,
    startTimeMs: s.startTime === undefined ? 0 : parseDuration(s.startTime, `${at}.startTime`),
    gracefulStopMs: s.gracefulStop === undefined ? 30_000 : parseDuration(s.gracefulStop, `${at}.gracefulStop`),
    exec: s.exec === undefined ? 'default' : nonEmptyString(s.exec, `${at}.exec`),
    env: stringRecord(s.env, `${at}.env`),
    tags: stringRecord(s.tags, `${at}.tags`),
  };
  const dur = (key: string, fallback?: number): number => {
    if (s[key] === undefined) {
      if (fallback === undefined) throw new ConfigError(`${at}.${key}`, `required by executor ${ex}`);
      return fallback;
    }
    return parseDuration(s[key], `${at}.${key}`);
  };
  const int = (key: string, fallback: number | undefined, allowZero = true): number => {
    if (s[key] === undefined) {
      if (fallback === undefined) throw new ConfigError(`${at}.${key}`, `required by executor ${ex}`);
      return fallback;
    }
    return positiveInt(s[key], `${at}.${key}`, allowZero);
  };
  const timeUnit = (): number => {
    const ms = dur('timeUnit', 1000);
    if (ms <= 0) throw new ConfigError(`${at}.timeUnit`, 'expected a duration above zero');
    return ms;
  };

  switch (ex) {
    case 'shared-iterations':
    case 'per-vu-iterations': {
      const vus = int('vus', 1, false);
      const iterations = int('iterations', 1, false);
      if (ex === 'shared-iterations' && iterations < vus) {
        throw new ConfigError(`${at}.iterations`, `expected at least as many iterations (${iterations}) as vus (${vus})`);
      }
      return { ...base, executor: ex, vus, iterations, maxDurationMs: dur('maxDuration', 600_000) };
    }
    case 'constant-vus': {
      const durationMs = dur('duration');
      if (durationMs <= 0) throw new ConfigError(`${at}.duration`, 'expected a duration above zero');
      return { ...base, executor: ex, vus: int('vus', 1, false), durationMs };
    }
    case 'ramping-vus':
      return {
        ...base,
        executor: ex,
        startVUs: int('startVUs', 1),
        stages: stages(s.stages, `${at}.stages`),
        gracefulRampDownMs: dur('gracefulRampDown', 30_000),
      };
    case 'constant-arrival-rate': {
      const rate = positiveInt(s.rate, `${at}.rate`, false);
      const preAllocatedVUs = int('preAllocatedVUs', undefined, false);
      const maxVUs = int('maxVUs', preAllocatedVUs, false);
      if (maxVUs < preAllocatedVUs) {
        throw new ConfigError(`${at}.maxVUs`, `expected at least preAllocatedVUs (${preAllocatedVUs}), got ${maxVUs}`);
      }
      const durationMs = dur('duration');
      if (durationMs <= 0) throw new ConfigError(`${at}.duration`, 'expected a duration above zero');
      return { ...base, executor: ex, rate, timeUnitMs: timeUnit(), durationMs, preAllocatedVUs, maxVUs, maxBacklog: int('maxBacklog', 0) };
    }
    case 'ramping-arrival-rate': {
      const preAllocatedVUs = int('preAllocatedVUs', undefined, false);
      const maxVUs = int('maxVUs', preAllocatedVUs, false);
      if (maxVUs < preAllocatedVUs) {
        throw new ConfigError(`${at}.maxVUs`, `expected at least preAllocatedVUs (${preAllocatedVUs}), got ${maxVUs}`);
      }
      return {
        ...base,
        executor: ex,
        startRate: int('startRate', 0),
        timeUnitMs: timeUnit(),
        stages: stages(s.stages, `${at}.stages`),
        preAllocatedVUs,
        maxVUs,
        maxBacklog: int('maxBacklog', 0),
      };
    }
  }
}

function stages(raw: unknown, key: string): Stage[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigError(key, 'expected a non-empty list of { duration, target }');
  }
  return raw.map((st, i) => {
    if (typeof st !== 'object' || st === null) throw new ConfigError(`${key}[${i}]`, 'expected { duration, target }');
    const { duration, target } = st as Record<string, unknown>;
    return {
      durationMs: parseDuration(duration, `${key}[${i}].duration`),
      target: positiveInt(target, `${key}[${i}].target`, true),
    };
  });
}

function positiveInt(value: unknown, key: string, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ConfigError(key, `expected ${allowZero ? 'a non-negative' : 'a positive'} integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonEmptyString(value: unknown, key: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(key, 'expected a non-empty string');
  return value;
}

function stringRecord(value: unknown, key: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(key, 'expected an object of string values');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new ConfigError(`${key}.${k}`, `expected a string, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

function trendStats(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ConfigError('summaryTrendStats', 'expected a non-empty list such as ["avg", "p(95)"]');
  }
  for (const s of value) {
    if (typeof s !== 'string' || !/^(avg|min|med|max|count|p\(\d+(\.\d+)?\))$/.test(s)) {
      throw new ConfigError('summaryTrendStats', `unknown statistic ${JSON.stringify(s)}; expected avg, min, med, max, count or p(N)`);
    }
  }
  return value as string[];
}


/** Checks k6's `tlsAuth` shape up front, so a malformed entry stops the run before it starts. */
function validateTlsAuth(value: unknown): void {
  if (!Array.isArray(value)) throw new ConfigError('tlsAuth', 'expected an array of { domains, cert, key }');
  value.forEach((entry, i) => {
    const { domains, cert, key, password } = (entry ?? {}) as Record<string, unknown>;
    const domainsOk = Array.isArray(domains) && domains.every((d) => typeof d === 'string');
    if (!domainsOk || typeof cert !== 'string' || typeof key !== 'string' || (password !== undefined && typeof password !== 'string')) {
      throw new ConfigError(`tlsAuth[${i}]`, 'expected { domains: string[], cert: PEM string, key: PEM string, password?: string }');
    }
  });
}
