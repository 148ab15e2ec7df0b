// Script options for `export const options: Options = { ... }`, in k6's schema. These declarations
// merge into the `frameload` module declared in frameload.d.ts.

declare module 'frameload' {
  /** A duration unit: hours, minutes, seconds, milliseconds, microseconds or nanoseconds. */
  export type DurationUnit = 'h' | 'm' | 's' | 'ms' | 'us' | 'µs' | 'ns';

  /**
   * A duration in k6's spelling: a number followed by a unit, or several such parts from the largest
   * unit down. `'0'` means no time at all. Negative values are invalid.
   *
   * @example '30s'
   * @example '1m30s'
   * @example '2h'
   * @example '500ms'
   */
  export type Duration =
    | '0'
    | `${number}${DurationUnit}`
    | `${number}h${number}m`
    | `${number}h${number}m${number}s`
    | `${number}m${number}s`
    | `${number}m${number}s${number}ms`
    | `${number}s${number}ms`;

  /** One step of a ramp: move linearly from the previous target to `target` over `duration`. */
  export interface Stage {
    /**
     * How long the ramp to `target` lasts.
     * @example { duration: '2m', target: 100 }
     */
    duration: Duration;
    /**
     * VUs (ramping-vus) or iterations per `timeUnit` (ramping-arrival-rate) reached at the end of the
     * stage. A non-negative integer.
     * @example { duration: '30s', target: 0 }
     */
    target: number;
  }

  /** The executor names k6 uses; each selects one member of {@link Scenario}. */
  export type ExecutorName = Scenario['executor'];

  /** Fields every scenario accepts, whatever its executor. */
  export interface ScenarioCommon {
    /**
     * Delay from the start of the test until this scenario starts.
     * @default '0s'
     * @example startTime: '5m'
     */
    startTime?: Duration;
    /**
     * How long iterations still running at the scenario's end may continue before they are
     * interrupted. Samples of interrupted iterations are dropped.
     * @default '30s'
     * @example gracefulStop: '10s'
     */
    gracefulStop?: Duration;
    /**
     * Name of the exported function each iteration calls.
     * @default 'default'
     * @example exec: 'sendEvents'
     */
    exec?: string;
    /**
     * Environment variables added to `__ENV` for this scenario's iterations.
     * @default {}
     * @example env: { BATCH: '100' }
     */
    env?: Record<string, string>;
    /**
     * Tags added to every sample this scenario records, beside the automatic `scenario` tag.
     * @default {}
     * @example tags: { phase: 'soak' }
     */
    tags?: Record<string, string>;
  }

  /** A fixed number of iterations shared by a pool of VUs; fast VUs run more of them. */
  export interface SharedIterationsScenario extends ScenarioCommon {
    executor: 'shared-iterations';
    /**
     * Number of VUs running the iterations. A positive integer.
     * @default 1
     * @example vus: 10
     */
    vus?: number;
    /**
     * Total iterations across all VUs. A positive integer, at least `vus`.
     * @default 1
     * @example iterations: 200
     */
    iterations?: number;
    /**
     * Time after which the scenario stops even if iterations remain (then `gracefulStop` applies).
     * @default '10m'
     * @example maxDuration: '30s'
     */
    maxDuration?: Duration;
  }

  /** Each VU runs exactly `iterations` iterations. */
  export interface PerVUIterationsScenario extends ScenarioCommon {
    executor: 'per-vu-iterations';
    /**
     * Number of VUs. A positive integer.
     * @default 1
     * @example vus: 200
     */
    vus?: number;
    /**
     * Iterations each VU runs. A positive integer.
     * @default 1
     * @example iterations: 1
     */
    iterations?: number;
    /**
     * Time after which the scenario stops even if iterations remain (then `gracefulStop` applies).
     * @default '10m'
     * @example maxDuration: '5m'
     */
    maxDuration?: Duration;
  }

  /** A fixed number of VUs looping over iterations for a fixed time. */
  export interface ConstantVUsScenario extends ScenarioCommon {
    executor: 'constant-vus';
    /**
     * Number of VUs. A positive integer.
     * @default 1
     * @example vus: 50
     */
    vus?: number;
    /**
     * How long the VUs loop. Required, above zero.
     * @example duration: '10m'
     */
    duration: Duration;
  }

  /** A VU count that follows `stages`, each VU looping over iterations. */
  export interface RampingVUsScenario extends ScenarioCommon {
    executor: 'ramping-vus';
    /**
     * VUs at the start, before the first stage. A non-negative integer.
     * @default 1
     * @example startVUs: 0
     */
    startVUs?: number;
    /**
     * The ramp. Required, at least one stage. The active stage's index is `scenario.stage` in
     * `frameload/execution` and the `stage` tag on samples.
     * @example stages: [{ duration: '1m', target: 100 }, { duration: '5m', target: 100 }]
     */
    stages: Stage[];
    /**
     * How long a VU that the ramp removes may finish its current iteration before it is interrupted.
     * @default '30s'
     * @example gracefulRampDown: '0s'
     */
    gracefulRampDown?: Duration;
  }

  /**
   * Iterations started at a fixed rate on a fixed timeline, whatever their duration (open model).
   * An iteration that finds no free VU is not started and counts in `dropped_iterations`.
   */
  export interface ConstantArrivalRateScenario extends ScenarioCommon {
    executor: 'constant-arrival-rate';
    /**
     * Iterations started per `timeUnit`. Required, a positive integer.
     * @example rate: 100
     */
    rate: number;
    /**
     * The period `rate` counts in.
     * @default '1s'
     * @example timeUnit: '1m'
     */
    timeUnit?: Duration;
    /**
     * How long iterations keep starting. Required, above zero.
     * @example duration: '10m'
     */
    duration: Duration;
    /**
     * VUs created before the scenario starts. Required, a positive integer.
     * @example preAllocatedVUs: 50
     */
    preAllocatedVUs: number;
    /**
     * Upper bound on VUs; more than `preAllocatedVUs` are created during the run when all are busy.
     * At least `preAllocatedVUs`.
     * @default preAllocatedVUs
     * @example maxVUs: 200
     */
    maxVUs?: number;
    /**
     * frameload's addition: how many due iterations may wait for a free VU instead of being dropped.
     * A waiting iteration starts as soon as a VU frees up and keeps its slot as its scheduled time,
     * so latency measured from the slot (the agent library's `agent_confirm_duration`) shows the
     * backlog of a slow server. Beyond this many, the oldest waiting iterations are dropped and
     * counted in `dropped_iterations`; those still waiting when the scenario ends are dropped too.
     * A non-negative integer.
     * @default 0 (k6's behaviour: drop at once)
     * @example maxBacklog: 100000
     */
    maxBacklog?: number;
  }

  /** Like constant-arrival-rate, with the rate following `stages`. */
  export interface RampingArrivalRateScenario extends ScenarioCommon {
    executor: 'ramping-arrival-rate';
    /**
     * Iterations per `timeUnit` before the first stage. A non-negative integer.
     * @default 0
     * @example startRate: 10
     */
    startRate?: number;
    /**
     * The period `startRate` and the stage targets count in.
     * @default '1s'
     * @example timeUnit: '1s'
     */
    timeUnit?: Duration;
    /**
     * The ramp; each `target` is a rate in iterations per `timeUnit`. Required, at least one stage.
     * The active stage's index is `scenario.stage` in `frameload/execution` and the `stage` tag.
     * @example stages: [{ duration: '3m', target: 500 }, { duration: '3m', target: 550 }]
     */
    stages: Stage[];
    /**
     * VUs created before the scenario starts. Required, a positive integer.
     * @example preAllocatedVUs: 100
     */
    preAllocatedVUs: number;
    /**
     * Upper bound on VUs; at least `preAllocatedVUs`.
     * @default preAllocatedVUs
     * @example maxVUs: 1000
     */
    maxVUs?: number;
    /**
     * frameload's addition: how many due iterations may wait for a free VU instead of being dropped.
     * A waiting iteration starts as soon as a VU frees up and keeps its slot as its scheduled time,
     * so latency measured from the slot (the agent library's `agent_confirm_duration`) shows the
     * backlog of a slow server. Beyond this many, the oldest waiting iterations are dropped and
     * counted in `dropped_iterations`; those still waiting when the scenario ends are dropped too.
     * A non-negative integer.
     * @default 0 (k6's behaviour: drop at once)
     * @example maxBacklog: 100000
     */
    maxBacklog?: number;
  }

  /** One scenario, discriminated by `executor`; each executor accepts only its own fields. */
  export type Scenario =
    | SharedIterationsScenario
    | PerVUIterationsScenario
    | ConstantVUsScenario
    | RampingVUsScenario
    | ConstantArrivalRateScenario
    | RampingArrivalRateScenario;

  /**
   * A threshold in object form, for the options the string form cannot carry.
   * @example { threshold: 'p(95)<500', abortOnFail: true, delayAbortEval: '1m' }
   */
  export interface ThresholdObject {
    /**
     * The expression, as in the string form: `aggregation operator value`, where the aggregation is
     * `avg`, `min`, `max`, `med`, `p(N)`, `count`, `rate` or `value` and the operator is `<`, `<=`,
     * `>`, `>=`, `==` or `!=`. Time values are milliseconds.
     * @example threshold: 'p(99)<=250'
     */
    threshold: string;
    /**
     * Stop the whole test as soon as this threshold fails (exit code 99).
     * @default false
     * @example abortOnFail: true
     */
    abortOnFail?: boolean;
    /**
     * With `abortOnFail`, time from the start of the test (of each stage, with `window: 'stage'`)
     * before a failure may abort it, so that too few samples cannot stop the test early.
     * @default '0s'
     * @example delayAbortEval: '30s'
     */
    delayAbortEval?: Duration;
    /**
     * frameload extension: judge the expression over a window instead of all samples since the start.
     * - `'stage'`: the samples of one ramping stage (ramping-vus or ramping-arrival-rate) at a time,
     *   so a breakpoint test finds the step where latency broke rather than an average diluted by
     *   the earlier, lighter steps.
     *   A stage without samples is not judged.
     * - a duration such as `'30s'`: the samples of the last 30 seconds, judged at each evaluation
     *   once the test has run that long. A test shorter than the window is judged once, at the end,
     *   on all its samples.
     *
     * A windowed threshold fails when any window fails, and a failure stays recorded. The summary
     * lists it with the window appended (`p(95)<500 [stage]`), so the same expression can be judged
     * over the whole run and per window.
     * @default all samples since the start, as in k6
     * @example { threshold: 'p(95)<500', window: 'stage', abortOnFail: true }
     * @example { threshold: 'rate<0.01', window: '1m' }
     */
    window?: 'stage' | Duration;
  }

  /**
   * A threshold: an expression string or the object form.
   * @example 'p(95)<500'
   * @example { threshold: 'rate<0.01', abortOnFail: true }
   */
  export type Threshold = string | ThresholdObject;

  /** A TLS protocol version in k6's spelling. */
  export type TLSVersion = 'tls1.0' | 'tls1.1' | 'tls1.2' | 'tls1.3';

  /** A client certificate presented to servers whose name matches `domains`. */
  export interface TLSAuth {
    /**
     * Server names this certificate is for.
     * @default every server
     * @example domains: ['ingest.example.internal']
     */
    domains?: string[];
    /**
     * The certificate chain in PEM text (not a file path).
     * @example cert: '-----BEGIN CERTIFICATE-----\n...'
     */
    cert: string;
    /**
     * The private key in PEM text (not a file path).
     * @example key: '-----BEGIN PRIVATE KEY-----\n...'
     */
    key: string;
    /**
     * Passphrase of an encrypted `key`.
     * @example password: __ENV.KEY_PASSWORD
     */
    password?: string;
  }

  /** A statistic a summary can show for a Trend. */
  export type TrendStat = 'avg' | 'min' | 'med' | 'max' | 'count' | `p(${number})`;

  /**
   * The script's options, in k6's schema: `export const options: Options = { ... }`. Command-line
   * flags override them. An unknown key or a wrong value stops the run before it starts (exit 104).
   */
  export interface Options {
    /**
     * Named scenarios, run concurrently (each from its own `startTime`). When set, the `vus`,
     * `duration`, `iterations` and `stages` shortcuts are ignored, and a shortcut given on the
     * command line replaces all scenarios.
     * @default one scenario named `default` built from the shortcuts
     * @example scenarios: { warmup: { executor: 'constant-vus', vus: 10, duration: '1m' } }
     */
    scenarios?: Record<string, Scenario>;
    /**
     * Shortcut: number of VUs. A positive integer. With `duration` alone it makes a constant-vus
     * scenario, with `iterations` a shared-iterations one, and with `stages` it is the start count.
     * @default 1
     * @example vus: 20
     */
    vus?: number;
    /**
     * Shortcut: run `vus` VUs for this long (constant-vus). With `iterations`, the maximum duration.
     * @example duration: '5m'
     */
    duration?: Duration;
    /**
     * Shortcut: total iterations shared by `vus` VUs (shared-iterations).
     * @default 1 when no other shortcut or scenario is set
     * @example iterations: 1000
     */
    iterations?: number;
    /**
     * Shortcut: a ramping-vus scenario starting from `vus` VUs.
     * @example stages: [{ duration: '1m', target: 50 }, { duration: '1m', target: 0 }]
     */
    stages?: Stage[];
    /**
     * Pass/fail criteria: metric or submetric name (`net_errors{code:timeout}`) to a list of
     * thresholds. A failed threshold makes the run exit with 99. Evaluated during the run and at
     * the end.
     * @default {}
     * @example thresholds: { agent_confirm_duration: ['p(95)<500'], 'net_errors{code:timeout}': ['count<10'] }
     */
    thresholds?: Record<string, Threshold[]>;
    /**
     * Tags added to every sample of the test.
     * @default {}
     * @example tags: { env: 'staging' }
     */
    tags?: Record<string, string>;
    /**
     * Maximum time `setup()` may run.
     * @default '60s'
     * @example setupTimeout: '5m'
     */
    setupTimeout?: Duration;
    /**
     * Maximum time `teardown()` may run.
     * @default '60s'
     * @example teardownTimeout: '2m'
     */
    teardownTimeout?: Duration;
    /**
     * Statistics shown for every Trend in the end-of-test summary and in `SummaryData`.
     * @default ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']
     * @example summaryTrendStats: ['avg', 'p(50)', 'p(95)', 'p(99)', 'max', 'count']
     */
    summaryTrendStats?: TrendStat[];
    /**
     * Fixed unit for time values in the summary.
     * @default each value in the unit that reads best
     * @example summaryTimeUnit: 'ms'
     */
    summaryTimeUnit?: 's' | 'ms' | 'us';
    /**
     * Print the summary without ANSI colours (`--no-color` overrides).
     * @default false
     * @example noColor: true
     */
    noColor?: boolean;
    /**
     * Connect over TLS without verifying the server's certificate or name. The summary states that
     * verification was off.
     * @default false
     * @example insecureSkipTLSVerify: true
     */
    insecureSkipTLSVerify?: boolean;
    /**
     * Client certificates for mutual TLS.
     * @default []
     * @example tlsAuth: [{ cert: CERT_PEM, key: KEY_PEM }]
     */
    tlsAuth?: TLSAuth[];
    /**
     * Allowed TLS version, exactly one or a range.
     * @default Node.js's defaults (TLS 1.2 to 1.3 in Node.js 20)
     * @example tlsVersion: 'tls1.3'
     * @example tlsVersion: { min: 'tls1.2', max: 'tls1.3' }
     */
    tlsVersion?: TLSVersion | { min?: TLSVersion; max?: TLSVersion };
    /**
     * Allowed cipher suites, by the IANA names k6 uses.
     * @default Node.js's default list
     * @example tlsCipherSuites: ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256']
     */
    tlsCipherSuites?: string[];
    /**
     * frameload extension: metric name to tag names whose values each get their own line in the
     * summary and the summary data, named `metric{tag:value}` as k6 names submetrics. In k6 this
     * needs a dummy threshold per value, known in advance.
     * @default {}
     * @example breakdowns: { net_errors: ['code'], agent_confirm_duration: ['stage'] }
     */
    breakdowns?: Record<string, string[]>;
    /**
     * frameload extension: the service-level objectives every stage (step) of a ramping scenario is
     * judged against, on the step's own samples. The verdicts appear in the summary's STEPS table,
     * in `frameload.steps` of the summary data and in the reports.
     * @default { p95Ms: 500, errorRate: 0.01, connFailRate: 0.001, stopAfterBreach: false }
     * @example slo: { p95Ms: 300, stopAfterBreach: true, scenario: 'capacity' }
     */
    slo?: SloOptions;
    /**
     * frameload extension: where capacity.json and report.html go, and how the steps are named.
     * @default no report files
     * @example report: { dir: __ENV.REPORT_DIR ?? './report', eventsPerBatch: 100 }
     */
    report?: ReportOptions;
    /**
     * frameload extension: runs `frameload run` starts in the same process after this one succeeded
     * and found a capacity (a step met every objective), each with `CAPACITY_EPS` set to that
     * capacity in events/s and the same `--env` values. Their steps are added to the same report.
     * @default []
     * @example afterCapacity: [{ script: './spike.ts' }, { script: './soak.ts', env: { SOAK_DURATION: '1h' } }]
     */
    afterCapacity?: FollowUpRun[];
  }

  /** Objectives of each step of a ramping scenario. A value equal to its limit meets it. */
  export interface SloOptions {
    /**
     * Maximum p95 of `agent_confirm_duration` in one step, milliseconds.
     * @default 500
     */
    p95Ms?: number;
    /**
     * Maximum share of failed operations in one step, errors ÷ (confirmed batches + errors), 0 to 1.
     * @default 0.01
     */
    errorRate?: number;
    /**
     * Maximum share of failed connection attempts in one step (`agent_connect_failed`), 0 to 1.
     * @default 0.001
     */
    connFailRate?: number;
    /**
     * End the test gracefully (exit code 0) after the first step that breaches an objective, as a
     * capacity plan does. Spike and soak steps never stop the test.
     * @default false
     */
    stopAfterBreach?: boolean;
    /**
     * The ramping scenario whose steps decide the capacity, the stop and the report files.
     * @default every ramping scenario
     * @example scenario: 'capacity'
     */
    scenario?: string;
  }

  /** The part of a plan a step belongs to; capacity is judged over `warmup`, `ramp` and `stage` steps only. */
  export type StepPhase = 'warmup' | 'ramp' | 'spike' | 'soak' | 'stage';

  export interface ReportOptions {
    /**
     * Folder for capacity.json and report.html, created when missing. Without it no files are written.
     * @example dir: './report'
     */
    dir?: string;
    /**
     * Events in one batch, to turn a ramping-arrival-rate target (one batch per iteration) into
     * target events/s.
     * @default the run's confirmed events ÷ confirmed batches, or 100 when none was confirmed
     * @example eventsPerBatch: 100
     */
    eventsPerBatch?: number;
    /**
     * Scenario name to the label and phase of each of its stages, by stage index; `null` keeps the
     * default label `<scenario> stage <index>` and phase `stage`.
     * @example stages: { capacity: [{ label: 'warm-up', phase: 'warmup' }, null, { label: 'step 1', phase: 'ramp' }] }
     */
    stages?: Record<string, Array<{ label?: string; phase?: StepPhase } | null>>;
  }

  /** A run started after a capacity run; see `afterCapacity`. */
  export interface FollowUpRun {
    /** Script path, relative to the folder of the script whose options name it. @example './spike.ts' */
    script: string;
    /** Variables added to the `--env` values. @example env: { SPIKE_X: '3' } */
    env?: Record<string, string>;
  }
}
