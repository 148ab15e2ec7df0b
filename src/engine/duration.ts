import { ConfigError } from './errors.ts';

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
const PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/y;

/**
 * Parses a k6 duration ("1m30s", "500ms", "2h", "0.5s") into milliseconds. A bare number, or a string
 * of digits, is taken as milliseconds, as k6 does for numeric durations.
 */
export function parseDuration(value: unknown, key: string): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new ConfigError(key, `expected a duration such as "30s" or "1m30s", got ${value}`);
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(key, `expected a duration such as "30s" or "1m30s", got ${JSON.stringify(value)}`);
  }
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);

  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const m = PART.exec(text);
    if (!m || m.index !== start) {
      throw new ConfigError(key, `expected a duration such as "30s" or "1m30s", got ${JSON.stringify(value)}`);
    }
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return total;
}

/** Formats milliseconds the way k6 prints durations: "1m30s", "500ms", "2h0m0s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  const sText = Number.isInteger(s) ? `${s}s` : `${s.toFixed(3).replace(/0+$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sText}`;
  if (m > 0) return `${m}m${sText}`;
  return sText;
}
