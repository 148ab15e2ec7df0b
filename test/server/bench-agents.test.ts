// The benchmark agents must count what the server confirmed, or their CPU-per-batch figures mean
// nothing. Each runs briefly against an in-process server and its count is compared with the server's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { startServer } from '../../src/server/index.ts';

const BARE = fileURLToPath(new URL('../../bench/agents/bare-tls-agent.ts', import.meta.url));
const PYTHON = fileURLToPath(new URL('../../bench/agents/python_agent.py', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'frameload-bench-agents-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function runJson(command: string, args: string[]): Promise<Record<string, number | boolean | string>> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0, stderr);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, stdout);
  return JSON.parse(lines[0]!) as Record<string, number | boolean | string>;
}

for (const [tool, command, script] of [
  ['bare-tls-agent', process.execPath, BARE],
  ['python-agent', 'python3', PYTHON],
] as const) {
  test(`${tool} counts exactly the confirmed batches`, async () => {
    const server = await startServer({ port: 0, metricsPort: null });
    try {
      // Verify against the generated certificate rather than turning verification off.
      const ca = join(dir, `${tool}.pem`);
      writeFileSync(ca, server.certificate!);
      const prefix = command === 'python3' ? [script] : ['--import', 'tsx', script];
      const result = await runJson(command, [...prefix, '--port', String(server.port), '--agents', '3', '--batch', '20', '--duration', '1', '--ca', ca]);

      assert.equal(result.tool, tool);
      assert.equal(result.agents, 3);
      assert.equal(result.tls, true);
      assert.equal(result.batchesConfirmed, server.stats.batchesConfirmed);
      assert.equal(result.eventsConfirmed, server.stats.eventsConfirmed);
      assert.equal(server.stats.agentsApproved, 3);
      assert.ok((result.batchesConfirmed as number) > 3, `only ${result.batchesConfirmed} batches in 1 s`);
      const perThousand = ((result.cpuSeconds as number) * 1000) / (result.batchesConfirmed as number);
      assert.ok(Math.abs((result.cpuSecondsPer1000Batches as number) - perThousand) < 0.01 * perThousand + 0.001);
    } finally {
      await server.close();
    }
  });

  test(`${tool} sends on a fixed timeline with --sec-per-batch`, async () => {
    const server = await startServer({ port: 0, plain: true, metricsPort: null });
    try {
      const prefix = command === 'python3' ? [script] : ['--import', 'tsx', script];
      const args = ['--port', String(server.port), '--plain', '--agents', '3', '--batch', '5', '--duration', '2', '--sec-per-batch', '0.5'];
      const result = await runJson(command, [...prefix, ...args]);
      // Each agent's batches are due at its offset (0, 1/6 or 1/3 of 0.5 s) plus 0, 0.5, 1 and 1.5 s,
      // all before the 2 s end, so 4 batches per agent.
      assert.equal(result.batchesConfirmed, 12);
      assert.equal(server.stats.batchesConfirmed, 12);
      for (const agent of server.stats.agents.values()) assert.deepEqual(agent.confirmIds, ['1', '2', '3', '4']);
    } finally {
      await server.close();
    }
  });
}
