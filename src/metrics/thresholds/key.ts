import { submetricName, type TagFilter } from '../registry.ts';

/** A key under `options.thresholds`: a metric name, plus a tag filter for a submetric. */
export interface ThresholdKey {
  /** The key as the script wrote it. */
  readonly source: string;
  readonly metric: string;
  /** Empty for the metric as a whole. */
  readonly filter: TagFilter;
  /** The name the summary lists it under: `metric` or `metric{tag:value,...}` without spaces. */
  readonly name: string;
}

const EXPECTED = 'expected a metric name, optionally followed by {tag:value} or {tag:value,tag2:value2}';

/**
 * Parses `metric`, `metric{tag:value}` or `metric{tag:value,tag2:value2}`. Like k6, spaces around
 * every part are allowed and one pair of quotes around a tag name or value is dropped, so
 * `net_errors{ code: "timeout" }` names the same submetric as `net_errors{code:timeout}`.
 * Throws a plain Error whose message is the reason.
 */
export function parseThresholdKey(source: string): ThresholdKey {
  const open = source.indexOf('{');
  const close = source.lastIndexOf('}');
  if (open === -1 && close === -1) {
    const metric = source.trim();
    if (metric === '') throw new Error(`the metric name is empty; ${EXPECTED}`);
    return { source, metric, filter: {}, name: metric };
  }
  if (open === -1 || close === -1 || close < open || source.slice(close + 1).trim() !== '') {
    throw new Error(`unbalanced braces; ${EXPECTED}`);
  }

  const metric = source.slice(0, open).trim();
  if (metric === '') throw new Error(`the metric name before "{" is empty; ${EXPECTED}`);
  const filter: Record<string, string> = {};
  for (const pair of source.slice(open + 1, close).split(',')) {
    const colon = pair.indexOf(':');
    const tag = colon === -1 ? '' : unquote(pair.slice(0, colon));
    const value = colon === -1 ? '' : unquote(pair.slice(colon + 1));
    if (tag === '' || value === '') throw new Error(`malformed tag "${pair.trim()}"; ${EXPECTED}`);
    if (tag in filter) throw new Error(`tag "${tag}" appears twice`);
    filter[tag] = value;
  }
  return { source, metric, filter, name: submetricName(metric, filter) };
}

function unquote(text: string): string {
  const t = text.trim();
  const quoted = t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.at(-1) === t[0];
  return quoted ? t.slice(1, -1).trim() : t;
}
