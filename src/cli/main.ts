import { ConfigError, ExitCode, ScriptError } from '../engine/errors.ts';
import { describeError } from '../engine/run.ts';
import { inspectCommand } from './inspect.ts';
import { runCommand } from './run.ts';
import { serveCommand } from './serve.ts';
import { UsageError } from './usage.ts';

declare const FRAMELOAD_VERSION: string;
const version = typeof FRAMELOAD_VERSION === 'string' ? FRAMELOAD_VERSION : 'dev';

const HELP = `frameload ${version}: load tests for services that speak length-prefixed frames over TCP or TLS

Usage: frameload <command> [flags]

Commands:
  run <script>      run a k6-style TypeScript or JavaScript scenario
  inspect <script>  print the resolved options and execution plan as JSON
  serve             start the reference agent-protocol server
  version           print the version

Run "frameload <command> --help" for a command's flags.
`;

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  run: runCommand,
  inspect: inspectCommand,
  serve: serveCommand,
};

async function main(argv: string[]): Promise<number> {
  process.setSourceMapsEnabled(true);
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? ExitCode.invalidConfig : ExitCode.ok;
  }
  if (command === '--version' || command === 'version' || command === '-v') {
    process.stdout.write(`frameload ${version} (node ${process.version})\n`);
    return ExitCode.ok;
  }
  const handler = commands[command];
  if (!handler) {
    process.stderr.write(`unknown command "${command}"; expected one of ${Object.keys(commands).join(', ')}, version\n`);
    return ExitCode.invalidConfig;
  }
  try {
    return await handler(rest);
  } catch (err) {
    return reportFailure(command, err);
  }
}

/** Turns a thrown error into its one-line message and exit code; only typed errors are expected here. */
function reportFailure(command: string, err: unknown): number {
  const code = (err as { code?: string }).code;
  if (err instanceof UsageError || code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' || code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    process.stderr.write(`frameload ${command}: ${(err as Error).message}\nRun "frameload ${command} --help" for the flags.\n`);
    return ExitCode.invalidConfig;
  }
  const exitCode = (err as { exitCode?: number }).exitCode;
  if (err instanceof ConfigError || code === 'invalid_threshold' || exitCode === ExitCode.invalidConfig) {
    process.stderr.write(`frameload ${command}: ${(err as Error).message}\n`);
    return ExitCode.invalidConfig;
  }
  if (err instanceof ScriptError) {
    // The message already carries the source-mapped frames of the script's error.
    process.stderr.write(`frameload ${command}: ${err.message}\n`);
    return ExitCode.scriptException;
  }
  process.stderr.write(`frameload ${command}: unexpected failure: ${describeError(err)}\n`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`frameload: ${describeError(err)}\n`);
    process.exitCode = 1;
  },
);
