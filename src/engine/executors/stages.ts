import type { Clock } from '../clock.ts';
import type { Stage } from '../options.ts';
import type { ScenarioState } from '../scenario-state.ts';

/** Start offsets of each stage from the scenario start, in milliseconds, plus the total at the end. */
export function stageOffsets(stages: readonly Stage[]): number[] {
  const offsets = [0];
  for (const s of stages) offsets.push(offsets[offsets.length - 1]! + s.durationMs);
  return offsets;
}

/** Called as each ramping stage starts and ends; per-stage thresholds and step results hang on it. */
export interface StageHooks {
  start(index: number): void;
  end(index: number): void;
}

export const noStageHooks: StageHooks = { start: () => {}, end: () => {} };

/** Keeps `scenario.stage` on the active stage index until the last stage ends, calling the hooks. */
export async function trackStages(
  clock: Clock,
  scenario: ScenarioState,
  stages: readonly Stage[],
  startMs: number,
  signal: AbortSignal,
  hooks: StageHooks,
): Promise<void> {
  const offsets = stageOffsets(stages);
  for (let i = 0; i < stages.length; i++) {
    scenario.stage = i;
    hooks.start(i);
    await clock.sleepUntil(startMs + offsets[i + 1]!, signal);
    hooks.end(i);
    if (signal.aborted) return;
  }
}
