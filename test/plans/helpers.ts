import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

import type { CapacityJson } from '../../src/report/capacity-json.ts';
import { ROOT, runCli, spawnCli, tempDir, waitForOutput, type CliResult } from '../helpers.ts';

export const CAPACITY = join(ROOT, 'scripts', 'capacity.ts');

/** `./frameload serve` in its own process on free ports; returns the agent address and the metrics URL. */
export async function serve(t: TestContext, args: string[]): Promise<{ host: string; metricsUrl: string | undefined }> {
  const child = spawnCli(['serve', '--plain', '--port', '0', '--metrics-port', '0', ...args]);
  t.after(() => {
    child.kill('SIGTERM');
  });
  const line = await waitForOutput(child, 'stderr', /listening on .*metrics/);
  const host = /listening on (\S+)/.exec(line)![1]!;
  const metricsUrl = /metrics at (\S+)/.exec(line)?.[1];
  return { host, metricsUrl };
}

export interface PlanRun extends CliResult {
  report: CapacityJson;
  reportDir: string;
  summaryPath: string;
}

/** Runs a plan script through the CLI with `-e` values, a report folder and a summary export. */
export async function runPlan(t: TestContext, script: string, env: Record<string, string | number>, flags: string[] = [], timeoutMs = 90_000): Promise<PlanRun> {
  const dir = tempDir(t, 'frameload-plan-');
  const reportDir = join(dir, 'report');
  const summaryPath = join(dir, 'summary.json');
  const args = ['run', '--quiet', '--summary-export', summaryPath, ...flags, '-e', `REPORT_DIR=${reportDir}`];
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  const result = await runCli([...args, script], { timeoutMs });
  let report: CapacityJson;
  try {
    report = JSON.parse(await readFile(join(reportDir, 'capacity.json'), 'utf8')) as CapacityJson;
  } catch (error) {
    assert.fail(`no capacity.json (exit ${result.code}): ${(error as Error).message}\nstderr:\n${result.stderr}`);
  }
  return { ...result, report, reportDir, summaryPath };
}

/** Counts the elements with `data-series="<series>"` of one tag in a dumped DOM. */
export function countSeries(dom: string, tag: string, series: string): number {
  return [...dom.matchAll(new RegExp(`<${tag}\\b[^>]*data-series="${series}"`, 'g'))].length;
}
