// Compares the CPU cost per confirmed batch of two frameload builds, for deciding whether a change to
// the hot path pays. Both builds run scripts/load-agents.ts at the same time, pinned to one CPU, against
// one reference server pinned to another. Because they share the machine's state, the ratio of their
// costs moves far less from round to round than separate runs do. Each round reads both clients' CPU time
// from /proc between 9 s and 35 s after their start, which is inside their batch phase (connects end
// at 6 s). Linux with taskset only.
//
// Usage: node --import tsx bench/e2e/compare-builds.ts BUNDLE_A BUNDLE_B [--rounds 3]
//          [--node-flags-b "--max-semi-space-size=32"]
// A bundle is a built dist/frameload.mjs; copy one aside under the repository (so that it finds
// node_modules) before rebuilding. The output is one line per round and the median of B / A.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..', '..');
const AGENTS = 200;
const SEC_PER_BATCH = 0.5;
const WINDOW_START_S = 9;
const WINDOW_END_S = 35;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux, the unit of utime and stime in /proc/<pid>/stat

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '3' },
    'node-flags-a': { type: 'string', default: '' },
    'node-flags-b': { type: 'string', default: '' },
  },
});
const rounds = Number(values.rounds);
if (positionals.length !== 2 || !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) {
  throw new Error('usage: compare-builds.ts BUNDLE_A BUNDLE_B [--rounds 1..20] [--node-flags-a FLAGS] [--node-flags-b FLAGS]');
}
const [bundleA, bundleB] = positionals.map((p) => resolve(p)) as [string, string];

/** User + system CPU seconds of a running process. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const exited = (child: ChildProcess): Promise<number | null> => new Promise((r) => child.on('close', r));

/** Starts the reference server on CPU 1 and resolves with it and the port it listens on. */
function startServer(): Promise<{ server: ChildProcess; port: number }> {
  const server = spawn('taskset', ['-c', '1', process.execPath, join(ROOT, 'dist', 'frameload.mjs'), 'serve', '--port', '0', '--no-metrics'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // The server reports where it listens on standard error. The pipe is read to the end, so that the
  // server never blocks on a full pipe.
  let output = '';
  server.stderr!.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    server.stderr!.on('data', (chunk: string) => {
      if (output.length < 10_000) output += chunk;
      const port = /listening on 127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port !== undefined) resolve({ server, port: Number(port) });
    });
    server.on('close', () => reject(new Error(`the reference server exited before listening: ${output.trim()}`)));
  });
}

function startClient(bundle: string, flags: string, port: number): ChildProcess {
  const args = [
    '-c', '0', process.execPath, ...flags.split(' ').filter(Boolean), bundle,
    'run', '--quiet', join(ROOT, 'scripts', 'load-agents.ts'),
    '-e', `HOST=127.0.0.1:${port}`, '-e', `AGENTS=${AGENTS}`, '-e', 'BATCH=100', '-e', `SEC_PER_BATCH=${SEC_PER_BATCH}`,
    '-e', 'DURATION=30s', '-e', 'INSECURE_TLS=true', '-e', 'APPROVAL_TIMEOUT=5s',
  ];
  return spawn('taskset', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}

const { server, port } = await startServer();
const ratios: number[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const a = startClient(bundleA, values['node-flags-a']!, port);
    const b = startClient(bundleB, values['node-flags-b']!, port);
    await sleep(WINDOW_START_S * 1000);
    const [a0, b0] = [cpuSeconds(a.pid!), cpuSeconds(b.pid!)];
    await sleep((WINDOW_END_S - WINDOW_START_S) * 1000);
    const [a1, b1] = [cpuSeconds(a.pid!), cpuSeconds(b.pid!)];
    const codes = await Promise.all([exited(a), exited(b)]);
    if (codes.some((code) => code !== 0)) throw new Error(`round ${round}: a client exited with ${codes.join(' and ')}`);

    // Both clients send on a fixed timeline, so the window contains the same number of batches for each.
    const thousands = ((WINDOW_END_S - WINDOW_START_S) * AGENTS) / SEC_PER_BATCH / 1000;
    const costA = (a1 - a0) / thousands;
    const costB = (b1 - b0) / thousands;
    ratios.push(costB / costA);
    console.log(`round ${round}: A ${costA.toFixed(4)}  B ${costB.toFixed(4)} CPU s per 1,000 batches, B / A ${(costB / costA).toFixed(3)}`);
  }
} finally {
  server.kill('SIGTERM');
  await exited(server);
}
ratios.sort((x, y) => x - y);
const middle = ratios.length >> 1;
const median = ratios.length % 2 === 1 ? ratios[middle]! : (ratios[middle - 1]! + ratios[middle]!) / 2;
console.log(`median B / A over ${rounds} rounds: ${median.toFixed(3)}`);
