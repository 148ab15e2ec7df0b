// Script-facing typings of `frameload/execution`: what the running VU, scenario and test look like,
// under k6's names. Every property is read-only, except that a VU's tags can be set one by one as in
// k6. Reading a property always returns the current value.

declare module 'frameload/execution' {
  import type { ExecutorName, Options } from 'frameload';

  /** `T` with every nested property read-only, for values the script must not change. */
  export type DeepReadonly<T> = T extends (...args: never[]) => unknown
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;

  /** The VU running the current code. */
  export interface VUInfo {
    /**
     * The VU's number in the test, from 1; 0 in `setup()` and `teardown()`. Same as `__VU`.
     * @example const agentName = `agent-${vu.idInTest}`;
     */
    readonly idInTest: number;
    /**
     * The VU's number in this process, from 1. frameload runs one process per test, so it equals
     * `idInTest`.
     * @example vu.idInInstance
     */
    readonly idInInstance: number;
    /**
     * The VU's iteration number, from 0, counted across every scenario this VU has run. Same as
     * `__ITER`.
     * @example if (vu.iterationInInstance === 0) await connect();
     */
    readonly iterationInInstance: number;
    /**
     * The VU's iteration number in the current scenario, from 0. It restarts when the VU moves to
     * another scenario.
     * @example const batchId = `${vu.idInTest}-${vu.iterationInScenario}`;
     */
    readonly iterationInScenario: number;
    /**
     * Tags this VU's samples carry now: `scenario`, `group` inside a group, `stage` in a ramping
     * scenario, and the `tags` options. Assigning a key sets that tag on every later sample of this
     * VU, as in k6. The object itself cannot be replaced.
     * @example const phase = vu.tags.scenario;
     * @example vu.tags.agent = agentName;
     */
    readonly tags: Record<string, string>;
  }

  /**
   * The scenario the current iteration belongs to. Reading `name`, `executor`, `startTime` or
   * `progress` in init code, `setup()` or `teardown()` throws, because no scenario runs there.
   */
  export interface ScenarioInfo {
    /**
     * The scenario's key in `options.scenarios`; `default` for the scenario built from shortcuts.
     * @example if (scenario.name === 'connect') await handshake();
     */
    readonly name: string;
    /**
     * The scenario's executor.
     * @example scenario.executor === 'ramping-arrival-rate'
     */
    readonly executor: ExecutorName;
    /**
     * When the scenario started, in milliseconds since the Unix epoch.
     * @example const elapsedMs = Date.now() - scenario.startTime;
     */
    readonly startTime: number;
    /**
     * How far the scenario is, from 0 at its start to 1 at its end.
     * @example if (scenario.progress > 0.9) console.log('almost done');
     */
    readonly progress: number;
    /**
     * The iteration's number among all iterations of this scenario in this process, from 0.
     * @example scenario.iterationInInstance
     */
    readonly iterationInInstance: number;
    /**
     * The iteration's number among all iterations of this scenario in the test, from 0. Unique
     * across VUs, so it can index shared data.
     * @example const user = users[scenario.iterationInTest % users.length];
     */
    readonly iterationInTest: number;
    /**
     * Index of the active stage, from 0, in a ramping-vus or ramping-arrival-rate scenario; the
     * `stage` tag carries the same index. `undefined` for other executors.
     * @default undefined
     * @example const step = scenario.stage ?? 0;
     */
    readonly stage?: number;
  }

  /** Counters of this process's execution. */
  export interface InstanceInfo {
    /**
     * VUs currently taking part in a running scenario.
     * @example instance.vusActive
     */
    readonly vusActive: number;
    /**
     * VUs created so far, active or idle.
     * @example instance.vusInitialized
     */
    readonly vusInitialized: number;
    /**
     * Iterations that ran to their end, in all scenarios.
     * @example instance.iterationsCompleted
     */
    readonly iterationsCompleted: number;
    /**
     * Iterations that did not run to their end, in all scenarios: for example those cut off when a
     * scenario's `gracefulStop` ran out.
     * @example instance.iterationsInterrupted
     */
    readonly iterationsInterrupted: number;
    /**
     * Time since the scenarios started (after `setup()`), in milliseconds; 0 before that.
     * @example if (instance.currentTestRunDuration > 60_000) await sleep(0.1);
     */
    readonly currentTestRunDuration: number;
  }

  /** The test as a whole. */
  export interface TestInfo {
    /**
     * Stops the whole test at once: no further iterations start, teardown and handleSummary still
     * run, and the run exits with code 108. Throws, so nothing after it runs.
     * @param reason Text printed with the abort.
     * @example if (!approved) test.abort('the server rejected the bootstrap token');
     */
    abort(reason?: string): never;
    /**
     * The `options` the script exported, as written: unlike k6, without `--config` and command-line
     * flags applied and without shortcuts turned into `scenarios`.
     * @example const stats = test.options.summaryTrendStats;
     */
    readonly options: DeepReadonly<Options>;
  }

  /**
   * The VU running the current code.
   * @example import { vu } from 'frameload/execution';
   */
  export const vu: VUInfo;

  /**
   * The scenario of the current iteration.
   * @example import { scenario } from 'frameload/execution';
   */
  export const scenario: ScenarioInfo;

  /**
   * Counters of this process's execution.
   * @example import { instance } from 'frameload/execution';
   */
  export const instance: InstanceInfo;

  /**
   * The test as a whole: `test.abort()` and `test.options`.
   * @example import { test } from 'frameload/execution';
   */
  export const test: TestInfo;

  /**
   * The module's members as one object, as k6's default export.
   * @example import exec from 'frameload/execution'; exec.vu.idInTest;
   */
  const execution: {
    readonly vu: VUInfo;
    readonly scenario: ScenarioInfo;
    readonly instance: InstanceInfo;
    readonly test: TestInfo;
  };
  export default execution;
}
