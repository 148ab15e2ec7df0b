import { ExitCode } from '../../engine/errors.ts';

/**
 * An invalid entry in `options.thresholds`: a malformed metric key or expression, an aggregation the
 * metric's type does not support, or a metric that no script defines. Nothing starts; the CLI prints
 * the one-line message and exits with 104.
 */
export class ThresholdConfigError extends Error {
  readonly code = 'invalid_threshold';
  readonly exitCode = ExitCode.invalidConfig;

  constructor(
    /** The key under `thresholds` as the script wrote it, e.g. `net_errors{code:timeout}`. */
    readonly metricKey: string,
    /** The threshold expression, or undefined when the key itself is at fault. */
    readonly expression: string | undefined,
    reason: string,
    options?: ErrorOptions,
  ) {
    const where = expression === undefined ? '' : ` ${JSON.stringify(expression)}`;
    super(`invalid threshold${where} on ${JSON.stringify(metricKey)}: ${reason}`, options);
    this.name = 'ThresholdConfigError';
  }
}
