/** Number formatting shared by SLO reasons, capacity.json and the HTML report. */

/** Formats a duration in milliseconds with precision that shrinks as the value grows: `612 ms`, `52.4 ms`, `3.25 ms`. */
export function formatMs(ms: number): string {
  return `${formatNumber(ms)} ms`;
}

/** Formats a ratio (0.021) as a percentage with up to three significant digits (`2.1%`). */
export function formatRatio(ratio: number): string {
  return `${formatNumber(ratio * 100)}%`;
}

/** Formats a rate with thousands separators and no fraction above 100: `5,500 events/s`. */
export function formatRate(perSecond: number, unit: string): string {
  return `${formatNumber(perSecond)} ${unit}`;
}

/** Formats a byte count in MiB, the unit `top` and most dashboards use for process memory. */
export function formatMiB(bytes: number): string {
  return `${formatNumber(bytes / 1048576)} MiB`;
}

/** Formats with three significant digits below 100 and whole numbers with separators above. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString('en-US');
  if (magnitude === 0) return '0';
  return String(Number(value.toPrecision(3)));
}

/** Rounds to a fixed number of decimals, for JSON that stays readable without losing useful precision. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
