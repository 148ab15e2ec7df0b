import { basename, dirname, extname, resolve } from 'node:path';

import type { RunObserver, RunResult } from '../engine/run.ts';
import type { Logger } from '../engine/runtime.ts';
import type { Monitor, ResourceSeries } from '../monitor/types.ts';
import { findCapacity } from '../report/capacity.ts';
import { StepCollector } from '../report/collect.ts';
import { formatRate } from '../report/format.ts';
import { sloOf, type FollowUpRun } from '../report/options.ts';
import type { RecoveryResult } from '../report/recovery.ts';
import type { StepResult } from '../report/steps.ts';
import type { CapacityJson } from '../report/capacity-json.ts';
import { writeReports } from '../report/write.ts';
import { MonitorObserver } from './monitor-flag.ts';

/** A run the CLI starts after the first one, with the script resolved and CAPACITY_EPS set. */
export interface FollowUp {
  script: string;
  env: Record<string, string>;
  /** The follow-up script's name without extension, for its own summary export file. */
  name: string;
}

/**
 * What the CLI keeps across the runs of one `frameload run`: the first run and the follow-up runs
 * its `afterCapacity` option starts. Each run gets a fresh step collector and monitor sampler, and
 * their steps, recovery and readings add up. The report written after each run covers every run so
 * far, so an interrupted follow-up loses nothing from the runs before it.
 */
export class ReportSession {
  private steps: StepResult[] = [];
  private recovery: RecoveryResult | null = null;
  private resources: ResourceSeries | undefined;
  private capacity: number | null = null;
  private followUpRuns: FollowUpRun[] = [];
  private collector: StepCollector | undefined;
  private monitorObserver: MonitorObserver | undefined;

  constructor(
    private readonly monitor: Monitor | undefined,
    private readonly log: Logger,
    /** Prints an informational line, such as where the reports went. */
    private readonly note: (message: string) => void,
  ) {}

  /** Observers for the next run. */
  observers(): RunObserver[] {
    this.collector = new StepCollector();
    this.monitorObserver = this.monitor ? new MonitorObserver(this.monitor, this.log) : undefined;
    return this.monitorObserver ? [this.collector, this.monitorObserver] : [this.collector];
  }

  /**
   * Ends the current run: stops its sampler, adds per-step server peaks, writes the reports when the
   * run configured `report.dir`, and returns the run's own steps for its summary. A report that cannot
   * be written is logged and returned as false.
   */
  async finishRun(result: RunResult, first: boolean): Promise<{ steps: StepResult[]; reportsWritten: boolean }> {
    const collector = this.collector!;
    collector.onEnd();
    const series = await this.monitorObserver?.stop();
    if (series) {
      collector.attachResources(series);
      this.resources = mergeSeries(this.resources, series);
    }

    const ownSteps = collector.reportSteps();
    if (first) {
      this.capacity = findCapacity(ownSteps).capacityEventsPerS;
      this.followUpRuns = result.options.afterCapacity;
    }
    // The collector counts step positions within this run; the report counts them across runs.
    const recovery = collector.recovery();
    if (recovery) this.recovery = { ...recovery, spikeStep: recovery.spikeStep + this.steps.length };
    this.steps.push(...ownSteps);

    let reportsWritten = true;
    const dir = result.options.report.dir;
    if (dir !== undefined && this.steps.length > 0) {
      try {
        const written = await writeReports(dir, this.steps, sloOf(result.options.slo), this.resources, {
          recovery: this.recovery,
          stopped: stoppedReason(result),
        });
        this.note(`reports: ${written.capacityJsonPath} and ${written.reportHtmlPath}`);
        this.note(describeVerdict(written.capacity));
      } catch (err) {
        this.log.error(err instanceof Error ? err.message : String(err));
        reportsWritten = false;
      }
    }
    return { steps: collector.steps(), reportsWritten };
  }

  /**
   * Lists the runs to start after the first one: its `afterCapacity` entries, each with CAPACITY_EPS set to
   * the capacity the first run found. None when it found no capacity.
   */
  followUps(firstScript: string): FollowUp[] {
    if (this.followUpRuns.length === 0) return [];
    if (this.capacity === null) {
      this.log.error('afterCapacity: no step met every objective, so there is no capacity to run the follow-up runs from; skipping them');
      return [];
    }
    const capacity = String(Math.round(this.capacity * 100) / 100);
    this.note(`capacity ${formatRate(this.capacity, 'events/s')}; starting ${this.followUpRuns.map((f) => f.script).join(', ')} with CAPACITY_EPS=${capacity}`);
    return this.followUpRuns.map((f) => {
      const script = resolve(dirname(firstScript), f.script);
      return { script, env: { ...f.env, CAPACITY_EPS: capacity }, name: basename(script, extname(script)) };
    });
  }
}

function mergeSeries(into: ResourceSeries | undefined, next: ResourceSeries): ResourceSeries {
  if (into === undefined) return { ...next, samples: [...next.samples] };
  return { ...into, samples: [...into.samples, ...next.samples], failedSamples: into.failedSamples + next.failedSamples };
}

/** Returns why a run ended before its plan did, for the reports, or null when it ran to its end or past a breach. */
function stoppedReason(result: RunResult): string | null {
  if (result.abortReason !== undefined) return `test.abort()${result.abortReason ? `: ${result.abortReason}` : ''}`;
  if (result.interrupted) return 'interrupted by the user';
  return null;
}

/** Describes the plan's verdict in one line, so the terminal shows it without opening the reports. */
function describeVerdict(report: CapacityJson): string {
  const capacity = report.max_sustainable_events_per_s;
  const at = capacity === null ? 'none: no step met every objective' : `${formatRate(capacity, 'events/s')} (${report.steps[report.capacity_step!]!.label})`;
  if (report.breach) return `capacity: ${at}; breached at ${report.breach.label}: ${report.breach.reasons.join(', ')}`;
  if (report.stopped) return `capacity: no verdict, the run was stopped (${report.stopped}); at least ${at}`;
  return `capacity: at least ${at}; no step breached an objective`;
}
