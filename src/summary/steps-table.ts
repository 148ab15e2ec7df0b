import type { StepResult } from '../report/steps.ts';
import { Color, displayWidth, formatDuration, formatPercent, padEnd, trimmedFixed, type Decorate } from './format.ts';

const HEADERS = ['step', 'target ev/s', 'achieved ev/s', 'p50', 'p95', 'p99', 'errors'];

/**
 * Renders the per-step table of a ramping plan: target and achieved events per second, confirm
 * latency percentiles, error rate and the SLO verdict, one row per step in plan order.
 */
export function renderSteps(steps: readonly StepResult[], indent: string, decorate: Decorate): string[] {
  // Monitored runs add the server's peak CPU and RSS during each step, for the columns the source provides.
  const cpu = steps.some((s) => s.resources?.cpuPercent != null);
  const rss = steps.some((s) => s.resources?.rssBytes != null);
  const headers = [...HEADERS, ...(cpu ? ['peak CPU'] : []), ...(rss ? ['peak RSS'] : []), 'verdict'];
  const peakCpu = (step: StepResult): string => (step.resources?.cpuPercent == null ? '-' : `${trimmedFixed(step.resources.cpuPercent, 1)}%`);
  const peakRss = (step: StepResult): string => (step.resources?.rssBytes == null ? '-' : `${trimmedFixed(step.resources.rssBytes / 1048576, 1)} MiB`);
  const rows = steps.map((step) => [
    step.label,
    trimmedFixed(step.targetEventsPerS, 1),
    trimmedFixed(step.achievedEventsPerS, 1),
    formatDuration(step.confirmMs.p50),
    formatDuration(step.confirmMs.p95),
    formatDuration(step.confirmMs.p99),
    formatPercent(step.errorRate),
    ...(cpu ? [peakCpu(step)] : []),
    ...(rss ? [peakRss(step)] : []),
    step.slo.met ? '✓ met' : `✗ ${step.slo.reasons.join(', ')}`,
  ]);
  const widths = headers.map((header, i) => Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[i]!))));

  const line = (cells: string[], verdictColor?: number): string => {
    const padded = cells.map((cell, i) => (i === cells.length - 1 ? cell : padEnd(cell, widths[i]!)));
    const verdict = padded.pop()!;
    return `${indent}${padded.join('  ')}  ${verdictColor === undefined ? verdict : decorate(verdict, verdictColor)}`;
  };

  return [
    line(headers.map((h) => decorate(h, Color.bold))),
    ...rows.map((cells, i) => line(cells, steps[i]!.slo.met ? Color.green : Color.red)),
  ];
}
