import type { RunResult } from '../engine/run.ts';
import { describeError } from '../engine/run.ts';
import type { Logger } from '../engine/runtime.ts';
import type { StepResult } from '../report/steps.ts';
import { buildSummaryData, type SummaryData } from '../summary/data.ts';
import { textSummary } from '../summary/text.ts';
import type { RunServices } from './services.ts';

export interface SummaryOutput {
  /** Per-step results of the run's ramping scenarios, shown in the STEPS table. */
  steps?: readonly StepResult[];
  summaryExport: string | undefined;
  noColor: boolean;
  write(path: string, content: string): void;
  log: Logger;
}

/** Builds the summary data of a finished (or stopped) run, in the shape handleSummary receives. */
export function summaryDataOf(result: RunResult, services: RunServices, steps?: readonly StepResult[]): SummaryData {
  return buildSummaryData({
    registry: result.registry,
    rootGroup: services.checks.snapshot(),
    thresholds: services.thresholds?.results(),
    options: {
      summaryTrendStats: result.options.summaryTrendStats,
      summaryTimeUnit: result.options.summaryTimeUnit,
      noColor: result.options.noColor,
    },
    state: {
      isStdOutTTY: process.stdout.isTTY === true,
      isStdErrTTY: process.stderr.isTTY === true,
      testRunDurationMs: result.testRunDurationMs,
    },
    insecureTlsPeers: result.insecureTlsPeers,
    ...(steps && steps.length > 0 ? { steps } : {}),
  });
}

/**
 * Writes the end-of-test outputs: `--summary-export`, then either what the script's handleSummary
 * returns (`stdout`, `stderr` and file paths) or the text summary on stdout. A failing handleSummary
 * is reported and the text summary printed instead, so the results are never lost.
 */
export async function writeSummary(result: RunResult, services: RunServices, out: SummaryOutput): Promise<void> {
  const data = summaryDataOf(result, services, out.steps);
  if (out.summaryExport) out.write(out.summaryExport, JSON.stringify(data, null, 2) + '\n');

  const handleSummary = result.mainExports.handleSummary;
  if (typeof handleSummary === 'function') {
    try {
      const outputs = (await (handleSummary as (d: SummaryData) => unknown)(structuredClone(data))) as Record<string, unknown> | undefined;
      writeOutputs(outputs ?? {}, out);
      return;
    } catch (err) {
      out.log.error(`handleSummary() failed, printing the default summary instead: ${describeError(err)}`);
    }
  }
  process.stdout.write('\n' + textSummary(data, { enableColors: !out.noColor && process.stdout.isTTY === true }) + '\n\n');
}

function writeOutputs(outputs: Record<string, unknown>, out: SummaryOutput): void {
  for (const [target, content] of Object.entries(outputs)) {
    let text: string;
    if (typeof content === 'string') text = content;
    else if (content instanceof Uint8Array) text = Buffer.from(content).toString();
    else text = JSON.stringify(content);
    if (target === 'stdout') process.stdout.write(text);
    else if (target === 'stderr') process.stderr.write(text);
    else out.write(target, text);
  }
}
