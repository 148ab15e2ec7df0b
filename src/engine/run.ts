import { MetricRegistry } from '../metrics/registry.ts';
import type { ScriptFactory } from '../script/bundle.ts';
import { instantiate, type ScriptModules } from '../script/instance.ts';
import { defineBuiltins, type BuiltinMetrics } from './builtins.ts';
import { realClock, type Clock } from './clock.ts';
import { ConfigError, ExitCode, ScriptError, TestAbortError } from './errors.ts';
import { IterationRunner } from './iteration.ts';
import { runExecutor } from './executors/index.ts';
import { resolveOptions, type CliOverrides, type ResolvedOptions } from './options.ts';
import { buildPlan, type ExecutionPlan } from './plan.ts';
import { VuPool } from './pool.ts';
import type { CheckRecorder, InstanceStats, Logger, Runtime } from './runtime.ts';
import { ScenarioState } from './scenario-state.ts';
import { VU } from './vu.ts';
import { withTimeout } from './timeout.ts';

/** Threshold evaluation as the run drives it; the thresholds module implements it. */
export interface ThresholdsPort {
  /** Resolves metric names once init code has defined the custom metrics; throws ConfigError-like errors. */
  start(): void;
  /** Evaluates during the run; returns why, when an abortOnFail threshold requests the run to stop. */
  evaluate(elapsedMs: number): string | undefined;
  onStageStart(scenario: string, stage: number, elapsedMs: number): void;
  onStageEnd(scenario: string, stage: number, elapsedMs: number): void;
  /** Final evaluation; returns whether every threshold passed. */
  finish(elapsedMs: number): boolean;
}

export interface RunInput {
  factory: ScriptFactory;
  scriptPath: string;
  env: Record<string, string>;
  /** Options from `--config`, applied over the script's `options`. */
  configFile?: Record<string, unknown>;
  cli?: CliOverrides;
  clock?: Clock;
  log: Logger;
  checks: CheckRecorder;
  createThresholds(options: ResolvedOptions, registry: MetricRegistry): ThresholdsPort;
  /** Registers `frameload/net` and other modules that live outside the engine. */
  registerModules?(modules: ScriptModules): void;
  createModules(runtime: Runtime): ScriptModules;
  /** Called about once a second with the live state, for progress display. */
  onProgress?(run: RunState): void;
  /** Follow the run's stages, such as the per-step results of ramping scenarios. */
  observers?: RunObserver[];
}

/** The outcome of a run, as the summary needs it. */
export interface RunResult {
  exitCode: number;
  registry: MetricRegistry;
  options: ResolvedOptions;
  plan: ExecutionPlan;
  testRunDurationMs: number;
  thresholdsPassed: boolean;
  insecureTlsPeers: string[];
  setupData: unknown;
  /** The VU that ran setup; handleSummary is called on its exports. */
  mainExports: Record<string, unknown>;
  abortReason?: string;
  interrupted: boolean;
  /** Why the test ended before its planned end without an interruption, if it did. */
  finishedEarly?: string;
}

/**
 * Something that follows a run as it goes: called after VU init (metrics are defined by then, so
 * breakdowns can be declared), at every ramping stage boundary, and at the end.
 */
export interface RunObserver {
  onStart?(context: { registry: MetricRegistry; options: ResolvedOptions; run: Run }): void;
  /** `elapsedMs` counts from the test start; `atMs` is Unix epoch milliseconds. */
  onStageStart?(scenario: ScenarioState, stage: number, elapsedMs: number, atMs: number): void;
  onStageEnd?(scenario: ScenarioState, stage: number, elapsedMs: number, atMs: number): void;
  onEnd?(result: RunResult): void;
}

export interface RunState {
  scenarios: ScenarioState[];
  elapsedMs: number;
  plan: ExecutionPlan;
}

/**
 * One test run: reads options from an init pass, initialises the VUs, runs setup, the scenarios and
 * teardown, and returns what the summary needs. `stop()` requests a graceful stop (first Ctrl-C),
 * `stopNow()` interrupts running iterations (second Ctrl-C).
 */
export class Run {
  private readonly stopController = new AbortController();
  private readonly hardStopController = new AbortController();
  private interrupted = false;
  private abortReason: string | undefined;
  private thresholdAbort = false;
  private finishedEarly: string | undefined;

  constructor(private readonly input: RunInput) {}

  stop(): void {
    this.interrupted = true;
    this.stopController.abort();
  }

  /**
   * Ends the test gracefully because it reached its goal (a capacity plan past its breaching step):
   * running iterations get their gracefulStop, and the exit code stays 0 unless thresholds failed.
   */
  finishEarly(reason: string): void {
    this.finishedEarly ??= reason;
    this.stopController.abort();
  }

  stopNow(): void {
    this.interrupted = true;
    this.stopController.abort();
    this.hardStopController.abort();
  }

  async execute(): Promise<RunResult> {
    const { input } = this;
    const clock = input.clock ?? realClock;
    const registry = new MetricRegistry();
    const builtins = defineBuiltins(registry);
    const insecurePeers = new Set<string>();
    const stats: InstanceStats = { vusActive: 0, vusInitialized: 0, iterationsCompleted: 0, iterationsInterrupted: 0 };

    const { probe, bootstrap, mainExports, scriptOptions, options, plan } = this.prepare(registry, builtins, clock, stats, insecurePeers);
    const runtime = this.makeRuntime(registry, builtins, clock, stats, options, scriptOptions);
    Object.assign(bootstrap, { options, scriptOptions });
    (probe as { options: Readonly<Record<string, unknown>> }).options = options.global;
    const thresholds = input.createThresholds(options, registry);
    for (const [metric, tagNames] of Object.entries(options.breakdowns)) {
      const m = registry.get(metric);
      // A breakdown may name a metric that init code defines later; it is applied after VU init too.
      if (m) m.breakdown(tagNames, true);
    }

    const modules = input.createModules(runtime);
    input.registerModules?.(modules);
    const runTags = Object.freeze({ ...options.tags });
    const vus: VU[] = [];
    for (let id = 1; id <= plan.totalVUs; id++) {
      const vu = new VU(id, registry, { ...input.env }, options.global, runTags, insecurePeers);
      this.init(() => instantiate(input.factory, vu, modules, runtime), `init of VU ${id}`);
      vus.push(vu);
      stats.vusInitialized++;
    }
    for (const [metric, tagNames] of Object.entries(options.breakdowns)) registry.get(metric)?.breakdown(tagNames, true);
    builtins.vusMax.add(plan.totalVUs, runTags);
    thresholds.start();
    const observers = input.observers ?? [];
    for (const o of observers) o.onStart?.({ registry, options, run: this });

    // setup() runs once; each VU gets its own copy of the JSON-serialisable result, as in k6.
    let setupData: unknown;
    if (typeof mainExports.setup === 'function') {
      setupData = await this.init(
        () => withTimeout(Promise.resolve((mainExports.setup as () => unknown)()), options.setupTimeoutMs, 'setup()'),
        'setup()',
      );
    }
    const setupJson = setupData === undefined ? undefined : JSON.stringify(setupData);

    const pool = new VuPool(vus);
    const scenarios = options.scenarios.map((c) => new ScenarioState(c, runTags));
    runtime.testStartMs = clock.now();
    const elapsed = (): number => clock.now() - runtime.testStartMs;
    const iterations = new IterationRunner(
      runtime,
      builtins,
      clock,
      stats,
      (vu) => (setupJson === undefined ? undefined : JSON.parse(setupJson)),
      (reason) => this.requestAbort(reason),
      (vu, err) => this.reportIterationError(vu, err),
    );
    const runIteration = (vu: VU, scenario: ScenarioState): Promise<void> | undefined => iterations.run(vu, scenario);

    const ticker = this.startTicker(clock, () => {
      stats.vusActive = scenarios.reduce((sum, s) => sum + s.activeVUs, 0);
      builtins.vus.add(stats.vusActive, runTags);
      const abortReason = thresholds.evaluate(elapsed());
      if (abortReason !== undefined && !this.thresholdAbort) {
        this.thresholdAbort = true;
        input.log.error(`stopping the test because a threshold with abortOnFail failed: ${abortReason}`);
        this.stopController.abort();
      }
      input.onProgress?.({ scenarios, elapsedMs: elapsed(), plan });
    });

    await Promise.all(
      scenarios.map(async (scenario) => {
        const config = scenario.config;
        if (config.startTimeMs > 0) await clock.sleepUntil(runtime.testStartMs + config.startTimeMs, this.stopController.signal);
        if (this.stopController.signal.aborted) return;
        await runExecutor(
          config,
          {
            clock,
            scenario,
            pool,
            runIteration,
            onDropped: () => builtins.droppedIterations.add(1, scenario.sampleTags()),
            stop: this.stopController.signal,
            hardStop: this.hardStopController.signal,
          },
          {
            start: (stage) => {
              thresholds.onStageStart(config.name, stage, elapsed());
              for (const o of observers) o.onStageStart?.(scenario, stage, elapsed(), Date.now());
            },
            end: (stage) => {
              thresholds.onStageEnd(config.name, stage, elapsed());
              for (const o of observers) o.onStageEnd?.(scenario, stage, elapsed(), Date.now());
            },
          },
        );
        scenario.finished = true;
      }),
    );
    ticker.stop();
    const testRunDurationMs = elapsed();
    builtins.vus.add(0, runTags);

    if (typeof mainExports.teardown === 'function' && !this.hardStopController.signal.aborted) {
      try {
        await withTimeout(
          Promise.resolve((mainExports.teardown as (d: unknown) => unknown)(setupJson === undefined ? undefined : JSON.parse(setupJson))),
          options.teardownTimeoutMs,
          'teardown()',
        );
      } catch (err) {
        input.log.error(`teardown() failed: ${describeError(err)}`);
      }
    }
    const closing: Array<Promise<void>> = [];
    for (const vu of [probe, ...vus]) {
      vu.rejectSleeps();
      closing.push(vu.closeOwned());
    }
    // Sockets still closing hold file descriptors, which the summary export and the bundle's
    // removal need when a run ends at the open-files limit. A hard stop does not wait for them.
    if (!this.hardStopController.signal.aborted) await Promise.all(closing);

    const thresholdsPassed = thresholds.finish(testRunDurationMs);
    let exitCode: number = ExitCode.ok;
    // A user's Ctrl-C outranks failed thresholds, so CI can tell a stopped run from an SLO failure.
    if (this.abortReason !== undefined) exitCode = ExitCode.scriptAborted;
    else if (this.interrupted && this.finishedEarly === undefined) exitCode = ExitCode.interrupted;
    else if (!thresholdsPassed) exitCode = ExitCode.thresholdsFailed;

    const result: RunResult = {
      exitCode,
      registry,
      options,
      plan,
      testRunDurationMs,
      thresholdsPassed,
      insecureTlsPeers: [...insecurePeers].sort(),
      setupData,
      mainExports,
      abortReason: this.abortReason,
      interrupted: this.interrupted && !this.thresholdAbort && this.abortReason === undefined && this.finishedEarly === undefined,
      finishedEarly: this.finishedEarly,
    };
    for (const o of observers) o.onEnd?.(result);
    return result;
  }

  /** Runs the first init pass and resolves options and the execution plan, as `frameload inspect` shows them. */
  resolve(): { options: ResolvedOptions; plan: ExecutionPlan; scriptOptions: Record<string, unknown> } {
    const registry = new MetricRegistry();
    const stats: InstanceStats = { vusActive: 0, vusInitialized: 0, iterationsCompleted: 0, iterationsInterrupted: 0 };
    const { options, plan, scriptOptions } = this.prepare(registry, defineBuiltins(registry), realClock, stats, new Set());
    return { options, plan, scriptOptions };
  }

  private prepare(
    registry: MetricRegistry,
    builtins: BuiltinMetrics,
    clock: Clock,
    stats: InstanceStats,
    insecurePeers: Set<string>,
  ) {
    const { input } = this;
    // The first init pass reads `options`, as k6 does; its VU later runs setup, teardown and handleSummary.
    const bootstrap: Runtime = this.makeRuntime(registry, builtins, clock, stats, undefined as unknown as ResolvedOptions, {});
    const bootstrapModules = input.createModules(bootstrap);
    input.registerModules?.(bootstrapModules);
    const probe = new VU(0, registry, { ...input.env }, {}, {}, insecurePeers);
    const mainExports = this.init(() => instantiate(input.factory, probe, bootstrapModules, bootstrap), 'init');

    const scriptOptions = (mainExports.options ?? {}) as Record<string, unknown>;
    const merged = { ...scriptOptions, ...(input.configFile ?? {}) };
    const options = resolveOptions(merged, input.cli);
    const plan = buildPlan(options);
    for (const s of options.scenarios) {
      if (typeof mainExports[s.exec] !== 'function') {
        throw new ConfigError(
          `scenarios.${s.name}.exec`,
          `the script exports no function named "${s.exec}"; expected an exported function`,
        );
      }
    }
    return { probe, bootstrap, mainExports, scriptOptions, options, plan };
  }

  private makeRuntime(
    registry: MetricRegistry,
    builtins: BuiltinMetrics,
    clock: Clock,
    stats: InstanceStats,
    options: ResolvedOptions,
    scriptOptions: Record<string, unknown>,
  ): Runtime {
    let warned = false;
    return {
      registry,
      builtins,
      checks: this.input.checks,
      clock,
      log: this.input.log,
      options,
      scriptOptions,
      stats,
      testStartMs: 0,
      initializingVU: undefined,
      abort: (reason) => this.requestAbort(reason),
      warnUnawaitedSleep: (site) => {
        if (warned) return;
        warned = true;
        this.input.log.warn(
          `an iteration ended while a sleep() was still pending${site ? ` (called at ${site})` : ''}: ` +
            'sleep returns a Promise, so write `await sleep(...)` for it to pause',
        );
      },
    };
  }

  private requestAbort(reason: string): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.stopController.abort();
    this.hardStopController.abort();
  }

  private iterationErrors = 0;

  private reportIterationError(vu: VU, err: unknown): void {
    // Repeated failures would flood the terminal; the first ten are shown, the rest counted.
    this.iterationErrors++;
    if (this.iterationErrors <= 10) {
      // A typed error (a network or protocol failure with a stable code) is expected under load: its
      // message names the peer and the cause, so the stack would only add noise.
      const code = (err as { code?: unknown } | null)?.code;
      const text = err instanceof Error && typeof code === 'string' ? `${err.message} (${code})` : describeError(err);
      this.input.log.error(`VU ${vu.idInTest} iteration failed: ${text}`);
    } else if (this.iterationErrors === 11) {
      this.input.log.error('further iteration errors are not shown');
    }
  }

  /** Runs init code or setup; a thrown error becomes a ScriptError (exit 107) unless it is a test.abort(). */
  private init<T>(fn: () => T, where: string): T {
    const wrap = (err: unknown): never => {
      if (err instanceof TestAbortError) throw err;
      if (err instanceof ScriptError) throw err;
      throw new ScriptError(`${where} failed: ${describeError(err)}`, { cause: err });
    };
    try {
      const r = fn();
      if (r instanceof Promise) return r.catch(wrap) as T;
      return r;
    } catch (err) {
      return wrap(err);
    }
  }

  private startTicker(clock: Clock, tick: () => void): { stop(): void } {
    const signal = new AbortController();
    void (async () => {
      // Ticks come at 100 ms and then every second from the start. The early one lets even a short
      // run sample its VUs and show progress once.
      const base = clock.now();
      for (let n = 0; !signal.signal.aborted; n++) {
        await clock.sleepUntil(base + (n === 0 ? 100 : n * 1000), signal.signal);
        if (signal.signal.aborted) break;
        tick();
      }
    })();
    return { stop: () => signal.abort() };
  }
}

/** Formats an error as its message and first frames, source-mapped to the TypeScript file. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const stack = err.stack ?? '';
    const frames = stack
      .split('\n')
      .filter((l) => l.trim().startsWith('at '))
      .slice(0, 3)
      .map((l) => l.trim());
    return frames.length > 0 ? `${err.message}\n\t${frames.join('\n\t')}` : err.message;
  }
  return String(err);
}
