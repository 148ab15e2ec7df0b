// Connection churn soak: 500 TLS agents against the reference server, which ends each connection
// after its 5th confirm; with one batch per agent every 2 s, every agent reconnects about every 10 s.
// Compares frameload's RSS, open file descriptors and active timers in minute 2 with the last
// minute and fails (exit 1) when a median moved by more than 5%; prints the median of every
// minute too, and keeps the samples and the summary export in the folder it names. Usage:
//   node --import tsx bench/churn/run.ts [--minutes 10]
// It ends by itself: the run is bounded by DURATION, and a watchdog kills both processes 4 minutes
// after the planned end.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const AGENTS = 500;
const SEC_PER_BATCH = 2;
const CLOSE_AFTER = 5;
const BATCH = 20;
const TOLERANCE = 0.05;

const minutesArg = process.argv.indexOf('--minutes');
const MINUTES = minutesArg === -1 ? 10 : Number(process.argv[minutesArg + 1]);
if (!Number.isInteger(MINUTES) || MINUTES < 2) throw new Error('--minutes: expected a whole number >= 2');

const root = new URL('../../', import.meta.url).pathname;
const frameload = join(root, 'frameload');
const dir = mkdtempSync(join(os.tmpdir(), 'frameload-churn-'));
const samplesPath = join(dir, 'samples.jsonl');
const summaryPath = join(dir, 'summary.json');

interface Sample {
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
  fds: number;
  socketFds: number;
  otherFds: number;
  timers: number;
  handles: number;
}

function startServer(): Promise<{ port: number; child: ChildProcess }> {
  const args = ['serve', '--port', '0', '--no-metrics', '--close-after', String(CLOSE_AFTER)];
  // serve prints its address on stderr.
  const child = spawn(frameload, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stderr! });
    lines.on('line', (line) => {
      const match = /listening on [^ ]+:(\d+) /.exec(line);
      if (match) resolve({ port: Number(match[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`frameload serve exited with ${code}`)));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

const startedAt = new Date();
console.error(`churn: samples in ${samplesPath}`);
const server = await startServer();
const env = {
  HOST: `127.0.0.1:${server.port}`,
  AGENTS,
  BATCH,
  SEC_PER_BATCH,
  DURATION: `${MINUTES}m`,
  INSECURE_TLS: 'true',
  SAMPLES: samplesPath,
};
const args = ['run', '--quiet', '--summary-export', summaryPath];
for (const [key, value] of Object.entries(env)) args.push('-e', `${key}=${value}`);
args.push(join(root, 'bench/churn/scripts/churn.ts'));

// --expose-gc lets the sampler collect garbage before it reads memory.
const run = spawn(frameload, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NODE_OPTIONS: '--expose-gc' } });
const watchdog = setTimeout(() => {
  run.kill('SIGKILL');
  server.child.kill('SIGKILL');
}, (MINUTES + 4) * 60_000);
const code = await new Promise<number | null>((resolve) => run.once('exit', (exitCode) => resolve(exitCode)));
clearTimeout(watchdog);
server.child.kill('SIGINT');

const samples = readFileSync(samplesPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Sample);
const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };

// Minute m holds the samples taken from (m-1) to m minutes after the first one.
const first = samples[0]!.at;
const inMinute = (m: number): Sample[] => samples.filter((s) => s.at - first >= (m - 1) * 60_000 && s.at - first < m * 60_000);
const early = inMinute(2);
const late = inMinute(MINUTES);
const fields: Array<[keyof Sample, string]> = [
  ['rssBytes', 'RSS after GC (MiB)'],
  ['heapUsedBytes', 'heap used after GC (MiB)'],
  ['externalBytes', 'external memory (MiB)'],
  ['fds', 'open file descriptors'],
  ['socketFds', '  of them sockets'],
  ['otherFds', '  of them not sockets'],
  ['handles', 'active handles and requests'],
  ['timers', 'active timers'],
];
const checked = new Set<keyof Sample>(['rssBytes', 'fds', 'timers']);
let flat = true;
console.log(`| measure | minute 2 (median) | minute ${MINUTES} (median) | change |`);
console.log('|---|---:|---:|---:|');
for (const [field, label] of fields) {
  const scale = field.endsWith('Bytes') ? 1 / 1024 / 1024 : 1;
  const a = median(early.map((s) => s[field]));
  const b = median(late.map((s) => s[field]));
  const change = (b - a) / a;
  if (checked.has(field) && !(Math.abs(change) <= TOLERANCE)) flat = false;
  console.log(`| ${label} | ${(a * scale).toFixed(1)} | ${(b * scale).toFixed(1)} | ${(change * 100).toFixed(1)}% |`);
}
console.log('');
console.log('| minute | RSS after GC (MiB) | heap (MiB) | sockets | other fds | handles | timers |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (let m = 1; m <= MINUTES; m++) {
  const window = inMinute(m);
  if (window.length === 0) continue;
  const at = (field: keyof Sample): number => median(window.map((s) => s[field]));
  const mib = (field: keyof Sample): string => (at(field) / 1024 / 1024).toFixed(1);
  console.log(`| ${m} | ${mib('rssBytes')} | ${mib('heapUsedBytes')} | ${at('socketFds')} | ${at('otherFds')} | ${at('handles')} | ${at('timers')} |`);
}
const metric = (name: string, stat: string): number => summary.metrics[name]?.values[stat] ?? 0;
console.log('');
console.log(`started ${startedAt.toISOString()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
console.log(`samples: ${samples.length} in ${samplesPath}; frameload run exit code ${code}`);
console.log(`batches confirmed ${metric('agent_batches_confirmed', 'count')}, reconnects ${metric('agent_reconnects', 'count')}, agent errors ${metric('agent_errors', 'count')}, p95 confirm ${metric('agent_confirm_duration', 'p(95)').toFixed(1)} ms`);
console.log(flat ? `flat: RSS, file descriptors and timers within ±${TOLERANCE * 100}%` : `NOT flat: a checked measure moved by more than ${TOLERANCE * 100}%`);
process.exitCode = flat ? 0 : 1;
