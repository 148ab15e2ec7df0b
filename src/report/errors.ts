/** A report file could not be written; names the file and carries the file-system error as cause. */
export class ReportWriteError extends Error {
  readonly code = 'report_write_failed';

  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    const reason = options?.cause instanceof Error ? options.cause.message : String(options?.cause);
    super(`failed to write report file ${path}: ${reason}; check that REPORT_DIR is writable`, options);
    this.name = 'ReportWriteError';
  }
}
