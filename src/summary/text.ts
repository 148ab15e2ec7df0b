import type { CheckNode, GroupNode } from '../metrics/checks.ts';
import type { ThresholdResult } from '../metrics/thresholds/judge.ts';
import type { SummaryData, SummaryMetric } from './data.ts';
import { compareMetricNames } from './data.ts';
import { Color, formatAggregationValue, formatDuration, makeDecorate, type Decorate } from './format.ts';
import { renderMetrics } from './metrics-block.ts';
import { renderSteps } from './steps-table.ts';

export interface TextSummaryOptions {
  /** Prefix of every line; k6 uses one space. */
  indent?: string;
  /** ANSI colours; defaults to the opposite of the data's `options.noColor`. */
  enableColors?: boolean;
}

/**
 * Renders the end-of-test summary in k6's layout: checks by group, then thresholds with ✓/✗ and the
 * observed value, then every metric, then the per-step table when the data has one. A notice comes
 * first when connections ran with TLS certificate verification off.
 */
export function textSummary(data: SummaryData, options: TextSummaryOptions = {}): string {
  const base = options.indent ?? ' ';
  const decorate = makeDecorate(options.enableColors ?? !data.options.noColor);
  const blockIndent = `${base}    `;
  const lines: string[] = [];

  const insecurePeers = data.frameload?.tls_verification.disabled_for ?? [];
  if (insecurePeers.length > 0) {
    lines.push(decorate(`${blockIndent}NOTICE: TLS certificate verification was OFF for: ${insecurePeers.join(', ')}`, Color.yellow, Color.bold), '');
  }

  lines.push(...renderGroup(data.root_group, blockIndent, decorate));
  lines.push(...renderThresholds(data, blockIndent, decorate));
  lines.push(...renderMetrics(data, `${base}  `, decorate));

  const steps = data.frameload?.steps;
  if (steps && steps.length > 0) {
    lines.push('', `${blockIndent}${decorate('STEPS', Color.bold)}`, '', ...renderSteps(steps, blockIndent, decorate));
  }
  return lines.join('\n');
}

function renderGroup(group: GroupNode, indent: string, decorate: Decorate): string[] {
  const lines: string[] = [];
  let inner = indent;
  if (group.name !== '') {
    lines.push(`${indent}█ ${group.name}`, '');
    inner += '  ';
  }
  for (const check of group.checks) lines.push(...renderCheck(check, inner, decorate));
  if (group.checks.length > 0) lines.push('');
  for (const child of group.groups) lines.push(...renderGroup(child, inner, decorate));
  return lines;
}

function renderCheck(check: CheckNode, indent: string, decorate: Decorate): string[] {
  if (check.fails === 0) return [decorate(`${indent}✓ ${check.name}`, Color.green)];
  // k6 floors the percentage, so 999 of 1000 reads 99%, never a rounded-up 100%.
  const percent = Math.floor((100 * check.passes) / (check.passes + check.fails));
  return [
    decorate(`${indent}✗ ${check.name}`, Color.red),
    decorate(`${indent} ↳  ${percent}% — ✓ ${check.passes} / ✗ ${check.fails}`, Color.red),
  ];
}

function renderThresholds(data: SummaryData, indent: string, decorate: Decorate): string[] {
  const names = Object.keys(data.metrics)
    .filter((name) => data.metrics[name]!.thresholds)
    .sort(compareMetricNames);
  if (names.length === 0) return [];

  const lines = [`${indent}${decorate('THRESHOLDS', Color.bold)}`, ''];
  for (const name of names) {
    const metric = data.metrics[name]!;
    lines.push(`${indent}${name}`);
    for (const [label, verdict] of Object.entries(metric.thresholds!)) {
      const detail = data.frameload?.thresholds[name]?.[label];
      lines.push(...renderThreshold(label, verdict.ok, detail, metric, data.options.summaryTimeUnit, indent, decorate));
    }
    lines.push('');
  }
  return lines;
}

function renderThreshold(
  label: string,
  ok: boolean,
  detail: ThresholdResult | undefined,
  metric: SummaryMetric,
  timeUnit: string,
  indent: string,
  decorate: Decorate,
): string[] {
  // A windowed threshold's label is the expression plus ` [window]`, and only the expression is quoted.
  const suffix = detail && detail.window !== 'all' ? ` [${detail.window}]` : '';
  const expression = suffix && label.endsWith(suffix) ? label.slice(0, -suffix.length) : label;
  const windowText = expression === label ? '' : suffix;
  const markText = ok ? decorate('✓', Color.green) : decorate('✗', Color.red);
  let line = `${indent}${markText} ${decorate(`'${expression}'`, Color.faint)}${windowText}`;
  if (!detail) return [line];

  const value = (v: number): string => `${detail.aggregation}=${decorate(formatAggregationValue(v, detail.aggregation, metric, timeUnit), Color.cyan)}`;
  if (detail.value === undefined) line += ' nothing judged';
  else if (detail.window === 'all') line += ` ${value(detail.value)}`;
  else line += ` worst ${value(detail.value)} over ${detail.judged} ${detail.window === 'stage' ? 'stage' : 'window'}${detail.judged === 1 ? '' : 's'}`;

  const lines = [line];
  if (detail.window === 'all') return lines;
  for (const failure of detail.failures) {
    const span = `${formatDuration(failure.fromMs)} to ${formatDuration(failure.toMs)}`;
    const where = failure.stage === undefined ? span : `stage ${failure.stage} of ${failure.scenario} (${span})`;
    lines.push(decorate(`${indent}  ↳ failed in ${where}: `, Color.red) + value(failure.value));
  }
  return lines;
}
