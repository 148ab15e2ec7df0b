/** Stable codes of monitor failures. */
export type MonitorErrorCode =
  | 'monitor_invalid_spec'
  | 'monitor_process_not_found'
  | 'monitor_read_failed'
  | 'monitor_http_failed'
  | 'monitor_timeout'
  | 'monitor_parse_failed';

/** A failure to read the system under test, naming the source and what was expected. */
export class MonitorError extends Error {
  constructor(
    readonly code: MonitorErrorCode,
    /** The monitor spec (`pid:1234` or a URL). */
    readonly source: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`monitor ${source}: ${message}`, options);
    this.name = 'MonitorError';
  }
}
