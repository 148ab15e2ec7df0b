import type { MetricRegistry } from '../metrics/registry.ts';
import type { BuiltinMetrics } from './builtins.ts';
import type { Clock } from './clock.ts';
import type { ResolvedOptions } from './options.ts';
import type { VU } from './vu.ts';

/** Where the engine's messages go; the CLI prints them, tests collect them. */
export interface Logger {
  warn(message: string): void;
  error(message: string): void;
}

/** Records check results into the group tree of the summary. */
export interface CheckRecorder {
  check(groupPath: string, name: string, passed: boolean): void;
  group(groupPath: string): void;
}

/** Counters for `frameload/execution`'s `instance` object. */
export interface InstanceStats {
  /** VUs held by running executors, updated about once a second. */
  vusActive: number;
  vusInitialized: number;
  iterationsCompleted: number;
  iterationsInterrupted: number;
}

/** Run-wide services shared by every VU's script modules. */
export interface Runtime {
  readonly registry: MetricRegistry;
  readonly builtins: BuiltinMetrics;
  readonly checks: CheckRecorder;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options: ResolvedOptions;
  /** The script's `options` export as written, for `test.options`. */
  readonly scriptOptions: Readonly<Record<string, unknown>>;
  readonly stats: InstanceStats;
  /** Clock time at which the test started (after setup), in milliseconds. */
  testStartMs: number;
  /** Requests the run to stop with exit code 108. */
  abort(reason: string): void;
  /** Set while a VU's init code runs: metrics created now belong to that VU. */
  initializingVU: VU | undefined;
  /** Warns once per run that an iteration ended with a sleep not awaited. */
  warnUnawaitedSleep(callSite: string | undefined): void;
}
