import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../engine/duration.ts';
import { ConfigError, ExitCode, ScriptError, TestAbortError } from '../engine/errors.ts';
import type { CliOverrides, Stage } from '../engine/options.ts';
import { Run, describeError, type RunResult } from '../engine/run.ts';
import type { Monitor } from '../monitor/types.ts';
import { bundleScript } from '../script/bundle.ts';
import { parseMonitorFlag, probeMonitor } from './monitor-flag.ts';
import { ReportSession } from './report-session.ts';
import { createRunServices } from './services.ts';
import { terminalLogger } from './logger.ts';
import { ProgressDisplay } from './progress.ts';
import { writeSummary } from './summary.ts';
import { keyValue, positiveInteger, UsageError } from './usage.ts';

export const RUN_HELP = `Usage: frameload run [flags] <script.ts|script.js>

Runs a k6-style TypeScript or JavaScript scenario script.

Flags:
  -e, --env KEY=VALUE        set __ENV.KEY for the script (repeatable)
  -u, --vus N                number of VUs (replaces the script's scenarios, as in k6)
  -d, --duration DURATION    test duration, e.g. 30s, 5m (replaces the script's scenarios)
  -i, --iterations N         total iterations shared by the VUs (replaces the script's scenarios)
  -s, --stage DURATION:TARGET  a ramping stage, e.g. 30s:100 (repeatable; replaces the script's scenarios)
      --tag KEY=VALUE        a tag added to every sample (repeatable)
  -c, --config FILE          JSON file of options, applied over the script's options
      --summary-export FILE  write the summary data (the object handleSummary receives) as JSON
      --monitor SPEC         sample the server under test every 5 s: pid:1234 (a local process) or
                             the URL of a Prometheus text endpoint, e.g. http://127.0.0.1:9464/metrics
  -q, --quiet                no progress display
      --no-color             no ANSI colours in the summary
  -h, --help                 show this help

Exit codes: 0 success, 99 thresholds failed, 104 invalid configuration, 105 interrupted,
107 script exception in init or setup, 108 test.abort() called.
`;

interface RunFlags {
  script: string;
  env: Record<string, string>;
  cli: CliOverrides;
  configPath?: string;
  summaryExport?: string;
  quiet: boolean;
  monitor?: Monitor;
}

export function parseRunFlags(argv: string[]): RunFlags | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      env: { type: 'string', short: 'e', multiple: true },
      vus: { type: 'string', short: 'u' },
      duration: { type: 'string', short: 'd' },
      iterations: { type: 'string', short: 'i' },
      stage: { type: 'string', short: 's', multiple: true },
      tag: { type: 'string', multiple: true },
      config: { type: 'string', short: 'c' },
      'summary-export': { type: 'string' },
      monitor: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      'no-color': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(`expected exactly one script path, got ${positionals.length}`);

  const env: Record<string, string> = {};
  for (const e of values.env ?? []) {
    const [k, v] = keyValue(e, '--env');
    env[k] = v;
  }
  const cli: CliOverrides = {};
  if (values.vus !== undefined) cli.vus = positiveInteger(values.vus, '--vus');
  if (values.iterations !== undefined) cli.iterations = positiveInteger(values.iterations, '--iterations');
  if (values.duration !== undefined) cli.durationMs = parseDuration(values.duration, '--duration');
  if (values.stage !== undefined) cli.stages = values.stage.map(parseStage);
  if (values.tag !== undefined) {
    cli.tags = {};
    for (const t of values.tag) {
      const [k, v] = keyValue(t, '--tag');
      cli.tags[k] = v;
    }
  }
  if (values['no-color']) cli.noColor = true;
  return {
    script: positionals[0]!,
    env,
    cli,
    configPath: values.config,
    summaryExport: values['summary-export'],
    quiet: values.quiet === true,
    monitor: values.monitor === undefined ? undefined : parseMonitorFlag(values.monitor),
  };
}

function parseStage(text: string): Stage {
  const at = text.lastIndexOf(':');
  if (at <= 0) throw new UsageError(`--stage ${JSON.stringify(text)}: expected DURATION:TARGET, e.g. 30s:100`);
  return { durationMs: parseDuration(text.slice(0, at), '--stage'), target: positiveInteger(text.slice(at + 1), '--stage', true) };
}

export function readConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('--config', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError('--config', `${path} is not a JSON object of options: ${(err as Error).message}`);
  }
}

/**
 * `frameload run`: returns the process exit code; only this layer writes to the terminal. After a
 * successful run whose options name `afterCapacity` runs, those run in turn with CAPACITY_EPS set.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const flags = parseRunFlags(argv);
  if (flags === 'help') {
    process.stdout.write(RUN_HELP);
    return ExitCode.ok;
  }
  const log = terminalLogger(process.stderr, !flags.cli.noColor && process.stderr.isTTY === true);
  if (flags.monitor) await probeMonitor(flags.monitor);
  const session = new ReportSession(flags.monitor, log, (message) => process.stderr.write(`${message}\n`));

  let exitCode = await runScript(flags, log, session, true);
  if (exitCode !== ExitCode.ok) return exitCode;
  for (const next of session.followUps(flags.script)) {
    const summaryExport = flags.summaryExport?.replace(/(\.json)?$/, `.${next.name}$1`);
    exitCode = await runScript({ ...flags, script: next.script, env: { ...flags.env, ...next.env }, summaryExport }, log, session, false);
    if (exitCode !== ExitCode.ok) break;
  }
  return exitCode;
}

async function runScript(flags: RunFlags, log: ReturnType<typeof terminalLogger>, session: ReportSession, first: boolean): Promise<number> {
  const configFile = flags.configPath ? readConfig(flags.configPath) : undefined;
  const script = await bundleScript(flags.script);
  const showProgress = !flags.quiet && process.stderr.isTTY === true && process.stdout.isTTY === true;
  const progress = showProgress ? new ProgressDisplay() : undefined;
  const services = createRunServices();
  const run = new Run({
    factory: script.factory,
    scriptPath: script.path,
    env: { ...flags.env },
    configFile,
    cli: flags.cli,
    log,
    ...services,
    onProgress: progress ? (state) => progress.update(state) : undefined,
    observers: session.observers(),
  });

  let signals = 0;
  const onSignal = (): void => {
    signals++;
    progress?.clear();
    if (signals === 1) {
      process.stderr.write('stopping: waiting for running iterations (gracefulStop); press Ctrl-C again to stop at once\n');
      run.stop();
    } else {
      process.stderr.write('stopping at once\n');
      run.stopNow();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A script promise that rejects with nobody awaiting it is the script's bug, not a reason to end the run.
  const onUnhandled = (reason: unknown): void => log.error(`unhandled promise rejection in the script: ${describeError(reason)}`);
  process.on('unhandledRejection', onUnhandled);

  let result: RunResult;
  try {
    result = await run.execute();
  } catch (err) {
    progress?.clear();
    if (err instanceof TestAbortError) {
      log.error(err.message);
      return ExitCode.scriptAborted;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('unhandledRejection', onUnhandled);
    script.dispose();
  }
  progress?.clear();

  if (result.abortReason !== undefined) log.error(`test aborted${result.abortReason ? `: ${result.abortReason}` : ''}`);
  if (result.finishedEarly !== undefined) process.stderr.write(`finished early: ${result.finishedEarly}\n`);
  const { steps, reportsWritten } = await session.finishRun(result, first);
  await writeSummary(result, services, {
    steps,
    summaryExport: flags.summaryExport,
    noColor: result.options.noColor,
    write: (path, content) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    },
    log,
  });
  if (result.exitCode === ExitCode.thresholdsFailed) log.error('thresholds on metrics have been crossed');
  // A report that could not be written is a failed run even when the test itself passed.
  if (!reportsWritten && result.exitCode === ExitCode.ok) return ExitCode.invalidConfig;
  return result.exitCode;
}

export { ScriptError, describeError };
