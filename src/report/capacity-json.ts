import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ResourceSample, ResourceSeries } from '../monitor/types.ts';
import { findCapacity } from './capacity.ts';
import { ReportWriteError } from './errors.ts';
import { round } from './format.ts';
import type { RecoveryResult } from './recovery.ts';
import { peakInWindow, type ResourcePeak } from './resources.ts';
import type { Slo } from './slo.ts';
import type { StepPhase, StepResult } from './steps.ts';

/** Version of the capacity.json layout; raised when a field changes meaning or is removed. */
export const CAPACITY_SCHEMA_VERSION = 1;

/** Peak readings of the system under test, null where the monitor source does not provide the field. */
export interface CapacityJsonPeak {
  samples: number;
  cpu_percent: number | null;
  rss_bytes: number | null;
  open_fds: number | null;
  host_cpu_percent: number | null;
  host_mem_available_min_bytes: number | null;
}

/** One step of capacity.json. Rates are per second, latencies milliseconds, rates of failure ratios 0 to 1. */
export interface CapacityJsonStep {
  index: number;
  label: string;
  phase: StepPhase;
  start_ms: number;
  end_ms: number;
  target_events_per_s: number;
  achieved_events_per_s: number;
  target_batches_per_s: number;
  achieved_batches_per_s: number;
  events_confirmed: number;
  batches_confirmed: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  error_rate: number;
  error_count: number;
  errors: Record<string, number>;
  conn_attempts: number;
  conn_failures: number;
  conn_fail_rate: number;
  dropped_iterations: number;
  send_lateness_p95_ms: number;
  send_lateness_max_ms: number;
  slo_met: boolean;
  slo_reasons: string[];
  /** Present and true when the run stopped before the step's planned end. */
  partial?: boolean;
  /** Peak readings during the step; present only when the run was monitored. */
  resources?: CapacityJsonPeak;
}

/** A monitor reading in capacity.json; null where the source does not provide the field. */
export interface CapacityJsonSample {
  t_ms: number;
  cpu_percent: number | null;
  rss_bytes: number | null;
  open_fds: number | null;
  host_cpu_percent: number | null;
  host_mem_available_bytes: number | null;
  host_mem_total_bytes: number | null;
}

export interface CapacityJsonResources {
  source: string;
  interval_ms: number;
  failed_samples: number;
  samples: CapacityJsonSample[];
  /** Peak readings during the capacity step; null when no step met the SLOs. */
  peak_at_capacity: CapacityJsonPeak | null;
}

/** The recovery after a spike; times Unix epoch milliseconds, durations milliseconds. */
export interface CapacityJsonRecovery {
  /** Position in `steps` of the spike step. */
  spike_step: number;
  spike_label: string;
  spike_events_per_s: number;
  spike_end_ms: number;
  /** Start of the first latency window from which every later window met the p95 objective; null when none did. */
  recovered_at_ms: number | null;
  /** Time from the end of the spike to `recovered_at_ms`, null when latency did not recover while observed. */
  recovery_ms: number | null;
  /** How long after the spike latency was observed. */
  observed_ms: number;
  /** Length of one latency window, the resolution of `recovery_ms`. */
  window_ms: number;
  p95_limit_ms: number;
}

/** The content of capacity.json. */
export interface CapacityJson {
  schema_version: number;
  /** Target events/s of the last step that met every SLO before the first breach; null when none did. */
  max_sustainable_events_per_s: number | null;
  /** Position in `steps` of the capacity step, or null. */
  capacity_step: number | null;
  /** The first breaching step (position in `steps`) and why; null when no step breached. */
  breach: { step: number; label: string; reasons: string[] } | null;
  slo: { p95_ms: number; error_rate: number; conn_fail_rate: number };
  steps: CapacityJsonStep[];
  resources?: CapacityJsonResources;
  /** Present when the steps include a spike. */
  recovery?: CapacityJsonRecovery;
  /**
   * Why the run ended before its plan did (a Ctrl-C, test.abort()), or null. A stopped run without a
   * breach gives no verdict: its capacity is only a lower bound.
   */
  stopped: string | null;
}

/** Builds capacity.json from the step results, the objectives they were judged by, and monitor readings if any. */
export function buildCapacityJson(
  steps: readonly StepResult[],
  slo: Slo,
  resources?: ResourceSeries,
  recovery?: RecoveryResult | null,
  stopped: string | null = null,
): CapacityJson {
  const verdict = findCapacity(steps);
  const json: CapacityJson = {
    schema_version: CAPACITY_SCHEMA_VERSION,
    max_sustainable_events_per_s: verdict.capacityEventsPerS,
    capacity_step: verdict.capacityStep,
    breach: verdict.breach,
    slo: { p95_ms: slo.p95Ms, error_rate: slo.errRate, conn_fail_rate: slo.connFailRate },
    steps: steps.map((step) => stepJson(step, resources)),
    stopped,
  };

  if (resources) {
    const capacity = verdict.capacityStep === null ? undefined : steps[verdict.capacityStep];
    json.resources = {
      source: resources.source,
      interval_ms: resources.intervalMs,
      failed_samples: resources.failedSamples,
      samples: resources.samples.map(sampleJson),
      peak_at_capacity: capacity ? peakJson(peakInWindow(resources.samples, capacity.startMs, capacity.endMs)) : null,
    };
  }
  if (recovery) {
    json.recovery = {
      spike_step: recovery.spikeStep,
      spike_label: recovery.spikeLabel,
      spike_events_per_s: round(recovery.spikeEventsPerS, 2),
      spike_end_ms: recovery.spikeEndMs,
      recovered_at_ms: recovery.recoveredAtMs,
      recovery_ms: recovery.recoveryMs,
      observed_ms: recovery.observedMs,
      window_ms: recovery.windowMs,
      p95_limit_ms: recovery.p95LimitMs,
    };
  }
  return json;
}

/** Writes `capacity.json` into `dir`, creating the folder; returns the file's path. */
export async function writeCapacityJson(dir: string, json: CapacityJson): Promise<string> {
  const path = join(dir, 'capacity.json');
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(path, `${JSON.stringify(json, null, 2)}\n`);
  } catch (cause) {
    throw new ReportWriteError(path, { cause });
  }
  return path;
}

// Latencies keep microseconds, rates hundredths and ratios six decimals: finer digits are noise
// below the histogram's 0.1% resolution and make the file harder to read.
function stepJson(step: StepResult, resources: ResourceSeries | undefined): CapacityJsonStep {
  const json: CapacityJsonStep = {
    index: step.index,
    label: step.label,
    phase: step.phase,
    start_ms: step.startMs,
    end_ms: step.endMs,
    target_events_per_s: round(step.targetEventsPerS, 2),
    achieved_events_per_s: round(step.achievedEventsPerS, 2),
    target_batches_per_s: round(step.targetBatchesPerS, 2),
    achieved_batches_per_s: round(step.achievedBatchesPerS, 2),
    events_confirmed: step.eventsConfirmed,
    batches_confirmed: step.batchesConfirmed,
    p50_ms: round(step.confirmMs.p50, 3),
    p95_ms: round(step.confirmMs.p95, 3),
    p99_ms: round(step.confirmMs.p99, 3),
    max_ms: round(step.confirmMs.max, 3),
    error_rate: round(step.errorRate, 6),
    error_count: step.errorCount,
    errors: { ...step.errors },
    conn_attempts: step.connectAttempts,
    conn_failures: step.connectFailures,
    conn_fail_rate: round(step.connFailRate, 6),
    dropped_iterations: step.droppedIterations,
    send_lateness_p95_ms: round(step.sendLatenessMs.p95, 3),
    send_lateness_max_ms: round(step.sendLatenessMs.max, 3),
    slo_met: step.slo.met,
    slo_reasons: [...step.slo.reasons],
  };
  if (step.partial) json.partial = true;
  if (resources) json.resources = peakJson(peakInWindow(resources.samples, step.startMs, step.endMs));
  return json;
}

function peakJson(peak: ResourcePeak): CapacityJsonPeak {
  return {
    samples: peak.samples,
    cpu_percent: peak.cpuPercent === null ? null : round(peak.cpuPercent, 2),
    rss_bytes: peak.rssBytes,
    open_fds: peak.openFds,
    host_cpu_percent: peak.hostCpuPercent === null ? null : round(peak.hostCpuPercent, 2),
    host_mem_available_min_bytes: peak.hostMemAvailableMinBytes,
  };
}

function sampleJson(sample: ResourceSample): CapacityJsonSample {
  return {
    t_ms: sample.timeMs,
    cpu_percent: sample.cpuPercent === undefined ? null : round(sample.cpuPercent, 2),
    rss_bytes: sample.rssBytes ?? null,
    open_fds: sample.openFds ?? null,
    host_cpu_percent: sample.hostCpuPercent === undefined ? null : round(sample.hostCpuPercent, 2),
    host_mem_available_bytes: sample.hostMemAvailableBytes ?? null,
    host_mem_total_bytes: sample.hostMemTotalBytes ?? null,
  };
}
