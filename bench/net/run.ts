// Compares the CPU cost per round trip of frameload/net with a bare node:tls client (the floor):
// 200 TLS connections per client on loopback, 7 KB JSON frames each way, one request in flight per connection.
// The echo server runs in its own process. Each of three measuring processes opens both clients and
// alternates between them segment by segment (bench/net/measure.ts), so both see the same machine,
// heap and compiled code. On a machine with two or more CPUs the server and the measuring process are
// pinned to different CPUs with taskset, when it exists. Usage:
//   node --import tsx bench/net/run.ts [--write]
// --write replaces the "## frameload/net vs bare node:tls" section of docs/BENCHMARKS.md.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { BENCH, type PairedResult } from './shared.ts';

const PROCESSES = 3;
const COMMAND = 'node --import tsx bench/net/run.ts --write';
const HEADING = '## frameload/net vs bare node:tls';
const here = (file: string): string => new URL(file, import.meta.url).pathname;

const pinning = os.cpus().length >= 2 && hasTaskset();
/** Returns the command line for a node process, pinned to `cpu` when pinning is possible. */
function nodeCommand(cpu: number, args: string[]): [string, string[]] {
  const node = [process.execPath, '--import', 'tsx', ...args];
  return pinning ? ['taskset', ['-c', String(cpu), ...node]] : [node[0]!, node.slice(1)];
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function startServer(): Promise<{ port: number; stop(): void }> {
  const [command, args] = nodeCommand(os.cpus().length - 1, [here('echo-server.ts')]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve({ port: Number(String(chunk).trim()), stop: () => child.kill() }));
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
}

function measure(port: number): Promise<PairedResult> {
  const [command, args] = nodeCommand(0, [here('measure.ts'), String(port)]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`measure.ts exited with ${code}: ${output}`));
      else resolve(JSON.parse(last) as PairedResult);
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const signed = (percent: number): string => `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;

const runStarted = performance.now();
const loadBefore = os.loadavg()[0]!;
const server = await startServer();
const results: PairedResult[] = [];
try {
  for (let i = 0; i < PROCESSES; i++) results.push(await measure(server.port));
} finally {
  server.stop();
}

const perThousand = (cpu: number, result: PairedResult): number => (cpu / result.roundTripsPerSegment) * 1000;
const floorAll = results.flatMap((r) => r.bare.map((cpu) => perThousand(cpu, r)));
const oursAll = results.flatMap((r) => r.frameload.map((cpu) => perThousand(cpu, r)));
// Each pair's ratio compares two neighbouring segments, so slow phases of the machine cancel out.
const ratios = (r: PairedResult): number[] => r.frameload.map((cpu, i) => cpu / r.bare[i]!);
const overhead = (median(results.flatMap(ratios)) - 1) * 100;
const perProcess = results.map((r) => signed((median(ratios(r)) - 1) * 100));
const pairCount = results.length * BENCH.pairs;
console.log(
  `frameload/net ${median(oursAll).toFixed(3)} vs bare node:tls ${median(floorAll).toFixed(3)} CPU s per 1,000 round trips; ` +
    `median of ${pairCount} paired segments ${signed(overhead)} (processes: ${perProcess.join(', ')}; target <= +10%)`,
);

if (process.argv.includes('--write')) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const section = [
    HEADING,
    '',
    'Client CPU time (user + system, from `process.cpuUsage`) per 1,000 request/reply round trips:',
    `${BENCH.connections} TLS 1.3 connections per client on loopback, a 7 KB JSON frame each way (4-byte big-endian`,
    'length), one request in flight per connection. The floor is a bare node:tls client with hand-written framing',
    '(bench/net/client-bare.ts); both clients parse each reply as JSON and check its confirmId, and frameload/net',
    'also records its metrics. The echo server runs in its own process.',
    '',
    `Each of ${PROCESSES} measuring processes (bench/net/measure.ts) opens both clients' connections, warms both up,`,
    `then times ${BENCH.pairs} pairs of segments of ${BENCH.connections * BENCH.roundTripsPerSegment} round trips, one segment per client,`,
    'in the order ABBA ABBA. A pair compares two neighbouring segments of one process, so the same heap, compiled',
    `code and machine state; the figure is the median over all ${pairCount} pairs.` +
      (pinning ? ' The measuring process ran pinned to CPU 0 and the echo server to another CPU (taskset).' : ''),
    '',
    '| client | CPU s per 1,000 round trips (median segment) |',
    '|---|---|',
    `| bare node:tls (floor) | ${median(floorAll).toFixed(3)} |`,
    `| frameload/net | ${median(oursAll).toFixed(3)} |`,
    `| frameload/net vs floor, median of paired segments | **${signed(overhead)}** |`,
    `| the same, per measuring process | ${perProcess.join(', ')} |`,
    '',
    'Target: at most 10% more CPU than the floor. Single segments vary by 10-20% on this shared virtual machine,',
    'and so do whole processes; that is why the figure pairs neighbouring segments instead of comparing separate runs.',
    '',
    `Measured on ${os.cpus().length} x ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)},`,
    `with a 1-minute load average of ${loadBefore.toFixed(1)} before and ${os.loadavg()[0]!.toFixed(1)} after the run.`,
    `The whole run took ${Math.round((performance.now() - runStarted) / 1000)} s. Command:`,
    '',
    '```',
    COMMAND,
    '```',
    '',
  ].join('\n');
  writeSection(new URL('../../docs/BENCHMARKS.md', import.meta.url).pathname, section);
}

/** Replaces this benchmark's section in the file, or appends it; other sections stay as they are. */
function writeSection(path: string, section: string): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\n';
  const start = text.indexOf(HEADING);
  if (start === -1) {
    writeFileSync(path, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + HEADING.length);
  const end = next === -1 ? text.length : next + 1;
  writeFileSync(path, `${text.slice(0, start)}${section}${next === -1 ? '' : '\n'}${text.slice(end)}`);
}
