import { ExitCode } from '../engine/errors.ts';
import { Run } from '../engine/run.ts';
import { bundleScript } from '../script/bundle.ts';
import { createRunServices } from './services.ts';
import { terminalLogger } from './logger.ts';
import { parseRunFlags, readConfig } from './run.ts';

const HELP = `Usage: frameload inspect [flags] <script.ts|script.js>

Prints the script's resolved options and execution plan (scenarios, VUs needed, total duration)
as JSON, without running it. Accepts the same flags as "frameload run" (-e, --vus, --duration,
--iterations, --stage, --tag, --config).
`;

export async function inspectCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(HELP);
    return ExitCode.ok;
  }
  const flags = parseRunFlags(argv);
  if (flags === 'help') return ExitCode.ok;
  const script = await bundleScript(flags.script);
  try {
    const run = new Run({
      factory: script.factory,
      scriptPath: script.path,
      env: flags.env,
      cli: flags.cli,
      configFile: flags.configPath ? readConfig(flags.configPath) : undefined,
      log: terminalLogger(),
      ...createRunServices(),
    });
    const { options, plan } = run.resolve();
    const out = {
      options: { ...options, thresholds: options.thresholds },
      plan: {
        totalVUs: plan.totalVUs,
        maxDurationMs: plan.maxDurationMs,
        scenarios: plan.scenarios,
      },
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return ExitCode.ok;
  } finally {
    script.dispose();
  }
}
