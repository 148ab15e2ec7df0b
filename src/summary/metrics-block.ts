import type { SummaryData, SummaryMetric } from './data.ts';
import { compareMetricNames } from './data.ts';
import { Color, displayWidth, formatMetricValue, padEnd, type Decorate } from './format.ts';

interface Row {
  name: string;
  metric: SummaryMetric;
  /** `{ tag:value }` for submetrics, which sit two columns right of their metric. */
  label: string;
  labelIndent: string;
  columns: string[];
}

/**
 * Renders one line per metric in k6's layout: a ✓/✗ mark when the metric has thresholds, the name
 * padded with dots, then the values in aligned columns. Trends show `stat=value` per summaryTrendStats
 * entry, counters `count rate/s`, rates `percent ✓ passes ✗ fails` and gauges `value min=.. max=..`.
 */
export function renderMetrics(data: SummaryData, indent: string, decorate: Decorate): string[] {
  const { summaryTrendStats: stats, summaryTimeUnit: timeUnit } = data.options;
  const rows: Row[] = Object.entries(data.metrics)
    .sort(([a], [b]) => compareMetricNames(a, b))
    .map(([name, metric]) => {
      const brace = name.indexOf('{');
      const isSub = brace >= 0;
      return {
        name,
        metric,
        label: isSub ? `{ ${name.slice(brace + 1, -1)} }` : name,
        labelIndent: isSub ? '  ' : '',
        columns: metric.type === 'trend' ? trendColumns(metric, stats, timeUnit) : otherColumns(metric, timeUnit),
      };
    });

  const labelWidth = Math.max(0, ...rows.map((r) => displayWidth(r.labelIndent + r.label)));
  const trendWidths = columnWidths(rows.filter((r) => r.metric.type === 'trend'));
  const otherWidths = columnWidths(rows.filter((r) => r.metric.type !== 'trend'));

  return rows.map((row) => {
    const dots = decorate(`${'.'.repeat(labelWidth - displayWidth(row.labelIndent + row.label) + 3)}:`, Color.faint);
    const values =
      row.metric.type === 'trend'
        ? row.columns.map((c, i) => `${stats[i]}=${padEnd(decorate(c, Color.cyan), trendWidths[i]!)}`).join(' ')
        : otherValues(row.columns, otherWidths, decorate);
    return `${indent}${row.labelIndent}${mark(row.metric, decorate)} ${row.label}${dots} ${values}`.trimEnd();
  });
}

function mark(metric: SummaryMetric, decorate: Decorate): string {
  if (!metric.thresholds) return ' ';
  const failed = Object.values(metric.thresholds).some((t) => !t.ok);
  return failed ? decorate('✗', Color.red) : decorate('✓', Color.green);
}

function trendColumns(metric: SummaryMetric, stats: readonly string[], timeUnit: string): string[] {
  return stats.map((stat) => {
    const value = metric.values[stat] ?? 0;
    return stat === 'count' ? String(value) : formatMetricValue(value, metric, timeUnit);
  });
}

function otherColumns(metric: SummaryMetric, timeUnit: string): string[] {
  const v = metric.values;
  const format = (value: number | undefined): string => formatMetricValue(value ?? 0, metric, timeUnit);
  switch (metric.type) {
    case 'counter':
      return [format(v.count), `${format(v.rate)}/s`];
    case 'gauge':
      return [format(v.value), `min=${format(v.min)}`, `max=${format(v.max)}`];
    case 'rate':
      return [format(v.rate), `✓ ${v.passes ?? 0}`, `✗ ${v.fails ?? 0}`];
    default:
      return ['[no data]'];
  }
}

function columnWidths(rows: readonly Row[]): number[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.columns.forEach((column, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(column));
    });
  }
  return widths;
}

// The first column is the main value; the rest are faint extras. A lone extra (a counter's rate) is
// not padded, because nothing follows it.
function otherValues(columns: readonly string[], widths: readonly number[], decorate: Decorate): string {
  const [main = '', ...extras] = columns;
  let text = padEnd(decorate(main, Color.cyan), widths[0]!);
  if (extras.length === 1) return `${text} ${decorate(extras[0]!, Color.cyan, Color.faint)}`;
  if (extras.length > 1) text += ` ${extras.map((e, i) => padEnd(decorate(e, Color.cyan, Color.faint), widths[i + 1]!)).join(' ')}`;
  return text;
}
