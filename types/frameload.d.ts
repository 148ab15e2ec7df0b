// Script-facing typings of the `frameload` module and of the globals available to every script.
// The option schema (`Options` and its parts) is declared in options.d.ts and merges into this module.

/**
 * Environment variables of the run: those set with `-e KEY=VALUE`. A scenario's `env` is added when
 * the VU starts an iteration of that scenario. Values are strings; an unset key reads as `undefined`.
 * @example const host = __ENV.HOST ?? '127.0.0.1';
 */
declare const __ENV: Record<string, string | undefined>;

/**
 * The VU's number in the test, from 1. It is 0 in the init code run that reads the options, and in
 * `setup()` and `teardown()`. The same value as `vu.idInTest` from `frameload/execution`.
 * @example const agentName = `agent-${__VU}`;
 */
declare const __VU: number;

/**
 * The VU's iteration number, from 0, counted across all scenarios the VU runs. The same value as
 * `vu.iterationInInstance` from `frameload/execution`.
 * @example if (__ITER === 0) await connect();
 */
declare const __ITER: number;

declare module 'frameload' {
  /**
   * A named condition for `check`: returns whether `value` passes. It must return a boolean
   * synchronously, because `check` does not wait for a Promise (an async checker would always pass).
   */
  export type Checker<T> = (value: T) => boolean;

  /** Named conditions for `check`, each name shown in the summary as one check. */
  export type Checkers<T> = Record<string, Checker<T>>;

  /**
   * Runs each checker on `value` and records one sample per checker in the `checks` Rate metric,
   * tagged `check` with the checker's name. A failed check does not stop the iteration. Synchronous,
   * as in k6.
   *
   * @param value The value the checkers inspect.
   * @param sets Checker name to checker. Names must not contain `::`, which separates group paths.
   * @param tags Tags added to this call's `checks` samples.
   * @returns `true` when every checker passed.
   * @example
   * const ok = check(reply, {
   *   'is a confirm': (r) => r.m === 'confirm',
   *   'confirms my batch': (r) => r.confirmId === batchId,
   * });
   */
  export function check<T>(value: T, sets: Checkers<T>, tags?: Record<string, string>): boolean;

  /**
   * Runs `fn` inside a named group: samples recorded while the group is active carry the `group`
   * tag (`::outer::inner` for nested groups), its checks appear under it in the summary, and its
   * duration in milliseconds is recorded in the `group_duration` Trend.
   *
   * Unlike k6's `group`, this always returns a Promise that must be awaited. The group stays active
   * until the Promise that `fn` returns settles, so samples recorded after an `await` inside `fn`
   * (a confirm that arrives later, a second request) still belong to the group, and
   * `group_duration` covers that wait. Await each group before starting the next one of the same
   * VU: groups of one VU running at the same time (for example under `Promise.all`) are not
   * supported.
   *
   * @param name Group name, not empty. It must not contain `::`, which separates nested group names.
   * @param fn Synchronous or async function; its result becomes the result of the Promise.
   * @returns A Promise of `fn`'s result; it rejects when `fn` throws or rejects.
   * @example
   * const reply = await group('handshake', async () => {
   *   await conn.send(idMessage);
   *   return conn.receive();
   * });
   */
  export function group<T>(name: string, fn: () => T | Promise<T>): Promise<T>;

  /**
   * Pauses the VU for `seconds`, without blocking other VUs.
   *
   * Unlike k6's `sleep`, this returns a Promise and pauses only when awaited: `sleep(1)` without
   * `await` returns at once. When an iteration ends while a `sleep` it started is still pending, the
   * run prints one warning naming the script line.
   *
   * @param seconds Time to pause, in seconds, not negative; fractions allowed (`0.2` is 200 ms).
   * @returns A Promise that resolves with nothing after `seconds`, and rejects when `seconds` is
   * invalid or the iteration is interrupted.
   * @example await sleep(0.5);
   */
  export function sleep(seconds: number): Promise<void>;

  /**
   * Throws an error that ends the current iteration, as in k6; the VU continues with its next
   * iteration. Use `test.abort()` from `frameload/execution` to stop the whole test.
   *
   * @param message Text of the error.
   * @default message 'fail() called'
   * @example if (reply.status !== 'approved') fail(`agent ${__VU} was not approved`);
   */
  export function fail(message?: string): never;

  /**
   * The module's functions as one object, for `import frameload from 'frameload'`.
   * @example import frameload from 'frameload'; await frameload.sleep(1);
   */
  const frameload: {
    readonly check: typeof check;
    readonly group: typeof group;
    readonly sleep: typeof sleep;
    readonly fail: typeof fail;
  };
  export default frameload;

  /** The four metric kinds of k6. */
  export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

  /** The kind of values a metric records: plain numbers, times in milliseconds, or bytes. */
  export type MetricContains = 'default' | 'time' | 'data';

  /** Outcome of each threshold of a metric, keyed by the threshold's expression. */
  export type SummaryThresholds = Record<string, { readonly ok: boolean }>;

  /** Summary fields every metric kind has. */
  export interface SummaryMetricBase {
    /**
     * The kind of values; for `time`, values are milliseconds.
     * @example if (m.contains === 'time') text = `${m.values.avg} ms`;
     */
    readonly contains: MetricContains;
    /**
     * Threshold to outcome, keyed by the expression as written. A windowed threshold has its window
     * appended (`p(95)<500 [stage]`, `rate<0.01 [1m]`). Absent when the metric has no thresholds.
     * @example const passed = Object.values(m.thresholds ?? {}).every((t) => t.ok);
     */
    readonly thresholds?: SummaryThresholds;
  }

  /** A Counter's summary. */
  export interface CounterSummary extends SummaryMetricBase {
    readonly type: 'counter';
    /**
     * `count`: sum of all added values; `rate`: that sum per second of `state.testRunDurationMs`.
     * @example data.metrics.iterations?.type === 'counter' && data.metrics.iterations.values.count
     */
    readonly values: { readonly count: number; readonly rate: number };
  }

  /** A Gauge's summary. */
  export interface GaugeSummary extends SummaryMetricBase {
    readonly type: 'gauge';
    /**
     * `value`: the last value added; `min` and `max`: the extremes.
     * @example m.type === 'gauge' && m.values.max
     */
    readonly values: { readonly value: number; readonly min: number; readonly max: number };
  }

  /** A Rate's summary. */
  export interface RateSummary extends SummaryMetricBase {
    readonly type: 'rate';
    /**
     * `rate`: share of non-zero samples, 0 to 1; `passes` and `fails`: non-zero and zero samples.
     * @example m.type === 'rate' && m.values.rate < 0.01
     */
    readonly values: { readonly rate: number; readonly passes: number; readonly fails: number };
  }

  /** A Trend's summary. */
  export interface TrendSummary extends SummaryMetricBase {
    readonly type: 'trend';
    /**
     * One entry per statistic in `summaryTrendStats` (`avg`, `min`, `med`, `max`, `count`, `p(N)`);
     * other statistics are absent.
     * @example m.type === 'trend' && m.values['p(95)']
     */
    readonly values: Readonly<Record<string, number>>;
  }

  /** One metric or submetric in {@link SummaryData}, discriminated by `type`. */
  export type SummaryMetric = CounterSummary | GaugeSummary | RateSummary | TrendSummary;

  /** Pass and fail counts of one named check. */
  export interface SummaryCheck {
    /** The checker's name as given to `check`. @example 'is a confirm' */
    readonly name: string;
    /** The enclosing group path plus `::` and the name. @example '::handshake::is a confirm' */
    readonly path: string;
    /** Hex MD5 digest of `path`, as k6 computes it. @example '0f3a9c1e...' */
    readonly id: string;
    /** Times the checker returned true. @example 1200 */
    readonly passes: number;
    /** Times the checker returned false. @example 3 */
    readonly fails: number;
  }

  /** A group with its checks and nested groups, in the order they first ran. */
  export interface SummaryGroup {
    /** The group's name; `''` for the root group. @example 'handshake' */
    readonly name: string;
    /** Names from the root joined by `::`; `''` for the root group. @example '::handshake' */
    readonly path: string;
    /** Hex MD5 digest of `path`, as k6 computes it. @example 'd41d8cd98f00b204e9800998ecf8427e' */
    readonly id: string;
    /** Nested groups. @example data.root_group.groups.map((g) => g.name) */
    readonly groups: readonly SummaryGroup[];
    /** Checks run directly in this group. @example data.root_group.checks[0]?.fails */
    readonly checks: readonly SummaryCheck[];
  }

  /**
   * The argument of `handleSummary(data)` and the content of `--summary-export`, in k6's shape.
   * @example
   * export function handleSummary(data: SummaryData): SummaryResult {
   *   return { stdout: `${data.state.testRunDurationMs} ms\n`, 'summary.json': JSON.stringify(data) };
   * }
   */
  export interface SummaryData {
    /**
     * Metric and submetric name (`net_errors{code:timeout}`) to its summary. A metric without
     * samples is absent unless it has thresholds.
     * @example
     * const duration = data.metrics.iteration_duration;
     * const p95 = duration?.type === 'trend' ? duration.values['p(95)'] : undefined;
     */
    readonly metrics: Readonly<Record<string, SummaryMetric | undefined>>;
    /** Checks and groups, from the root group (no name). @example data.root_group.checks */
    readonly root_group: SummaryGroup;
    /** The options that shaped the summary. @example data.options.summaryTrendStats */
    readonly options: {
      /** Trend statistics shown, as set by `summaryTrendStats`. @example ['avg', 'p(95)'] */
      readonly summaryTrendStats: readonly string[];
      /** The `summaryTimeUnit` option; an empty string when unset, as in k6. @example 'ms' */
      readonly summaryTimeUnit: string;
      /** Whether colours are off (`noColor` or `--no-color`). @example false */
      readonly noColor: boolean;
    };
    /** Facts about the run. @example data.state.testRunDurationMs / 1000 */
    readonly state: {
      /** Whether stdout is a terminal. @example true */
      readonly isStdOutTTY: boolean;
      /** Whether stderr is a terminal. @example true */
      readonly isStdErrTTY: boolean;
      /**
       * Time from the start of the scenarios (after `setup()`) to the end of the last one, in
       * milliseconds. Counter rates in `values` are per second of this time.
       * @example 600512.3
       */
      readonly testRunDurationMs: number;
    };
    /**
     * frameload's additions, under their own key so that the k6 fields keep k6's shape.
     * @example data.frameload.tls_verification.disabled_for.length === 0
     */
    readonly frameload: FrameloadSummary;
  }

  /** A window in which a threshold failed. Times are milliseconds since the start of the test. */
  export interface ThresholdFailure {
    /**
     * The observed value; the worst one when a time window failed several evaluations in a row.
     * @example 734.2
     */
    readonly value: number;
    /** The scenario, for stage windows. @example 'breakpoint' */
    readonly scenario?: string;
    /** The stage index as text, for stage windows. @example '4' */
    readonly stage?: string;
    /** Start of the failing window. @example 720000 */
    readonly fromMs: number;
    /** End of the failing window. @example 900000 */
    readonly toMs: number;
  }

  /** The detailed outcome of one threshold. */
  export interface ThresholdOutcome {
    /** Whether the threshold passed. @example false */
    readonly ok: boolean;
    /** The aggregation the expression judges. @example 'p(95)' */
    readonly aggregation: string;
    /** `'all'` for the whole run, `'stage'`, or the time window as written. @example '30s' */
    readonly window: string;
    /**
     * The observed value: over the whole run for `all`, otherwise the worst one over the windows
     * judged (highest for `<` and `<=`, lowest for `>` and `>=`). `undefined` when nothing was judged.
     * @example 512.5
     */
    readonly value: number | undefined;
    /** Windows judged: stages, or evaluations of a time window; 1 for the whole run. @example 12 */
    readonly judged: number;
    /** The windows that failed. @example outcome.failures.map((f) => f.stage) */
    readonly failures: readonly ThresholdFailure[];
  }

  /** Threshold label to its detailed outcome, for one metric. */
  export type ThresholdOutcomes = Readonly<Record<string, ThresholdOutcome | undefined>>;

  /** frameload's additions to the summary data. */
  export interface FrameloadSummary {
    /**
     * Peers (`host:port`) reached with TLS certificate verification off, sorted.
     * @example { disabled_for: ['127.0.0.1:8444'] }
     */
    readonly tls_verification: { readonly disabled_for: readonly string[] };
    /**
     * Summary metric name to threshold label (as in `metrics[name].thresholds`) to its detailed
     * outcome.
     * @example data.frameload.thresholds['agent_confirm_duration']?.['p(95)<500 [stage]']?.failures
     */
    readonly thresholds: Readonly<Record<string, ThresholdOutcomes | undefined>>;
    /**
     * Per-step results of a ramping capacity plan, when the scenario reports them; their fields are
     * described with the capacity report.
     * @example data.frameload.steps?.length
     */
    readonly steps?: readonly Readonly<Record<string, unknown>>[];
  }

  /**
   * The return value of `handleSummary`: text for stdout under the key `stdout`, and file path to
   * the text written there. It replaces the default summary on stdout.
   * @example { stdout: textSummary, 'results/summary.json': JSON.stringify(data) }
   */
  export interface SummaryResult {
    /** Text printed on stdout instead of the default summary. @example 'done\n' */
    stdout?: string;
    [path: string]: string | undefined;
  }
}
