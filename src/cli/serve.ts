import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, ExitCode } from '../engine/errors.ts';
import { SERVER_DEFAULTS, ServerError, startServer, type RunningServer, type ServerOptions } from '../server/index.ts';

const HELP = `Usage: frameload serve [options]

Runs the reference server for the agent protocol: 4-byte big-endian length-prefixed JSON frames over
TLS (or TCP), an approval for every id message and a confirm for every events batch. Stops on SIGINT
or SIGTERM.

Options:
  --host HOST                    address to listen on (default ${SERVER_DEFAULTS.host})
  --port PORT                    agent port, 0 = any free port (default ${SERVER_DEFAULTS.port})
  --plain                        plain TCP instead of TLS (default: TLS)
  --cert FILE                    PEM certificate chain, with --key (default: a self-signed ECDSA
                                 P-256 certificate for localhost, 127.0.0.1 and ::1, made at start)
  --key FILE                     PEM private key for --cert (default: the generated key)
  --capacity EVENTS_PER_S        events per second one worker confirms; batches queue behind it,
                                 so confirm latency rises past capacity; 0 = unlimited (default ${SERVER_DEFAULTS.capacity})
  --latency MS                   milliseconds added to every confirm (default ${SERVER_DEFAULTS.latency})
  --token TOKEN                  reject agents whose bootstrap_token differs (default: accept any)
  --max-frame-bytes BYTES        largest frame payload; a larger frame closes the connection
                                 (default ${SERVER_DEFAULTS.maxFrameBytes})
  --metrics-port PORT            Prometheus endpoint at http://HOST:PORT/metrics, 0 = any free port
                                 (default ${SERVER_DEFAULTS.metricsPort})
  --no-metrics                   no Prometheus endpoint (default: the endpoint is on)

Faults (shares pick evenly: 0.25 means the 4th, 8th, 12th, ... agent or batch):
  --reject-share SHARE           share 0..1 of agents that get auth status "rejected" (default 0)
  --drop-confirm-share SHARE     share 0..1 of batches never confirmed (default 0)
  --close-after N                end a connection after confirming its Nth batch, 0 = never (default 0)
  --notice-every N               send a notice frame before each approval and after every Nth batch
                                 of a connection, 0 = never (default 0)
  --stall-every N                every Nth batch received (across all agents) delays every confirm
                                 for --stall-ms, 0 = never (default 0)
  --stall-ms MS                  length of one stall in milliseconds (default ${SERVER_DEFAULTS.stallMs})

  -h, --help                     print this help
`;

const PARSE_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  plain: { type: 'boolean' },
  cert: { type: 'string' },
  key: { type: 'string' },
  capacity: { type: 'string' },
  latency: { type: 'string' },
  token: { type: 'string' },
  'max-frame-bytes': { type: 'string' },
  'metrics-port': { type: 'string' },
  'no-metrics': { type: 'boolean' },
  'reject-share': { type: 'string' },
  'drop-confirm-share': { type: 'string' },
  'close-after': { type: 'string' },
  'notice-every': { type: 'string' },
  'stall-every': { type: 'string' },
  'stall-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

// ServerOptions field → command-line flag, so range errors from the server name the flag typed.
const FLAG_OF: Record<string, string> = {
  host: '--host',
  port: '--port',
  plain: '--plain',
  cert: '--cert',
  key: '--key',
  capacity: '--capacity',
  latency: '--latency',
  token: '--token',
  maxFrameBytes: '--max-frame-bytes',
  metricsPort: '--metrics-port',
  rejectShare: '--reject-share',
  dropConfirmShare: '--drop-confirm-share',
  closeAfter: '--close-after',
  noticeEvery: '--notice-every',
  stallEvery: '--stall-every',
  stallMs: '--stall-ms',
};

/** `frameload serve`: runs the reference server until SIGINT or SIGTERM; returns the exit code. */
export async function serveCommand(argv: string[]): Promise<number> {
  let options: ServerOptions;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help') {
      process.stdout.write(HELP);
      return ExitCode.ok;
    }
    options = parsed;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`frameload serve: ${error.message}\n`);
    return ExitCode.invalidConfig;
  }

  const errorCounts = new Map<string, number>();
  options.onConnectionError = (code, message, remoteAddress) => {
    const seen = errorCounts.get(code) ?? 0;
    errorCounts.set(code, seen + 1);
    // Only the first error of each code is printed; the totals follow at stop.
    if (seen === 0) process.stderr.write(`frameload serve: connection error ${code} from ${remoteAddress}: ${message} (further ${code} errors are only counted)\n`);
  };

  let server: RunningServer;
  try {
    server = await startServer(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`frameload serve: invalid option ${FLAG_OF[error.key] ?? error.key}: ${error.message.replace(/^invalid option [^:]+: /, '')}\n`);
      return ExitCode.invalidConfig;
    }
    if (error instanceof ServerError) {
      process.stderr.write(`frameload serve: ${error.message}\n`);
      return ExitCode.invalidConfig;
    }
    throw error;
  }

  process.stderr.write(`${startLine(server, options)}\n`);
  const signal = await waitForStopSignal();
  await server.close();

  const { stats } = server;
  const errors = [...errorCounts].map(([code, count]) => `${code} ${count}`).join(', ');
  process.stderr.write(
    `frameload serve: stopped on ${signal}: ${stats.connectionsAccepted} connections, ${stats.agentsApproved} agents approved, ` +
      `${stats.agentsRejected} rejected, ${stats.batchesConfirmed} batches and ${stats.eventsConfirmed} events confirmed` +
      `${errors === '' ? '' : `, connection errors: ${errors}`}\n`,
  );
  return ExitCode.ok;
}

function parseCommandLine(argv: string[]): ServerOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: PARSE_OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw commandLineError(error as NodeJS.ErrnoException);
  }
  if (values.help === true) return 'help';
  if (values['no-metrics'] === true && values['metrics-port'] !== undefined) {
    throw new ConfigError('--no-metrics', 'expected either --no-metrics or --metrics-port, not both');
  }
  if ((values.cert === undefined) !== (values.key === undefined)) {
    throw new ConfigError(values.cert === undefined ? '--key' : '--cert', 'expected both --cert and --key, or neither');
  }

  const options: ServerOptions = {
    host: values.host,
    port: integer('--port', values.port),
    plain: values.plain,
    cert: readPem('--cert', values.cert),
    key: readPem('--key', values.key),
    capacity: decimal('--capacity', values.capacity, 'events per second'),
    latency: decimal('--latency', values.latency, 'milliseconds'),
    token: values.token,
    maxFrameBytes: integer('--max-frame-bytes', values['max-frame-bytes']),
    metricsPort: values['no-metrics'] === true ? null : integer('--metrics-port', values['metrics-port']),
    rejectShare: decimal('--reject-share', values['reject-share'], 'a share from 0 to 1'),
    dropConfirmShare: decimal('--drop-confirm-share', values['drop-confirm-share'], 'a share from 0 to 1'),
    closeAfter: integer('--close-after', values['close-after']),
    noticeEvery: integer('--notice-every', values['notice-every']),
    stallEvery: integer('--stall-every', values['stall-every']),
    stallMs: decimal('--stall-ms', values['stall-ms'], 'milliseconds'),
  };
  // Leave unset options out, so the server's defaults apply.
  for (const key of Object.keys(options) as (keyof ServerOptions)[]) if (options[key] === undefined) delete options[key];
  return options;
}

// Turns parseArgs' multi-sentence messages into one line that names the option.
function commandLineError(error: NodeJS.ErrnoException): ConfigError {
  const named = /'([^' ]+)/.exec(error.message)?.[1] ?? 'command line';
  const hint = 'run frameload serve --help for the options';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new ConfigError(named, `unknown option; ${hint}`, { cause: error });
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(error.message)) return new ConfigError(named, `expected no value, it is a switch; ${hint}`, { cause: error });
      return new ConfigError(named, `expected a value after it (write ${named}=VALUE for a value that starts with "-"); ${hint}`, { cause: error });
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new ConfigError(named, `unexpected argument, serve takes options only; ${hint}`, { cause: error });
    default:
      return new ConfigError('command line', `${error.message}; ${hint}`, { cause: error });
  }
}

function integer(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new ConfigError(flag, `expected a whole number >= 0, got ${JSON.stringify(text)}`);
  return Number(text);
}

function decimal(flag: string, text: string | undefined, expected: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(text)) throw new ConfigError(flag, `expected ${expected} (a number >= 0), got ${JSON.stringify(text)}`);
  return Number(text);
}

function readPem(flag: string, path: string | undefined): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(flag, `could not read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
}

function startLine(server: RunningServer, options: ServerOptions): string {
  const host = server.address.includes(':') ? `[${server.address}]` : server.address;
  let tls = 'plain TCP';
  if (server.tls) tls = server.selfSigned ? 'TLS with a self-signed certificate' : 'TLS';
  const metrics = server.metricsPort === null ? 'metrics disabled' : `metrics at http://${host}:${server.metricsPort}/metrics`;
  const capacity = options.capacity ? `capacity ${options.capacity} events/s` : 'capacity unlimited';
  return `frameload serve: listening on ${host}:${server.port} (${tls}), ${capacity}, ${metrics}`;
}

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
