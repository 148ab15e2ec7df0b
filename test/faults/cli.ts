// Runs a scenario through ./frameload run with a summary export, for tests that assert on the
// exported metrics and on everything the run printed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runCli, tempDir, writeFiles, type CliResult } from '../helpers.ts';

export interface ScriptRun extends CliResult {
  readonly dir: string;
  readonly exportPath: string;
  /** The summary export's text, '' when the run wrote none. */
  readonly exportText: string;
  readonly metrics: Record<string, { values: Record<string, number> }>;
}

type TestContext = Parameters<typeof tempDir>[0];

/** Writes `files` into a temporary folder and runs the first one with `-e` for every `env` entry. */
export async function runScript(
  t: TestContext,
  files: Record<string, string>,
  env: Record<string, string | number>,
  options: { args?: string[]; timeoutMs?: number } = {},
): Promise<ScriptRun> {
  const dir = tempDir(t, 'frameload-faults-');
  const script = writeFiles(dir, files);
  const exportPath = join(dir, 'summary.json');
  const args = ['run', '--summary-export', exportPath, ...(options.args ?? ['--quiet'])];
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  const result = await runCli([...args, script], { cwd: dir, timeoutMs: options.timeoutMs ?? 60_000 });
  let exportText = '';
  try {
    exportText = readFileSync(exportPath, 'utf8');
  } catch {
    // No export: the run stopped before it started, which some tests expect.
  }
  const metrics = exportText === '' ? {} : (JSON.parse(exportText) as { metrics: ScriptRun['metrics'] }).metrics;
  return { ...result, dir, exportPath, exportText, metrics };
}

/** Returns a value from the export, 0 when the metric or submetric has no samples. */
export function exported(run: ScriptRun, metric: string, stat: string): number {
  return run.metrics[metric]?.values[stat] ?? 0;
}

/** Asserts that agent_errors counted exactly `expected` (tag → count) and nothing else. */
export function assertAgentErrors(run: ScriptRun, expected: Record<string, number>): void {
  const total = Object.values(expected).reduce((sum, n) => sum + n, 0);
  assert.equal(exported(run, 'agent_errors', 'count'), total, `agent_errors total; stderr:\n${run.stderr}`);
  for (const [tag, n] of Object.entries(expected)) {
    assert.equal(exported(run, `agent_errors{error:${tag}}`, 'count'), n, `agent_errors{error:${tag}}; stderr:\n${run.stderr}`);
  }
}

/**
 * One agent that connects and sends BATCHES batches (default 1), for runs against a fault peer. Its
 * options come from the environment: HOST, TLS, INSECURE, SERVERNAME, CA (a file path), TOKEN.
 */
export const ONE_AGENT_SCRIPT = `import { readFileSync } from 'node:fs';
import { Agent } from 'frameload/agent';
export const options = { iterations: 1 };
const tls = __ENV.TLS === 'true';
const agent = new Agent({
  host: __ENV.HOST!,
  tls,
  ...(tls && __ENV.INSECURE === 'true' ? { insecureSkipVerify: true } : {}),
  ...(tls && __ENV.SERVERNAME ? { servername: __ENV.SERVERNAME } : {}),
  ...(tls && __ENV.CA ? { ca: readFileSync(__ENV.CA, 'utf8') } : {}),
  token: __ENV.TOKEN ?? '',
  approvalTimeout: __ENV.APPROVAL_TIMEOUT ?? '5s',
  confirmTimeout: __ENV.CONFIRM_TIMEOUT ?? '5s',
});
export default async function () {
  await agent.connect();
  for (let i = 0; i < Number(__ENV.BATCHES ?? 1); i++) await agent.sendBatch();
  await agent.close();
}
`;
