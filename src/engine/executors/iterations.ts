import type { ScenarioState } from '../scenario-state.ts';
import type { VU } from '../vu.ts';
import type { ExecutorEnv } from './types.ts';

// Iterations that finish without waiting on I/O complete synchronously or in microtasks, which never
// let timers run. After this many completions in a row the next continuation waits for setImmediate.
// The bound also bounds the recursion depth of synchronous iterations that start the next one.
const COMPLETIONS_PER_TURN = 128;
let completionsThisTurn = 0;
let turnResetScheduled = false;

function nextTurn(): void {
  completionsThisTurn = 0;
  turnResetScheduled = false;
}

/**
 * Tracks a scenario's running iterations so that the executor can wait for them within gracefulStop
 * and interrupt what is left.
 */
export class InFlight {
  private running = 0;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly env: ExecutorEnv,
    /** Every VU the executor may have started an iteration on. */
    private readonly vus: () => Iterable<VU>,
    /**
     * Whether `done` starts the VU's next iteration, as in the looping executors; then completions
     * are spread over event-loop turns. Arrival-rate only returns the VU to its idle list.
     */
    private readonly doneStartsNext = true,
  ) {}

  get size(): number {
    return this.running;
  }

  /**
   * Starts an iteration on `vu`; `done` runs when it ends (after interruption, when it finally
   * settles). `scheduledAtMs` is the iteration's slot on an arrival-rate timeline.
   */
  start(vu: VU, scenario: ScenarioState, done: (vu: VU) => void, scheduledAtMs = this.env.clock.now()): void {
    vu.busy = true;
    vu.iterationScheduledAtMs = scheduledAtMs;
    this.running++;
    const finish = (): void => {
      vu.busy = false;
      this.running--;
      if (this.running === 0) this.onIdle?.();
      if (!this.doneStartsNext || ++completionsThisTurn < COMPLETIONS_PER_TURN) {
        done(vu);
        return;
      }
      if (!turnResetScheduled) {
        turnResetScheduled = true;
        setImmediate(nextTurn);
      }
      setImmediate(() => done(vu));
    };
    const pending = this.env.runIteration(vu, scenario);
    if (pending === undefined) finish();
    else void pending.then(finish);
  }

  /** Waits until every running iteration ends or `deadlineMs` passes; then interrupts the rest. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.running === 0) return;
    const timeout = new AbortController();
    const onHard = (): void => timeout.abort();
    this.env.hardStop.addEventListener('abort', onHard, { once: true });
    this.onIdle = () => timeout.abort();
    await this.env.clock.sleepUntil(deadlineMs, timeout.signal);
    this.onIdle = undefined;
    this.env.hardStop.removeEventListener('abort', onHard);
    this.interruptAll();
  }

  interruptAll(): void {
    for (const vu of this.vus()) {
      if (vu.busy && !vu.interrupted) {
        vu.interrupt();
        this.env.scenario.iterationsInterrupted++;
      }
    }
  }
}
