import type { Clock } from '../clock.ts';
import type { VuPool } from '../pool.ts';
import type { ScenarioState } from '../scenario-state.ts';
import type { VU } from '../vu.ts';

/** What an executor needs from the engine. Tests supply their own with a ManualClock. */
export interface ExecutorEnv {
  clock: Clock;
  scenario: ScenarioState;
  pool: VuPool;
  /**
   * Runs one iteration on the VU. Returns undefined when it finished synchronously, else a promise
   * that resolves when it ends; never rejects.
   */
  runIteration(vu: VU, scenario: ScenarioState): Promise<void> | undefined;
  /** Called when an arrival-rate iteration could not start because no VU was free. */
  onDropped(): void;
  /** Aborted to stop gracefully: no new iterations, running ones get the scenario's gracefulStop. */
  stop: AbortSignal;
  /** Aborted to stop at once: running iterations are interrupted. */
  hardStop: AbortSignal;
}
