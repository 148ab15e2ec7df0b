// Connection churn soak: 500 TLS agents against the reference server, which ends each connection
// after its 5th confirm; with one batch per agent every 2 s, every agent reconnects about every 10 s.
// Compares frameload's RSS, open file descriptors, handles and active timers in minute 2 with the
// last minute and fails (exit 1) when one moved by more than 5%. Memory is compared by its median
// after GC. Counts are compared by their maximum in the minute: the agents reconnect in step, so
// samples alternate between nearly all and few connections open, and a leak raises the maximum.
// A count of about ten cannot move by less than one, so counts may also move by 1. It prints every
// minute too, and keeps the samples and the summary export in the folder it names. Usage:
//   node --import tsx bench/churn/run.ts [--minutes 10]
//   node --import tsx bench/churn/run.ts --analyze SAMPLES.jsonl [--minutes 10]   (only the tables)
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

const analyzeArg = process.argv.indexOf('--analyze');
const analyzePath = analyzeArg === -1 ? undefined : process.argv[analyzeArg + 1];

const root = new URL('../../', import.meta.url).pathname;
const frameload = join(root, 'frameload');

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

/** Runs the soak and returns the samples file, the frameload run's exit code and its summary export. */
async function soak(): Promise<{ samplesPath: string; code: number | null; summaryPath: string }> {
  const dir = mkdtempSync(join(os.tmpdir(), 'frameload-churn-'));
  const samplesPath = join(dir, 'samples.jsonl');
  const summaryPath = join(dir, 'summary.json');
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
  return { samplesPath, code, summaryPath };
}

const startedAt = new Date();
const soaked = analyzePath === undefined ? await soak() : undefined;
const samplesPath = analyzePath ?? soaked!.samplesPath;
const samples = readFileSync(samplesPath, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Sample);

// Minute m holds the samples taken from (m-1) to m minutes after the first one.
const first = samples[0]!.at;
const inMinute = (m: number): Sample[] => samples.filter((s) => s.at - first >= (m - 1) * 60_000 && s.at - first < m * 60_000);
const early = inMinute(2);
const late = inMinute(MINUTES);
const memoryFields: Array<[keyof Sample, string]> = [
  ['rssBytes', 'RSS after GC (MiB), median'],
  ['heapUsedBytes', 'heap used after GC (MiB), median'],
  ['externalBytes', 'external memory (MiB), median'],
];
const countFields: Array<[keyof Sample, string]> = [
  ['fds', 'open file descriptors, max'],
  ['socketFds', '  of them sockets, max'],
  ['otherFds', '  of them not sockets, max'],
  ['handles', 'active handles and requests, max'],
  ['timers', 'active timers, max'],
];
const checked = new Set<keyof Sample>(['rssBytes', 'fds', 'handles', 'timers']);
const max = (values: number[]): number => Math.max(...values);
let flat = true;
console.log(`| measure | minute 2 | minute ${MINUTES} | change |`);
console.log('|---|---:|---:|---:|');
for (const [fields, statistic] of [[memoryFields, median], [countFields, max]] as const) {
  for (const [field, label] of fields) {
    const isBytes = field.endsWith('Bytes');
    const a = statistic(early.map((s) => s[field]));
    const b = statistic(late.map((s) => s[field]));
    const change = (b - a) / a;
    const allowed = isBytes ? TOLERANCE * a : Math.max(1, TOLERANCE * a);
    if (checked.has(field) && !(Math.abs(b - a) <= allowed)) flat = false;
    const format = (value: number): string => (isBytes ? (value / 1024 / 1024).toFixed(1) : String(value));
    console.log(`| ${label} | ${format(a)} | ${format(b)} | ${(change * 100).toFixed(1)}% |`);
  }
}
console.log('');
console.log('| minute | RSS after GC (MiB), median | heap (MiB), median | sockets, min-max | other fds, max | handles, max | timers, min-max |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (let m = 1; m <= MINUTES; m++) {
  const window = inMinute(m);
  if (window.length === 0) continue;
  const values = (field: keyof Sample): number[] => window.map((s) => s[field]);
  const mib = (field: keyof Sample): string => (median(values(field)) / 1024 / 1024).toFixed(1);
  const range = (field: keyof Sample): string => `${Math.min(...values(field))}-${max(values(field))}`;
  console.log(
    `| ${m} | ${mib('rssBytes')} | ${mib('heapUsedBytes')} | ${range('socketFds')} | ${max(values('otherFds'))} | ${max(values('handles'))} | ${range('timers')} |`,
  );
}
console.log('');
console.log(`${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), node ${process.version}`);
console.log(`samples: ${samples.length} in ${samplesPath}`);
if (soaked !== undefined) {
  const summary = JSON.parse(readFileSync(soaked.summaryPath, 'utf8')) as { metrics: Record<string, { values: Record<string, number> }> };
  const metric = (name: string, stat: string): number => summary.metrics[name]?.values[stat] ?? 0;
  console.log(`started ${startedAt.toISOString()}; frameload run exit code ${soaked.code}`);
  console.log(
    `batches confirmed ${metric('agent_batches_confirmed', 'count')}, reconnects ${metric('agent_reconnects', 'count')}, ` +
      `agent errors ${metric('agent_errors', 'count')}, p95 confirm ${metric('agent_confirm_duration', 'p(95)').toFixed(1)} ms`,
  );
}
console.log(
  flat
    ? `flat: RSS, file descriptors, handles and timers within ±${TOLERANCE * 100}% (counts also ±1)`
    : `NOT flat: a checked measure moved by more than ${TOLERANCE * 100}% (counts also ±1)`,
);
process.exitCode = flat ? 0 : 1;
