import type { StepResult } from './steps.ts';

/** The capacity a ramp found and the step that ended it. */
export interface CapacityVerdict {
  /** Target events/s of the last step that met every SLO before the first breach; null when the first step breached. */
  capacityEventsPerS: number | null;
  /** Position in `steps` of that step, or null. */
  capacityStep: number | null;
  /** The first breaching step and its reasons; null when every step met the SLOs. */
  breach: { step: number; label: string; reasons: string[] } | null;
}

const RAMP_PHASES = new Set(['warmup', 'ramp', 'stage']);

/**
 * Finds the capacity: the target rate of the last step that met every SLO before the first step
 * that breached. Steps after the first breach are ignored even if they pass, because a ramp past
 * a breach measures recovery, not sustainable load. Spike and soak steps never count, and neither do
 * partial steps, cut short by a stop, because a few seconds of samples tell little about a rate.
 * Without a breach the capacity is the last step's target, a lower bound on the true capacity.
 */
export function findCapacity(steps: readonly StepResult[]): CapacityVerdict {
  let capacityStep: number | null = null;

  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (!RAMP_PHASES.has(step.phase) || step.partial === true) continue;
    if (!step.slo.met) {
      return {
        capacityEventsPerS: capacityStep === null ? null : steps[capacityStep]!.targetEventsPerS,
        capacityStep,
        breach: { step: i, label: step.label, reasons: [...step.slo.reasons] },
      };
    }
    capacityStep = i;
  }

  return {
    capacityEventsPerS: capacityStep === null ? null : steps[capacityStep]!.targetEventsPerS,
    capacityStep,
    breach: null,
  };
}
