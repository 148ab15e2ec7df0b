import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.ts';
import { tlsFixture } from '../fixtures/tls/fixtures.ts';
import { ROOT, runCli, tempDir, type CliResult } from '../helpers.ts';

export const LOAD_AGENTS = join(ROOT, 'scripts', 'load-agents.ts');
export const SMOKE = join(ROOT, 'scripts', 'smoke.ts');

export interface SummaryMetric {
  type: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface AgentRun extends CliResult {
  metrics: Record<string, SummaryMetric>;
}

type TestContext = Parameters<typeof tempDir>[0];

/** Runs `./frameload run SCRIPT -e K=V ...` with a summary export and returns the exported metrics. */
export async function runAgents(t: TestContext, script: string, env: Record<string, string | number>, timeoutMs = 60_000): Promise<AgentRun> {
  const dir = tempDir(t, 'frameload-e2e-');
  const exportPath = join(dir, 'summary.json');
  const args = ['run', '--quiet', '--summary-export', exportPath];
  for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
  const result = await runCli([...args, script], { timeoutMs });
  let metrics: Record<string, SummaryMetric>;
  try {
    metrics = (JSON.parse(readFileSync(exportPath, 'utf8')) as { metrics: Record<string, SummaryMetric> }).metrics;
  } catch (error) {
    assert.fail(`no summary export (exit ${result.code}): ${(error as Error).message}\nstderr:\n${result.stderr}`);
  }
  return { ...result, metrics };
}

/** A metric value from the export, 0 when the metric (or submetric) has no samples. */
export function value(run: AgentRun, metric: string, stat: string): number {
  return run.metrics[metric]?.values[stat] ?? 0;
}

/** The reference server in this process, on a free port, without its Prometheus endpoint unless asked. */
export async function referenceServer(t: TestContext, options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ port: 0, metricsPort: null, ...options });
  t.after(() => server.close());
  return server;
}

/** The Python asyncio peer: a second implementation of the server side on OpenSSL through Python. */
export interface PythonPeer {
  readonly port: number;
  /** The peer's counts right now. */
  counts(): Promise<PeerCounts>;
}

export interface PeerCounts {
  connections: number;
  agentsApproved: number;
  batches: number;
  events: number;
  invalidFrames: number;
  agents: Record<string, { connections: number; batches: number; events: number; confirmIds: string[] }>;
}

export async function pythonPeer(t: TestContext, { plain = false } = {}): Promise<PythonPeer> {
  const dir = tempDir(t, 'frameload-peer-');
  const args = [join(ROOT, 'test', 'peers', 'python', 'agent_server.py')];
  if (plain) {
    args.push('--plain');
  } else {
    const cert = join(dir, 'server.crt');
    const key = join(dir, 'server.key');
    await import('node:fs/promises').then(async (fs) => {
      await fs.writeFile(cert, tlsFixture('server-localhost.crt'));
      await fs.writeFile(key, tlsFixture('server-localhost.key'));
    });
    args.push('--cert', cert, '--key', key);
  }
  const child: ChildProcessWithoutNullStreams = spawn('python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const iterator = lines[Symbol.asyncIterator]();
  t.after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  const first = await iterator.next();
  assert.ok(!first.done, `the Python peer exited before listening: ${stderr}`);
  const { port } = JSON.parse(first.value) as { port: number };
  return {
    port,
    async counts() {
      child.stdin.write('\n');
      const line = await iterator.next();
      assert.ok(!line.done, `the Python peer exited: ${stderr}`);
      return JSON.parse(line.value) as PeerCounts;
    },
  };
}
