import type { ScenarioConfig, Stage } from '../options.ts';
import type { VU } from '../vu.ts';
import { InFlight } from './iterations.ts';
import { noStageHooks, stageOffsets, trackStages, type StageHooks } from './stages.ts';
import type { ExecutorEnv } from './types.ts';

type ArrivalConfig = Extract<ScenarioConfig, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;

/**
 * The fixed timeline of an arrival-rate scenario: `at(i)` is the start offset of iteration i in
 * milliseconds. Offsets are computed from i, never accumulated, so the schedule cannot drift.
 */
export interface ArrivalTimeline {
  /** Offset of iteration i, or Infinity when the scenario has no iteration i. */
  at(i: number): number;
  readonly durationMs: number;
}

export function constantTimeline(rate: number, timeUnitMs: number, durationMs: number): ArrivalTimeline {
  const interval = timeUnitMs / rate;
  return {
    durationMs,
    at: (i) => {
      const t = i * interval;
      return t < durationMs ? t : Infinity;
    },
  };
}

/**
 * Ramping arrival rate: within a stage the rate moves linearly from r0 to r1 (iterations per
 * timeUnit), so the count started by time τ into the stage is n(τ) = ρ0·τ + (ρ1 − ρ0)·τ²/(2D).
 * Iteration i starts where the cumulative count reaches i.
 */
export function rampingTimeline(startRate: number, timeUnitMs: number, stages: readonly Stage[]): ArrivalTimeline {
  const offsets = stageOffsets(stages);
  const counts: number[] = [0]; // cumulative iterations at each stage start
  const rates: [number, number][] = [];
  let from = startRate;
  for (const s of stages) {
    const r0 = from / timeUnitMs;
    const r1 = s.target / timeUnitMs;
    rates.push([r0, r1]);
    counts.push(counts[counts.length - 1]! + (s.durationMs * (r0 + r1)) / 2);
    from = s.target;
  }
  const durationMs = offsets[offsets.length - 1]!;
  let hint = 0;
  return {
    durationMs,
    at: (i) => {
      if (i < counts[hint]!) hint = 0;
      while (hint < stages.length && i >= counts[hint + 1]!) hint++;
      if (hint >= stages.length) return Infinity;
      const n = i - counts[hint]!;
      const [r0, r1] = rates[hint]!;
      const d = stages[hint]!.durationMs;
      const a = (r1 - r0) / (2 * d);
      // The root of a·τ² + r0·τ − n = 0 in the form that stays exact when a is near zero.
      let tau = 0;
      if (n > 0 && a === 0) tau = n / r0;
      else if (n > 0) tau = (2 * n) / (r0 + Math.sqrt(r0 * r0 + 4 * a * n));
      const t = offsets[hint]! + tau;
      return t < durationMs ? t : Infinity;
    },
  };
}

export function timelineFor(config: ArrivalConfig): ArrivalTimeline {
  return config.executor === 'constant-arrival-rate'
    ? constantTimeline(config.rate, config.timeUnitMs, config.durationMs)
    : rampingTimeline(config.startRate, config.timeUnitMs, config.stages);
}

/**
 * constant-arrival-rate and ramping-arrival-rate: iterations start on the timeline whether or not
 * earlier ones finished. A due iteration takes a free VU, or one more up to maxVUs. With none left,
 * up to `maxBacklog` due iterations wait for the next free VU, a frameload addition. They keep their
 * slot as scheduled time, so latency measured from it shows the backlog. The oldest beyond that are
 * dropped and counted in dropped_iterations, as k6 drops them all.
 */
export async function runArrivalRate(
  config: ArrivalConfig,
  env: ExecutorEnv,
  stageHooks: StageHooks = noStageHooks,
): Promise<void> {
  const { clock, scenario, pool } = env;
  const timeline = timelineFor(config);
  const start = clock.now();
  scenario.startedAtMs = start;
  const endMs = start + timeline.durationMs;
  const maxBacklog = config.maxBacklog;
  const owned: VU[] = pool.take(config.preAllocatedVUs);
  // With a backlog, a finishing VU starts the next waiting iteration itself, so completions must be
  // spread over event-loop turns like the looping executors'.
  const inFlight = new InFlight(env, () => owned, maxBacklog > 0);
  scenario.activeVUs = owned.length;
  // Free VUs queue first in, first out, so iterations rotate over the VUs: with one agent per VU,
  // every agent sends its share of batches at an even cadence instead of a few agents sending all.
  const idle = new VuQueue(owned);
  const stages =
    config.executor === 'ramping-arrival-rate'
      ? trackStages(clock, scenario, config.stages, start, env.stop, stageHooks)
      : Promise.resolve();

  // Iterations [next, dueEnd) are due and wait for a VU; dueEnd is the first one not due yet.
  let next = 0;
  let dueEnd = 0;
  let accepting = true;
  const drop = (): void => {
    scenario.droppedIterations++;
    env.onDropped();
  };
  const startNext = (vu: VU): void => {
    // Claim the slot before starting: a synchronous iteration calls done() from inside start().
    const slot = start + timeline.at(next);
    next++;
    inFlight.start(vu, scenario, done, slot);
  };
  // While the loop below hands out due slots, a VU whose iteration finished synchronously goes back
  // to the idle queue and the loop takes it again, instead of recursing through done().
  let assigning = false;
  const done = (vu: VU): void => {
    if (accepting && !assigning && next < dueEnd) startNext(vu);
    else idle.push(vu);
  };
  const freeVu = (): VU | undefined => {
    const vu = idle.shift();
    if (vu || owned.length >= config.maxVUs) return vu;
    const added = pool.takeOne();
    if (added) {
      owned.push(added);
      scenario.activeVUs = owned.length;
    }
    return added;
  };

  let upcoming = timeline.at(0);
  while (upcoming !== Infinity && !env.stop.aborted) {
    if (clock.now() < start + upcoming) {
      await clock.sleepUntil(start + upcoming, env.stop);
      if (env.stop.aborted) break;
    }

    const now = clock.now();
    while (upcoming !== Infinity && start + upcoming <= now) {
      dueEnd++;
      upcoming = timeline.at(dueEnd);
    }
    assigning = true;
    for (let vu = next < dueEnd ? freeVu() : undefined; vu; vu = next < dueEnd ? freeVu() : undefined) startNext(vu);
    assigning = false;
    for (; dueEnd - next > maxBacklog; next++) drop();

    // Yield so finished iterations can return their VUs before the next slots. When the next slot is
    // not due yet, sleeping until it yields anyway, and an extra event-loop turn per slot costs CPU.
    if (upcoming !== Infinity && start + upcoming <= clock.now()) await new Promise<void>((r) => setImmediate(r));
  }

  if (!env.stop.aborted) await clock.sleepUntil(endMs, env.stop);
  accepting = false;
  // Iterations still waiting when the scenario ends never started.
  if (!env.stop.aborted) for (; next < dueEnd; next++) drop();
  await stages;
  await inFlight.drain(Math.min(clock.now(), endMs) + config.gracefulStopMs);
  for (const vu of owned) pool.release(vu);
  scenario.activeVUs = 0;
}

/** A first-in, first-out queue of VUs over a growable ring buffer. */
class VuQueue {
  private items: (VU | undefined)[];
  private head = 0;
  private size = 0;

  constructor(initial: readonly VU[]) {
    this.items = new Array<VU | undefined>(Math.max(16, initial.length * 2));
    for (const vu of initial) this.push(vu);
  }

  push(vu: VU): void {
    if (this.size === this.items.length) {
      const grown = new Array<VU | undefined>(this.items.length * 2);
      for (let i = 0; i < this.size; i++) grown[i] = this.items[(this.head + i) % this.items.length];
      this.items = grown;
      this.head = 0;
    }
    this.items[(this.head + this.size) % this.items.length] = vu;
    this.size++;
  }

  shift(): VU | undefined {
    if (this.size === 0) return undefined;
    const vu = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.size--;
    return vu;
  }
}
