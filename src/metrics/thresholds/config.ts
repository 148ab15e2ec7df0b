import { parseDuration } from '../../engine/duration.ts';
import { ThresholdConfigError } from './errors.ts';
import { parseThresholdExpression, type ThresholdExpression } from './expression.ts';
import { parseThresholdKey, type ThresholdKey } from './key.ts';

/**
 * The span a threshold is judged on. `all` is k6's behaviour: every sample since the start.
 * `stage` judges each ramping stage on its own samples; `time` judges the last `ms` milliseconds.
 */
export type ThresholdWindow = { kind: 'all' } | { kind: 'stage' } | { kind: 'time'; ms: number; source: string };

/** One threshold of `options.thresholds`, parsed but not yet tied to a metric. */
export interface ThresholdDefinition {
  readonly key: ThresholdKey;
  readonly expression: ThresholdExpression;
  /**
   * The name the summary lists the result under: the expression as written for whole-run thresholds,
   * with the window appended otherwise (`p(95)<500 [stage]`, `p(95)<500 [30s]`), so that a script can
   * judge the same expression over the whole run and per window.
   */
  readonly label: string;
  readonly abortOnFail: boolean;
  /** Milliseconds from the start of the test (of the stage, for stage windows) before a failure may abort. */
  readonly delayAbortEvalMs: number;
  readonly window: ThresholdWindow;
}

const OBJECT_FIELDS = ['threshold', 'abortOnFail', 'delayAbortEval', 'window'];

/**
 * Parses k6's `thresholds` option: metric keys mapping to an array of expressions, each a string or
 * `{ threshold, abortOnFail?, delayAbortEval?, window? }`. A single expression without the array is
 * accepted too. Metric names and types are checked later, once init has defined the metrics.
 * Throws ThresholdConfigError naming the key and the expression.
 */
export function parseThresholdsOption(option: unknown): ThresholdDefinition[] {
  if (option === undefined || option === null) return [];
  if (typeof option !== 'object' || Array.isArray(option)) {
    throw new ThresholdConfigError('thresholds', undefined, 'expected an object mapping metric names to arrays of expressions');
  }

  const definitions: ThresholdDefinition[] = [];
  for (const [source, entries] of Object.entries(option)) {
    let key: ThresholdKey;
    try {
      key = parseThresholdKey(source);
    } catch (error) {
      throw new ThresholdConfigError(source, undefined, (error as Error).message);
    }
    const list: unknown[] = Array.isArray(entries) ? entries : [entries];
    for (const entry of list) definitions.push(parseEntry(key, entry));
  }
  return definitions;
}

function parseEntry(key: ThresholdKey, entry: unknown): ThresholdDefinition {
  if (typeof entry === 'string') return define(key, entry, false, 0, { kind: 'all' });
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ThresholdConfigError(
      key.source,
      undefined,
      `expected an expression string such as "p(95)<500" or an object { threshold, abortOnFail, delayAbortEval, window }, got ${describe(entry)}`,
    );
  }

  const fields = entry as Record<string, unknown>;
  const expression = fields.threshold;
  if (typeof expression !== 'string') {
    throw new ThresholdConfigError(key.source, undefined, `the field "threshold" must be an expression string such as "p(95)<500", got ${describe(expression)}`);
  }
  const fail = (reason: string, cause?: unknown): never => {
    throw new ThresholdConfigError(key.source, expression, reason, cause === undefined ? undefined : { cause });
  };

  for (const name of Object.keys(fields)) {
    if (!OBJECT_FIELDS.includes(name)) fail(`unknown field "${name}"; expected threshold, abortOnFail, delayAbortEval or window`);
  }
  const abortOnFail = fields.abortOnFail ?? false;
  if (typeof abortOnFail !== 'boolean') fail(`abortOnFail must be true or false, got ${describe(abortOnFail)}`);

  let delay = 0;
  if (fields.delayAbortEval !== undefined) {
    try {
      delay = parseDuration(fields.delayAbortEval, 'delayAbortEval');
    } catch (error) {
      fail(`delayAbortEval: expected a duration such as "10s" or "1m30s", got ${describe(fields.delayAbortEval)}`, error);
    }
  }

  return define(key, expression, abortOnFail as boolean, delay, parseWindow(fields.window, fail));
}

function parseWindow(value: unknown, fail: (reason: string, cause?: unknown) => never): ThresholdWindow {
  if (value === undefined) return { kind: 'all' };
  if (value === 'stage') return { kind: 'stage' };
  const expected = `window: expected "stage" or a duration such as "30s", got ${describe(value)}`;
  if (typeof value !== 'string' && typeof value !== 'number') return fail(expected);
  let ms: number;
  try {
    // A number is milliseconds, as for every k6 duration.
    ms = parseDuration(value, 'window');
  } catch (error) {
    return fail(expected, error);
  }
  if (ms <= 0) return fail(`window: expected a duration above zero, got ${describe(value)}`);
  return { kind: 'time', ms, source: typeof value === 'number' ? `${value}ms` : value.trim() };
}

function define(key: ThresholdKey, source: string, abortOnFail: boolean, delayAbortEvalMs: number, window: ThresholdWindow): ThresholdDefinition {
  let expression: ThresholdExpression;
  try {
    expression = parseThresholdExpression(source);
  } catch (error) {
    throw new ThresholdConfigError(key.source, source, (error as Error).message);
  }
  let label = source;
  if (window.kind === 'stage') label += ' [stage]';
  if (window.kind === 'time') label += ` [${window.source}]`;
  return { key, expression, label, abortOnFail, delayAbortEvalMs, window };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
