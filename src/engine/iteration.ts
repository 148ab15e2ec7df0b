import { takeSleepCallSite } from '../script/modules/core.ts';
import type { BuiltinMetrics } from './builtins.ts';
import type { Clock } from './clock.ts';
import { TestAbortError } from './errors.ts';
import type { InstanceStats, Runtime } from './runtime.ts';
import type { ScenarioState } from './scenario-state.ts';
import { IterationInterrupted, type VU } from './vu.ts';

type ExecFunction = (data: unknown) => unknown;

/**
 * Runs iterations of the script's exec function on VUs and records `iterations` and
 * `iteration_duration`. An iteration that finishes synchronously costs no promise; an interrupted one
 * records nothing.
 */
export class IterationRunner {
  constructor(
    private readonly runtime: Runtime,
    private readonly builtins: BuiltinMetrics,
    private readonly clock: Clock,
    private readonly stats: InstanceStats,
    /** Each VU's own copy of setup()'s result, or undefined without setup data. */
    private readonly setupDataFor: (vu: VU) => unknown,
    private readonly onAbort: (reason: string) => void,
    private readonly onError: (vu: VU, err: unknown) => void,
  ) {}

  run(vu: VU, scenario: ScenarioState): Promise<void> | undefined {
    if (vu.scenario !== scenario) this.enterScenario(vu, scenario);
    vu.interrupted = false;
    vu.iterationInInstance++;
    vu.iterationInScenario++;
    vu.scenarioIteration = scenario.iterationsStarted++;
    const started = this.clock.now();
    if (scenario.arrivalRate) vu.emit(this.builtins.iterationStartLateness, started - vu.iterationScheduledAtMs);
    let result: unknown;
    try {
      result = (vu.execFn as ExecFunction)(vu.setupData);
    } catch (err) {
      this.fail(vu, err);
      this.end(vu, scenario, started);
      return undefined;
    }
    if (result === null || typeof result !== 'object' || typeof (result as Promise<unknown>).then !== 'function') {
      this.end(vu, scenario, started);
      return undefined;
    }
    return (result as Promise<unknown>).then(
      () => this.end(vu, scenario, started),
      (err: unknown) => {
        this.fail(vu, err);
        this.end(vu, scenario, started);
      },
    );
  }

  private enterScenario(vu: VU, scenario: ScenarioState): void {
    vu.scenario = scenario;
    Object.assign(vu.env, scenario.config.env);
    vu.iterationInScenario = -1;
    vu.execFn = vu.exports[scenario.config.exec] as ExecFunction;
    vu.setupData = this.setupDataFor(vu);
  }

  private fail(vu: VU, err: unknown): void {
    if (err instanceof TestAbortError) this.onAbort(err.reason);
    else if (!(err instanceof IterationInterrupted) && !vu.interrupted) this.onError(vu, err);
  }

  private end(vu: VU, scenario: ScenarioState, started: number): void {
    if (vu.interrupted) {
      this.stats.iterationsInterrupted++;
      return;
    }
    if (vu.pendingSleeps.size > 0) {
      this.runtime.warnUnawaitedSleep(takeSleepCallSite(vu));
      vu.rejectSleeps();
    }
    vu.groupPath = '';
    scenario.iterationsCompleted++;
    this.stats.iterationsCompleted++;
    vu.emit(this.builtins.iterations, 1);
    vu.emit(this.builtins.iterationDuration, this.clock.now() - started);
  }
}
