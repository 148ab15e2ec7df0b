import type { ScenarioState } from '../scenario-state.ts';
import type { VU } from '../vu.ts';
import type { ExecutorEnv } from './types.ts';

/**
 * Tracks a scenario's running iterations so that the executor can wait for them within gracefulStop
 * and interrupt what is left.
 */
export class InFlight {
  private readonly running = new Map<VU, Promise<void>>();

  constructor(private readonly env: ExecutorEnv) {}

  get size(): number {
    return this.running.size;
  }

  /** Starts an iteration on `vu`; `done` runs when it ends (after interruption, when it finally settles). */
  start(vu: VU, scenario: ScenarioState, done: (vu: VU) => void): void {
    vu.busy = true;
    scenario.activeVUs++;
    const p = this.env.runIteration(vu, scenario).then(() => {
      this.running.delete(vu);
      vu.busy = false;
      scenario.activeVUs--;
      done(vu);
    });
    this.running.set(vu, p);
  }

  /** Waits until every running iteration ends or `deadlineMs` passes; then interrupts the rest. */
  async drain(deadlineMs: number): Promise<void> {
    if (this.running.size === 0) return;
    const timeout = new AbortController();
    const hard = this.env.hardStop;
    const onHard = (): void => timeout.abort();
    hard.addEventListener('abort', onHard, { once: true });
    const all = Promise.all(this.running.values()).then(() => timeout.abort());
    await this.env.clock.sleepUntil(deadlineMs, timeout.signal);
    hard.removeEventListener('abort', onHard);
    void all;
    this.interruptAll();
  }

  interruptAll(): void {
    for (const vu of this.running.keys()) {
      if (!vu.interrupted) {
        vu.interrupt();
        this.env.scenario.iterationsInterrupted++;
      }
    }
  }
}

/** Resolves when `signal` aborts; never rejects. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
