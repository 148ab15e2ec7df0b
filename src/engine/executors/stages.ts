import type { Clock } from '../clock.ts';
import type { Stage } from '../options.ts';
import type { ScenarioState } from '../scenario-state.ts';

/** Start offsets of each stage from the scenario start, in milliseconds, plus the total at the end. */
export function stageOffsets(stages: readonly Stage[]): number[] {
  const offsets = [0];
  for (const s of stages) offsets.push(offsets[offsets.length - 1]! + s.durationMs);
  return offsets;
}

/**
 * Keeps `scenario.stage` on the active stage index until the last stage ends, calling `onStageEnd`
 * with each index as its stage completes (per-stage thresholds and step results hang on it).
 */
export async function trackStages(
  clock: Clock,
  scenario: ScenarioState,
  stages: readonly Stage[],
  startMs: number,
  signal: AbortSignal,
  onStageEnd: (index: number) => void,
): Promise<void> {
  const offsets = stageOffsets(stages);
  for (let i = 0; i < stages.length; i++) {
    scenario.stage = i;
    await clock.sleepUntil(startMs + offsets[i + 1]!, signal);
    if (signal.aborted) return;
    onStageEnd(i);
  }
}
