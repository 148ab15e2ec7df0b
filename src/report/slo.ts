import { formatMs, formatRatio } from './format.ts';

/**
 * Service-level objectives a step is judged against. A step meets them when every value is at or
 * below its limit; only a value strictly above a limit is a breach.
 */
export interface Slo {
  /** Maximum 95th percentile of confirm latency, milliseconds. */
  p95Ms: number;
  /** Maximum error rate, a ratio from 0 to 1 (0.01 is 1%). See `StepResult.errorRate`. */
  errRate: number;
  /** Maximum connection failure rate, a ratio from 0 to 1 (0.001 is 0.1%). */
  connFailRate: number;
}

/** The operators' objectives: p95 confirm latency 500 ms, 1% errors, 0.1% connection failures. */
export const DEFAULT_SLO: Readonly<Slo> = Object.freeze({ p95Ms: 500, errRate: 0.01, connFailRate: 0.001 });

/** An objective a step broke. `confirms` means no batch was confirmed at all while load was offered. */
export type SloObjective = 'p95_ms' | 'error_rate' | 'conn_fail_rate' | 'confirms';

/** The outcome of judging one step. */
export interface SloVerdict {
  met: boolean;
  /** One sentence per broken objective, e.g. `p95 612 ms > 500 ms`; empty when met. */
  reasons: string[];
  /** The broken objectives, in the same order as `reasons`. */
  breached: SloObjective[];
}

/** The per-step values an SLO judgement reads. */
export interface SloInputs {
  targetEventsPerS: number;
  batchesConfirmed: number;
  confirmMs: { p95: number };
  errorRate: number;
  connFailRate: number;
}

/**
 * Judges one step against the objectives from the step's own samples only, never cumulatively.
 * A step that offered load but had no batch confirmed fails even with no errors recorded: its p95
 * would otherwise read 0 and make a stalled server look healthy.
 */
export function judgeStep(slo: Slo, step: SloInputs): SloVerdict {
  const reasons: string[] = [];
  const breached: SloObjective[] = [];

  if (step.targetEventsPerS > 0 && step.batchesConfirmed === 0) {
    breached.push('confirms');
    reasons.push('no batch confirmed during the step');
  }
  if (step.confirmMs.p95 > slo.p95Ms) {
    breached.push('p95_ms');
    reasons.push(`p95 ${formatMs(step.confirmMs.p95)} > ${formatMs(slo.p95Ms)}`);
  }
  if (step.errorRate > slo.errRate) {
    breached.push('error_rate');
    reasons.push(`error rate ${formatRatio(step.errorRate)} > ${formatRatio(slo.errRate)}`);
  }
  if (step.connFailRate > slo.connFailRate) {
    breached.push('conn_fail_rate');
    reasons.push(`connection failure rate ${formatRatio(step.connFailRate)} > ${formatRatio(slo.connFailRate)}`);
  }

  return { met: breached.length === 0, reasons, breached };
}
