import type { ResourceSeries } from '../../src/monitor/types.ts';
import { DEFAULT_SLO, judgeStep } from '../../src/report/slo.ts';
import type { StepResult } from '../../src/report/steps.ts';

export const RUN_START_MS = Date.UTC(2026, 0, 15, 9, 0, 0);
export const STEP_MS = 10_000;

/**
 * Builds step results of a ramp: a warm-up at 1,000 events/s, then +100 events/s per step, 10 s each,
 * batches of 10 events. Steps before `breachAt` are healthy; the step at `breachAt` confirms 98% of
 * its target with p95 840 ms and 2% errors; steps after it recover.
 */
export function steppedRun(options: { steps: number; breachAt: number }): StepResult[] {
  const steps: StepResult[] = [];
  for (let i = 0; i < options.steps; i++) {
    const target = 1000 + 100 * i;
    const breach = i === options.breachAt;
    const batches = breach ? 1372 : target;
    const errors: Record<string, number> = breach ? { confirm_timeout: 20, send_failed: 8 } : {};
    const errorCount = breach ? 28 : 0;
    const confirmMs = breach
      ? { count: batches, p50: 210, p95: 840, p99: 1260, max: 1680 }
      : { count: batches, p50: 40 + 10 * i, p95: 100 + 50 * i, p99: 150 + 60 * i, max: 200 + 80 * i };

    const stats = {
      index: i,
      label: i === 0 ? 'warm-up' : `step ${i}`,
      phase: i === 0 ? ('warmup' as const) : ('ramp' as const),
      startMs: RUN_START_MS + i * STEP_MS,
      endMs: RUN_START_MS + (i + 1) * STEP_MS,
      targetEventsPerS: target,
      targetBatchesPerS: target / 10,
      achievedEventsPerS: (batches * 10) / (STEP_MS / 1000),
      achievedBatchesPerS: batches / (STEP_MS / 1000),
      eventsConfirmed: batches * 10,
      batchesConfirmed: batches,
      confirmMs,
      errorCount,
      errorRate: errorCount / (batches + errorCount),
      errors,
      connectAttempts: i === 0 ? 200 : 0,
      connectFailures: 0,
      connFailRate: 0,
      droppedIterations: 0,
      sendLatenessMs: { p95: 1.5, max: 4 },
    };
    steps.push({ ...stats, slo: judgeStep(DEFAULT_SLO, stats) });
  }
  return steps;
}

/** Monitor readings every `everyMs` over the steps, CPU rising 10 points per step and RSS by 20 MiB per step. */
export function monitoredSeries(steps: readonly StepResult[], everyMs: number): ResourceSeries {
  const samples: ResourceSeries['samples'] = [];
  const end = steps[steps.length - 1]!.endMs;
  for (let t = steps[0]!.startMs + everyMs, n = 0; t <= end; t += everyMs, n++) {
    const stepIndex = Math.floor((t - 1 - steps[0]!.startMs) / STEP_MS);
    samples.push({
      timeMs: t,
      cpuPercent: 20 + 10 * stepIndex + (n % 2) * 3,
      rssBytes: (100 + 20 * stepIndex) * 1048576 + (n % 3) * 1048576,
      openFds: 210 + stepIndex,
    });
  }
  return { source: 'pid:4242', intervalMs: everyMs, failedSamples: 0, samples };
}
