// Measures one agent client against the reference server on loopback: the client runs as a child
// process, the server in this process. The client's CPU time is read from /proc/<pid>/stat every
// 100 ms, and the batch phase is the window from the first sample with a confirmed batch to the last
// sample at which the count grew, so connects, approvals and the client's start and summary stay out
// of the figure, the same way for every client. Linux only.
//
// Usage: node --import tsx bench/e2e/measure.ts --client frameload|bare|python [--agents 200]
//          [--batch 100] [--sec-per-batch 0.2] [--duration 30] [--approval-timeout 5] [--script PATH]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../../src/server/index.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const { values } = parseArgs({
  options: {
    client: { type: 'string', default: 'frameload' },
    agents: { type: 'string', default: '200' },
    batch: { type: 'string', default: '100' },
    'sec-per-batch': { type: 'string', default: '0.2' },
    duration: { type: 'string', default: '30' },
    'approval-timeout': { type: 'string', default: '5' },
    // Another scenario with load-agents.ts's environment variables, for profiling variants.
    script: { type: 'string', default: join(ROOT, 'scripts', 'load-agents.ts') },
  },
});
const agents = Number(values.agents);
const batch = Number(values.batch);
const secPerBatch = Number(values['sec-per-batch']);
const durationS = Number(values.duration);
const approvalS = Number(values['approval-timeout']);
if (!(agents > 0 && batch > 0 && secPerBatch > 0 && durationS > 0 && durationS <= 600 && approvalS > 0)) {
  throw new Error('--agents, --batch, --sec-per-batch, --approval-timeout must be > 0 and --duration in (0, 600] seconds');
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux, the unit of utime and stime in /proc/<pid>/stat

/** User + system CPU seconds of a process, or null once it has exited. */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Resident memory now and at its peak, in bytes, or null once the process has exited. */
function memory(pid: number): { rss: number; peak: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return null;
  }
}

function clientCommand(port: number): [string, string[]] {
  const common = ['--port', String(port), '--agents', String(agents), '--batch', String(batch), '--duration', String(durationS)];
  switch (values.client) {
    case 'frameload':
      return [
        join(ROOT, 'frameload'),
        [
          'run', '--quiet', values.script!,
          '-e', `HOST=127.0.0.1:${port}`, '-e', `AGENTS=${agents}`, '-e', `BATCH=${batch}`, '-e', `SEC_PER_BATCH=${secPerBatch}`,
          '-e', `DURATION=${durationS}s`, '-e', 'INSECURE_TLS=true', '-e', `APPROVAL_TIMEOUT=${approvalS}s`,
        ],
      ];
    case 'bare':
      return ['node', ['--import', 'tsx', join(ROOT, 'bench', 'agents', 'bare-tls-agent.ts'), ...common, '--sec-per-batch', String(secPerBatch), '--insecure']];
    case 'python':
      return ['python3', [join(ROOT, 'bench', 'agents', 'python_agent.py'), ...common, '--sec-per-batch', String(secPerBatch), '--insecure']];
    default:
      throw new Error(`--client must be frameload, bare or python, got ${values.client}`);
  }
}

const server = await startServer({ port: 0, metricsPort: null, recordConfirmIds: 0 });
const [command, args] = clientCommand(server.port);
const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
let output = '';
child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));

interface Sample {
  cpu: number;
  batches: number;
}
let first = null as Sample | null;
let last = null as Sample | null;
let peakRss = 0;
/** The client's peak resident memory when the first batch was confirmed: the connect phase's peak. */
let peakRssBeforeBatches = 0;
let previousBatches = 0;
const sampler = setInterval(() => {
  const cpu = cpuSeconds(child.pid!);
  const mem = memory(child.pid!);
  if (cpu === null || mem === null) return;
  peakRss = Math.max(peakRss, mem.peak);
  const batches = server.stats.batchesConfirmed;
  if (batches > 0 && first === null) {
    first = { cpu, batches };
    peakRssBeforeBatches = mem.peak;
  }
  if (batches > previousBatches) last = { cpu, batches };
  previousBatches = batches;
}, 100);

// Bounded: the client must finish within its own phases plus a minute.
const limit = setTimeout(() => child.kill('SIGKILL'), (approvalS + durationS + 120) * 1000);
const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
clearInterval(sampler);
clearTimeout(limit);
await server.close();

if (first === null || last === null || last.batches === first.batches) throw new Error(`no batch phase measured (client exit ${code})`);
const cpu = last.cpu - first.cpu;
const batches = last.batches - first.batches;
console.log(
  JSON.stringify({
    client: values.client,
    exitCode: code,
    agents,
    batch,
    secPerBatch,
    batchesConfirmedTotal: server.stats.batchesConfirmed,
    batchesInWindow: batches,
    cpuSecondsInWindow: +cpu.toFixed(2),
    cpuSecondsPer1000Batches: +((cpu * 1000) / batches).toFixed(4),
    peakRssMiB: +(peakRss / 2 ** 20).toFixed(1),
    peakRssBeforeBatchesMiB: +(peakRssBeforeBatches / 2 ** 20).toFixed(1),
    clientOutput: output.trim().split('\n').at(-1)?.slice(0, 300),
  }),
);
