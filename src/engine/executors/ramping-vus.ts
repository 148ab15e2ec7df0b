import type { ScenarioConfig } from '../options.ts';
import type { VU } from '../vu.ts';
import { InFlight } from './iterations.ts';
import { noStageHooks, stageOffsets, trackStages, type StageHooks } from './stages.ts';
import type { ExecutorEnv } from './types.ts';

type RampingVusConfig = Extract<ScenarioConfig, { executor: 'ramping-vus' }>;

/** A moment at which the number of active VUs changes, in milliseconds from the scenario start. */
export interface VuChange {
  atMs: number;
  target: number;
}

/**
 * The VU-count timeline of ramping-vus: the count follows each stage's line from the previous target,
 * changing by one whenever the line crosses a whole number.
 */
export function vuChanges(startVUs: number, stages: RampingVusConfig['stages']): VuChange[] {
  const changes: VuChange[] = [{ atMs: 0, target: startVUs }];
  const offsets = stageOffsets(stages);
  let from = startVUs;
  stages.forEach((stage, i) => {
    const to = stage.target;
    const t0 = offsets[i]!;
    if (stage.durationMs === 0) {
      if (to !== from) changes.push({ atMs: t0, target: to });
    } else if (to > from) {
      for (let k = from + 1; k <= to; k++) changes.push({ atMs: t0 + (stage.durationMs * (k - from)) / (to - from), target: k });
    } else if (to < from) {
      for (let k = from - 1; k >= to; k--) changes.push({ atMs: t0 + (stage.durationMs * (from - k)) / (from - to), target: k });
    }
    from = to;
  });
  return changes;
}

export async function runRampingVus(
  config: RampingVusConfig,
  env: ExecutorEnv,
  stageHooks: StageHooks = noStageHooks,
): Promise<void> {
  const { clock, scenario, pool } = env;
  const start = clock.now();
  scenario.startedAtMs = start;
  const totalMs = stageOffsets(config.stages).at(-1)!;
  const endMs = start + totalMs;
  const stop = new AbortController();
  const onStop = (): void => stop.abort();
  env.stop.addEventListener('abort', onStop, { once: true });

  const rampDownTimers = new AbortController();
  const active: VU[] = [];
  const held: VU[] = [];
  const inFlight = new InFlight(env, () => [...active, ...held]);
  const setActive = (target: number): void => {
    scenario.activeVUs = Math.min(target, active.length + held.length + pool.freeCount);
  };
  const loop = (vu: VU): void => {
    if (vu.rampingDown || stop.signal.aborted || clock.now() >= endMs) return;
    inFlight.start(vu, scenario, loop);
  };

  const setTarget = (target: number): void => {
    setActive(target);
    while (active.length < target) {
      const vu = held.pop() ?? pool.takeOne();
      if (!vu) break;
      if (!held.includes(vu) && !active.includes(vu)) {
        vu.rampingDown = false;
        active.push(vu);
        if (!vu.busy) loop(vu);
      }
    }
    while (active.length > target) {
      // The newest VU stops first, after its current iteration, within gracefulRampDown.
      const vu = active.pop()!;
      vu.rampingDown = true;
      held.push(vu);
      if (vu.busy) {
        const deadline = clock.now() + config.gracefulRampDownMs;
        void clock.sleepUntil(deadline, rampDownTimers.signal).then(() => {
          if (!rampDownTimers.signal.aborted && vu.rampingDown && vu.busy && !vu.interrupted) {
            vu.interrupt();
            scenario.iterationsInterrupted++;
          }
        });
      }
    }
  };

  const stages = trackStages(clock, scenario, config.stages, start, env.stop, stageHooks);
  for (const change of vuChanges(config.startVUs, config.stages)) {
    await clock.sleepUntil(start + change.atMs, stop.signal);
    if (stop.signal.aborted) break;
    setTarget(change.target);
  }
  await clock.sleepUntil(endMs, stop.signal);
  stop.abort();
  env.stop.removeEventListener('abort', onStop);
  await stages;
  await inFlight.drain(Math.min(clock.now(), endMs) + config.gracefulStopMs);
  rampDownTimers.abort();
  for (const vu of [...active, ...held]) {
    vu.rampingDown = false;
    pool.release(vu);
  }
  scenario.activeVUs = 0;
}
