import type { ResourceSeries } from '../monitor/types.ts';
import { buildCapacityJson, writeCapacityJson, type CapacityJson } from './capacity-json.ts';
import { renderReportHtml, writeReportHtml, type ReportHtmlOptions } from './html.ts';
import type { RecoveryResult } from './recovery.ts';
import type { Slo } from './slo.ts';
import type { StepResult } from './steps.ts';

/** Paths of the files `writeReports` wrote, and the data in them. */
export interface WrittenReports {
  capacityJsonPath: string;
  reportHtmlPath: string;
  capacity: CapacityJson;
}

export interface WriteReportsOptions extends ReportHtmlOptions {
  /** The recovery after a spike among the steps, if any. */
  recovery?: RecoveryResult | null;
  /** Why the run ended before its plan did, if it did. */
  stopped?: string | null;
}

/** Writes capacity.json and report.html for a run's steps into `dir` (REPORT_DIR), creating it. */
export async function writeReports(
  dir: string,
  steps: readonly StepResult[],
  slo: Slo,
  resources?: ResourceSeries,
  options: WriteReportsOptions = {},
): Promise<WrittenReports> {
  const capacity = buildCapacityJson(steps, slo, resources, options.recovery, options.stopped ?? null);
  const capacityJsonPath = await writeCapacityJson(dir, capacity);
  const reportHtmlPath = await writeReportHtml(dir, renderReportHtml(capacity, options));
  return { capacityJsonPath, reportHtmlPath, capacity };
}
