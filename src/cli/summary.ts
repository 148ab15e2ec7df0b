import type { RunResult } from '../engine/run.ts';
import type { Logger } from '../engine/runtime.ts';
import type { RunServices } from './services.ts';

export interface SummaryOutput {
  summaryExport: string | undefined;
  noColor: boolean;
  write(path: string, content: string): void;
  log: Logger;
}

export async function writeSummary(result: RunResult, services: RunServices, out: SummaryOutput): Promise<void> {
  const metrics: Record<string, unknown> = {};
  for (const [name, m] of result.registry.metrics) {
    metrics[name] = { type: m.type, contains: m.contains, values: m.root.values(result.options.summaryTrendStats, result.testRunDurationMs) };
  }
  const data = { metrics, root_group: services.checks.snapshot() };
  process.stdout.write(JSON.stringify(data, null, 1) + '\n');
  if (out.summaryExport) out.write(out.summaryExport, JSON.stringify(data, null, 2));
}
