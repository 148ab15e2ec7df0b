// Engine benchmarks: empty-iteration throughput on one core, memory per idle VU, scheduler accuracy.
// Usage: node --import tsx bench/engine/run.ts   (after `make build`; prints one JSON line per case)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../test/helpers.ts';

const FRAMELOAD = join(ROOT, 'frameload');

function run(args: string[], onSpawn?: (pid: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    // taskset pins the whole process to one core, so the figures are per core.
    const child = spawn('taskset', ['-c', '0', FRAMELOAD, 'run', '--quiet', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    if (onSpawn) onSpawn(child.pid!);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`frameload exited ${code}`))));
  });
}

function rssKiB(pid: number): number {
  // The launcher execs node, so the pid is node's own.
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
}

async function throughput(rate: number): Promise<void> {
  const out = await run(['-e', `RATE=${rate}`, '-e', 'VUS=1000', '-e', 'DURATION=10s', join(ROOT, 'bench/engine/scripts/empty.ts')]);
  const r = JSON.parse(out) as Record<string, number>;
  const seconds = r.duration_ms! / 1000;
  console.log(
    JSON.stringify({
      case: 'empty iterations, constant-arrival-rate, 1000 VUs, one core',
      target_per_s: rate,
      achieved_per_s: Math.round(r.iterations! / seconds),
      dropped: r.dropped,
      cpu_share_of_core: +(r.cpu_s! / seconds).toFixed(2),
      lateness_med_ms: r.lateness_med_ms,
      lateness_p99_ms: r.lateness_p99_ms,
    }),
  );
}

async function idleMemory(vus: number): Promise<number> {
  let peak = 0;
  await run(['-e', `VUS=${vus}`, '-e', 'DURATION=8s', join(ROOT, 'bench/engine/scripts/idle.ts')], (pid) => {
    // Sample after every VU has started and settled into its sleep.
    setTimeout(() => (peak = rssKiB(pid)), 6000);
  });
  return peak;
}

const which = process.argv[2] ?? 'all';
if (which === 'all' || which === 'throughput') {
  for (const rate of [100_000, 200_000, 400_000]) await throughput(rate);
}
if (which === 'all' || which === 'memory') {
  const one = await idleMemory(1);
  const many = await idleMemory(10_000);
  console.log(
    JSON.stringify({ case: 'memory per idle VU', rss_1_vu_kib: one, rss_10000_vus_kib: many, per_vu_kib: +((many - one) / 9999).toFixed(2) }),
  );
}
