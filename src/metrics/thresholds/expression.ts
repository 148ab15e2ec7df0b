import type { MetricType } from '../types.ts';

/** Comparison operators of k6's threshold syntax; `==` and `===` both mean equality. */
export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

/** One parsed expression such as `p(95)<500`. */
export interface ThresholdExpression {
  /** The expression as the script wrote it. */
  readonly source: string;
  /** The aggregation in the spelling `Aggregate.stat` takes: `avg`, `p(95)`, `rate`, ... */
  readonly aggregation: string;
  readonly operator: ThresholdOperator;
  readonly limit: number;
}

const OPERATORS: readonly ThresholdOperator[] = ['<', '<=', '>', '>=', '==', '===', '!='];
const OPERATOR_LIST = '<, <=, >, >=, ==, === or !=';
const NAMED_AGGREGATIONS = new Set(['avg', 'min', 'max', 'med', 'rate', 'count', 'value']);
const PERCENTILE = /^p\((.*)\)$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Aggregations each metric type supports in a threshold, in the order error messages list them. */
const ALLOWED: Record<MetricType, readonly string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p(N)', 'count'],
};

/**
 * Parses `aggregation operator number`, with optional spaces around each part, as k6 does.
 * Throws a plain Error whose message is the reason; the caller adds the metric key.
 */
export function parseThresholdExpression(source: string): ThresholdExpression {
  const text = source.trim();
  if (text === '') throw new Error('the expression is empty; expected an aggregation, an operator and a number such as p(95)<500');

  const run = /[<>=!]+/.exec(text);
  if (!run) throw new Error(`missing operator; expected one of ${OPERATOR_LIST} between the aggregation and the number`);
  const operator = run[0] as ThresholdOperator;
  if (!OPERATORS.includes(operator)) throw new Error(`invalid operator "${run[0]}"; expected one of ${OPERATOR_LIST}`);

  const aggregation = text.slice(0, run.index).trim();
  const number = text.slice(run.index + run[0].length).trim();
  if (aggregation === '') throw new Error('missing aggregation before the operator; expected avg, min, max, med, p(N), rate, count or value');
  validateAggregationName(aggregation);
  if (number === '') throw new Error(`missing number after the operator "${operator}"`);
  if (!DECIMAL.test(number)) throw new Error(`expected a number after the operator "${operator}", got "${number}"`);

  return { source, aggregation, operator, limit: Number(number) };
}

function validateAggregationName(aggregation: string): void {
  if (NAMED_AGGREGATIONS.has(aggregation)) return;
  const m = PERCENTILE.exec(aggregation);
  if (!m) {
    throw new Error(`unknown aggregation "${aggregation}"; expected avg, min, max, med, p(N), rate, count or value`);
  }
  const p = m[1]!;
  if (!/^\d+(?:\.\d+)?$/.test(p) || Number(p) > 100) {
    throw new Error(`invalid percentile "${aggregation}"; expected p(N) with N a number from 0 to 100, such as p(95) or p(99.9)`);
  }
}

/**
 * Checks that a metric of `type` supports the expression's aggregation. Returns the reason when it
 * does not, so the caller can name the metric key.
 */
export function aggregationError(expression: ThresholdExpression, type: MetricType): string | undefined {
  const allowed = ALLOWED[type];
  const name = PERCENTILE.test(expression.aggregation) ? 'p(N)' : expression.aggregation;
  if (allowed.includes(name)) return undefined;
  const list = allowed.length === 1 ? allowed[0] : `${allowed.slice(0, -1).join(', ')} or ${allowed.at(-1)}`;
  return `aggregation "${expression.aggregation}" does not apply to a ${type} metric; expected ${list}`;
}

/** Returns whether `observed` satisfies the expression. */
export function satisfies(expression: ThresholdExpression, observed: number): boolean {
  const limit = expression.limit;
  switch (expression.operator) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
    case '===':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}
