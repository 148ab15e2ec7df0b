/** Exit codes as k6 uses them, so CI pipelines written for k6 read frameload's the same way. */
export const ExitCode = {
  ok: 0,
  thresholdsFailed: 99,
  invalidConfig: 104,
  interrupted: 105,
  scriptException: 107,
  scriptAborted: 108,
} as const;

/** An invalid option: nothing starts, the CLI prints the message and exits with 104. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly exitCode = ExitCode.invalidConfig;

  constructor(
    /** The option's path, e.g. `scenarios.load.stages[1].duration`. */
    readonly key: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`invalid option ${key}: ${message}`, options);
    this.name = 'ConfigError';
  }
}

/** An exception thrown by the script in init code or setup: exit code 107. */
export class ScriptError extends Error {
  readonly code = 'script_exception';
  readonly exitCode = ExitCode.scriptException;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ScriptError';
  }
}

/** Thrown inside a VU by `test.abort()`; the run stops and exits with 108. */
export class TestAbortError extends Error {
  readonly code = 'test_aborted';

  constructor(readonly reason: string) {
    super(reason ? `test aborted: ${reason}` : 'test aborted');
    this.name = 'TestAbortError';
  }
}
