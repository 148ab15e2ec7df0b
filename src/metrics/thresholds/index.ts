export { Thresholds, describeThresholdStatus, type ThresholdEvaluation, type ThresholdResults, type ThresholdStatus } from './thresholds.ts';
export { ThresholdConfigError } from './errors.ts';
export { parseThresholdsOption, type ThresholdDefinition, type ThresholdWindow } from './config.ts';
export { parseThresholdExpression, type ThresholdExpression, type ThresholdOperator } from './expression.ts';
export { parseThresholdKey, type ThresholdKey } from './key.ts';
export type { ThresholdFailure, ThresholdResult } from './judge.ts';
