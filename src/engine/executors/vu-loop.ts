import type { ScenarioConfig } from '../options.ts';
import type { VU } from '../vu.ts';
import { InFlight } from './iterations.ts';
import type { ExecutorEnv } from './types.ts';

type LoopConfig = Extract<ScenarioConfig, { executor: 'shared-iterations' | 'per-vu-iterations' | 'constant-vus' }>;

/**
 * shared-iterations, per-vu-iterations and constant-vus: a fixed set of VUs, each looping over
 * iterations until its share of work is done or the duration ends; then gracefulStop applies.
 */
export async function runVuLoop(config: LoopConfig, env: ExecutorEnv): Promise<void> {
  const { clock, scenario, pool } = env;
  const vus = pool.take(config.vus);
  scenario.activeVUs = vus.length;
  const start = clock.now();
  scenario.startedAtMs = start;
  const endMs = start + (config.executor === 'constant-vus' ? config.durationMs : config.maxDurationMs);
  const inFlight = new InFlight(env, () => vus);

  let stopped = false;
  let sharedLeft = config.executor === 'shared-iterations' ? config.iterations : 0;
  const perVuLeft = new Map<VU, number>();
  if (config.executor === 'per-vu-iterations') for (const vu of vus) perVuLeft.set(vu, config.iterations);

  const claim = (vu: VU): boolean => {
    if (stopped || env.stop.aborted || clock.now() >= endMs) return false;
    if (config.executor === 'shared-iterations') {
      if (sharedLeft === 0) return false;
      sharedLeft--;
      return true;
    }
    if (config.executor === 'per-vu-iterations') {
      const left = perVuLeft.get(vu)!;
      if (left === 0) return false;
      perVuLeft.set(vu, left - 1);
    }
    return true;
  };

  let idle = 0;
  let allIdle: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allIdle = resolve));
  const next = (vu: VU): void => {
    if (claim(vu)) inFlight.start(vu, scenario, next);
    else if (++idle === vus.length) allIdle();
  };
  for (const vu of vus) next(vu);

  // The duration's end stops new iterations; running ones then have gracefulStop to finish.
  const timeUp = new AbortController();
  const onStop = (): void => timeUp.abort();
  env.stop.addEventListener('abort', onStop, { once: true });
  await Promise.race([finished, clock.sleepUntil(endMs, timeUp.signal)]);
  timeUp.abort();
  env.stop.removeEventListener('abort', onStop);
  stopped = true;
  await inFlight.drain(Math.min(clock.now(), endMs) + config.gracefulStopMs);
  for (const vu of vus) pool.release(vu);
  scenario.activeVUs = 0;
}
