import type { SummaryMetric } from './data.ts';

/** ANSI SGR codes the summary uses. */
export const Color = { bold: 1, faint: 2, red: 31, green: 32, yellow: 33, cyan: 36 } as const;

/** Wraps text in ANSI colours, or returns it unchanged when colours are off. */
export type Decorate = (text: string, ...codes: number[]) => string;

export function makeDecorate(enabled: boolean): Decorate {
  if (!enabled) return (text) => text;
  return (text, ...codes) => `\x1b[${codes.join(';')}m${text}\x1b[0m`;
}

/** Returns the columns `text` takes in a terminal: ANSI escape sequences take none. */
export function displayWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return [...text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').normalize('NFKC')].length;
}

/** Pads `text` on the right to `width` terminal columns. */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Formats with at most `digits` decimals and no trailing zeros: 1.50 is `1.5`, 2.000 is `2`. */
export function trimmedFixed(value: number, digits: number): string {
  return String(Number.parseFloat(value.toFixed(digits)));
}

/**
 * Truncates to `digits` decimals, as k6 does for durations, so 1.999 ms reads `1.99ms` rather than
 * `2ms`. The epsilon keeps a value like 0.29, stored as 0.28999..., from losing its last digit.
 */
function truncatedFixed(value: number, digits: number): string {
  const scale = 10 ** digits;
  return trimmedFixed(Math.trunc(value * scale + 1e-9) / scale, digits);
}

/** Formats bytes in decimal units as k6 does: `512 B`, `1.5 kB`, `12 MB` (one decimal below 10). */
export function formatBytes(bytes: number): string {
  if (bytes < 10) return `${trimmedFixed(bytes, 6)} B`;
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const exponent = Math.min(Math.floor(Math.log(bytes) / Math.log(1000)), units.length - 1);
  const scaled = Math.floor((bytes / 1000 ** exponent) * 10 + 0.5) / 10;
  return `${scaled.toFixed(scaled < 10 ? 1 : 0)} ${units[exponent]}`;
}

/**
 * Formats milliseconds in the largest fitting unit with at most 2 decimals, truncated, as k6's summary
 * does: `0s`, `850ns`, `12.5µs`, `117.34ms`, `1.5s`, `1m30s`, `2h0m5s`. Above a minute the seconds are whole.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1_000_000)}ns`;
  if (ms < 1) return `${truncatedFixed(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${truncatedFixed(ms, 2)}ms`;

  const seconds = `${truncatedFixed((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 1) return seconds;
  const hours = Math.trunc(minutes / 60);
  if (hours < 1) return `${minutes}m${seconds}`;
  return `${hours}h${minutes % 60}m${seconds}`;
}

const TIME_UNITS: Record<string, { factor: number; suffix: string }> = {
  s: { factor: 0.001, suffix: 's' },
  ms: { factor: 1, suffix: 'ms' },
  us: { factor: 1000, suffix: 'µs' },
};

/** Formats a time value in the fixed `summaryTimeUnit` (`s`, `ms`, `us`), or in the fitting unit when it is empty. */
export function formatTime(ms: number, timeUnit: string): string {
  const unit = TIME_UNITS[timeUnit];
  return unit ? `${(ms * unit.factor).toFixed(2)}${unit.suffix}` : formatDuration(ms);
}

/** Formats a ratio from 0 to 1 as a percentage with 2 decimals, truncated as k6 does: 0.99996 is `99.99%`. */
export function formatPercent(ratio: number): string {
  return `${(Math.trunc(ratio * 10_000 + 1e-9) / 100).toFixed(2)}%`;
}

/** Formats one value of a metric by its type and what it contains, as the summary shows it. */
export function formatMetricValue(value: number, metric: Pick<SummaryMetric, 'type' | 'contains'>, timeUnit: string): string {
  if (metric.type === 'rate') return formatPercent(value);
  if (metric.contains === 'data') return formatBytes(value);
  if (metric.contains === 'time') return formatTime(value, timeUnit);
  return trimmedFixed(value, 6);
}

/**
 * Formats the value a threshold's aggregation observed, in the units the summary uses for the metric:
 * `count` of a trend is a plain number, and a counter's `rate` is per second.
 */
export function formatAggregationValue(value: number, aggregation: string, metric: Pick<SummaryMetric, 'type' | 'contains'>, timeUnit: string): string {
  if (metric.type === 'trend' && aggregation === 'count') return String(value);
  if (metric.type === 'counter' && aggregation === 'rate') return `${formatMetricValue(value, metric, timeUnit)}/s`;
  return formatMetricValue(value, metric, timeUnit);
}
