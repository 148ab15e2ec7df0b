import type { StepResult } from './steps.ts';
import type { LatencyWindow } from './windows.ts';

/** How long confirm latency took to meet the p95 objective again after a spike. */
export interface RecoveryResult {
  /** Position in the steps of the spike step: the `spike` step with the highest target. */
  spikeStep: number;
  spikeLabel: string;
  spikeEventsPerS: number;
  /** End of the spike step, Unix epoch milliseconds. */
  spikeEndMs: number;
  /** Start of the first window from which every later window met the p95 objective; null when none did. */
  recoveredAtMs: number | null;
  /** `recoveredAtMs - spikeEndMs`, or null. Its resolution is `windowMs`. */
  recoveryMs: number | null;
  /** How long after the spike windows were observed, milliseconds. */
  observedMs: number;
  windowMs: number;
  p95LimitMs: number;
}

/**
 * Finds the spike step and measures its recovery from the latency windows of the same scenario that
 * follow it. The recovery starts at the first window with confirms from which no later window
 * breached. A window without confirms neither breaks nor proves recovery, so a quiet pause after the
 * spike is not mistaken for health. Returns null without a completed spike step.
 */
export function measureRecovery(
  steps: readonly StepResult[],
  windows: readonly LatencyWindow[],
  p95LimitMs: number,
  windowMs: number,
): RecoveryResult | null {
  let spike = -1;
  steps.forEach((step, i) => {
    if (step.phase === 'spike' && (spike < 0 || step.targetEventsPerS > steps[spike]!.targetEventsPerS)) spike = i;
  });
  if (spike < 0) return null;
  const step = steps[spike]!;
  const after = windows.filter((w) => w.scenario === step.scenario && w.startMs >= step.endMs);

  let recoveredAtMs: number | null = null;
  for (let i = after.length - 1; i >= 0; i--) {
    const w = after[i]!;
    if (w.count === 0) continue;
    if (w.p95 > p95LimitMs) break;
    recoveredAtMs = w.startMs;
  }
  // The first windows after the spike start at the next stage's start, a millisecond or two after the
  // spike's end, and may hold no confirm yet. Latency that met the objective from the first window
  // with confirms on, when that window began within one window of the spike's end, recovered at once.
  const firstWithConfirms = after.find((w) => w.count > 0);
  if (firstWithConfirms && recoveredAtMs === firstWithConfirms.startMs && recoveredAtMs - step.endMs < windowMs) {
    recoveredAtMs = step.endMs;
  }

  return {
    spikeStep: spike,
    spikeLabel: step.label,
    spikeEventsPerS: step.targetEventsPerS,
    spikeEndMs: step.endMs,
    recoveredAtMs,
    recoveryMs: recoveredAtMs === null ? null : recoveredAtMs - step.endMs,
    observedMs: after.length === 0 ? 0 : after[after.length - 1]!.endMs - step.endMs,
    windowMs,
    p95LimitMs,
  };
}
