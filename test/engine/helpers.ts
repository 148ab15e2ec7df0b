import { ManualClock } from '../../src/engine/clock.ts';
import type { ExecutorEnv } from '../../src/engine/executors/index.ts';
import type { ScenarioConfig } from '../../src/engine/options.ts';
import { VuPool } from '../../src/engine/pool.ts';
import { ScenarioState } from '../../src/engine/scenario-state.ts';
import { VU } from '../../src/engine/vu.ts';
import { MetricRegistry } from '../../src/metrics/registry.ts';

/** One started iteration, as an executor test sees it. */
export interface StartedIteration {
  vu: number;
  atMs: number;
  /** The slot the executor scheduled the iteration for (arrival-rate), or its start. */
  scheduledMs: number;
  stage: number | undefined;
  endedAtMs?: number;
  interrupted?: boolean;
}

/**
 * An executor harness on a ManualClock: every iteration lasts `iterationMs` of clock time (or the
 * value `durationOf` returns) and is recorded with its VU and start time.
 */
export function harness(
  config: ScenarioConfig,
  opts: { vus: number; iterationMs?: number; durationOf?: (n: number) => number },
) {
  const clock = new ManualClock();
  const registry = new MetricRegistry();
  const vus = Array.from({ length: opts.vus }, (_, i) => new VU(i + 1, registry, {}, {}, {}, new Set()));
  const pool = new VuPool(vus);
  const scenario = new ScenarioState(config, {});
  const started: StartedIteration[] = [];
  const stop = new AbortController();
  const hardStop = new AbortController();
  let dropped = 0;
  const env: ExecutorEnv = {
    clock,
    scenario,
    pool,
    stop: stop.signal,
    hardStop: hardStop.signal,
    onDropped: () => dropped++,
    async runIteration(vu, s) {
      vu.interrupted = false;
      const record: StartedIteration = { vu: vu.idInTest, atMs: clock.now(), scheduledMs: vu.iterationScheduledAtMs, stage: s.stage };
      started.push(record);
      const ms = opts.durationOf ? opts.durationOf(started.length - 1) : (opts.iterationMs ?? 100);
      const interrupted = new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (vu.interrupted) {
            clearInterval(check);
            resolve();
          }
        }, 1);
        void clock.sleepUntil(clock.now() + ms).then(() => {
          clearInterval(check);
          resolve();
        });
      });
      await interrupted;
      if (vu.interrupted) record.interrupted = true;
      else record.endedAtMs = clock.now();
    },
  };
  return {
    clock,
    env,
    pool,
    scenario,
    started,
    stop,
    hardStop,
    get dropped() {
      return dropped;
    },
  };
}

/** Counts iterations started at or before `atMs`. */
export function startedBy(started: readonly StartedIteration[], atMs: number): number {
  return started.filter((s) => s.atMs <= atMs).length;
}
