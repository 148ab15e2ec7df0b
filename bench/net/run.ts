// Compares the CPU cost per round trip of frameload/net with a bare node:tls client (the floor):
// 200 TLS connections on loopback, 7 KB JSON frames each way, one request in flight per connection.
// Each client and the echo server run in their own process; the clients alternate over five rounds
// and the median of each is reported. Usage:
//   node --import tsx bench/net/run.ts [--write]
// --write replaces the "## frameload/net vs bare node:tls" section of docs/BENCHMARKS.md.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { BENCH, type ClientResult } from './shared.ts';

const ROUNDS = 5;
const COMMAND = 'node --import tsx bench/net/run.ts --write';
const HEADING = '## frameload/net vs bare node:tls';
const here = (file: string): string => new URL(file, import.meta.url).pathname;

function startServer(): Promise<{ port: number; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', here('echo-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve({ port: Number(String(chunk).trim()), stop: () => child.kill() }));
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
}

function runClient(file: string, port: number): Promise<ClientResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', here(file), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) reject(new Error(`${file} exited with ${code}: ${output}`));
      else resolve(JSON.parse(last) as ClientResult);
    });
  });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const perThousand = (r: ClientResult): number => (r.cpuSeconds / r.roundTrips) * 1000;

const runStarted = performance.now();
const loadBefore = os.loadavg()[0]!;
const server = await startServer();
const bare: ClientResult[] = [];
const product: ClientResult[] = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so that warm caches or thermal drift do not favour one client.
    if (round % 2 === 0) {
      bare.push(await runClient('client-bare.ts', server.port));
      product.push(await runClient('client-frameload.ts', server.port));
    } else {
      product.push(await runClient('client-frameload.ts', server.port));
      bare.push(await runClient('client-bare.ts', server.port));
    }
  }
} finally {
  server.stop();
}

const floor = median(bare.map(perThousand));
const ours = median(product.map(perThousand));
const overhead = (ours / floor - 1) * 100;
const roundsText = (results: ClientResult[]): string => results.map((r) => perThousand(r).toFixed(3)).join(', ');
// The least loaded segment of all rounds: interference from other processes only adds CPU time.
const segmentRoundTrips = (BENCH.connections * BENCH.roundTripsPerConnection) / BENCH.segments;
const bestSegment = (results: ClientResult[]): number =>
  (Math.min(...results.flatMap((r) => r.segmentCpuSeconds)) / segmentRoundTrips) * 1000;
const floorBest = bestSegment(bare);
const oursBest = bestSegment(product);
const bestOverhead = (oursBest / floorBest - 1) * 100;
const signed = (percent: number): string => `${percent >= 0 ? '+' : ''}${percent.toFixed(1)}%`;
console.log(
  `frameload/net ${ours.toFixed(3)} vs bare node:tls ${floor.toFixed(3)} CPU s per 1,000 round trips ` +
    `(${signed(overhead)}, median of ${ROUNDS}; best segments ${signed(bestOverhead)}; target <= +10%)`,
);

if (process.argv.includes('--write')) {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const section = [
    HEADING,
    '',
    `Client CPU time (user + system, from \`process.cpuUsage\`) per 1,000 request/reply round trips:`,
    `${BENCH.connections} TLS 1.3 connections on loopback, a 7 KB JSON frame each way (4-byte big-endian length),`,
    `one request in flight per connection, ${BENCH.roundTripsPerConnection} measured round trips per connection after`,
    `${BENCH.warmupRoundTripsPerConnection} warm-up ones. The echo server runs in its own process. The floor is a bare`,
    'node:tls client with hand-written framing (bench/net/client-bare.ts); both clients parse each reply as JSON',
    'and check its confirmId. Median of five alternating rounds.',
    '',
    '| client | CPU s per 1,000 round trips, median of rounds | best segment | rounds |',
    '|---|---|---|---|',
    `| bare node:tls (floor) | ${floor.toFixed(3)} | ${floorBest.toFixed(3)} | ${roundsText(bare)} |`,
    `| frameload/net | ${ours.toFixed(3)} | ${oursBest.toFixed(3)} | ${roundsText(product)} |`,
    `| frameload/net vs floor | ${signed(overhead)} | ${signed(bestOverhead)} | |`,
    '',
    `"Best segment" is the least CPU any of the ${BENCH.segments} equal segments of a round used, across all rounds;`,
    'other processes can only add CPU time, so it is the least disturbed figure. Target: at most 10% more',
    'CPU than the floor.',
    ...(overlaps(bare, product)
      ? ['', 'The rounds of the two clients overlap, so the difference between the medians is within the noise of this run.']
      : []),
    '',
    `Measured on ${os.cpus().length} x ${cpu}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)},`,
    `with a 1-minute load average of ${loadBefore.toFixed(1)} before and ${os.loadavg()[0]!.toFixed(1)} after the run`,
    `(other work shared the machine, so single rounds vary; the median damps that). The whole run took`,
    `${Math.round((performance.now() - runStarted) / 1000)} s. Command:`,
    '',
    '```',
    COMMAND,
    '```',
    '',
  ].join('\n');
  writeSection(new URL('../../docs/BENCHMARKS.md', import.meta.url).pathname, section);
}

/** Returns whether the per-round figures of the two clients overlap. */
function overlaps(a: ClientResult[], b: ClientResult[]): boolean {
  const range = (results: ClientResult[]) => results.map(perThousand);
  return Math.min(...range(a)) <= Math.max(...range(b)) && Math.min(...range(b)) <= Math.max(...range(a));
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
