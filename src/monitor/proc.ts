import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

import { monotonicEpochMs } from './clock.ts';
import { MonitorError } from './errors.ts';
import type { Monitor, ResourceSample } from './types.ts';

export interface ProcessMonitorOptions {
  /** Clock for timestamps and CPU intervals, epoch milliseconds; defaults to a monotonic clock. */
  now?: () => number;
}

/**
 * Creates a monitor of a local process that reads Linux's /proc: CPU time from /proc/PID/stat,
 * RSS from /proc/PID/status and open descriptors by listing /proc/PID/fd.
 */
export function createProcessMonitor(pid: number, options: ProcessMonitorOptions = {}): Monitor {
  const source = `pid:${pid}`;
  const now = options.now ?? monotonicEpochMs;
  const ticksPerSecond = clockTicksPerSecond();
  let previous: { timeMs: number; cpuTicks: number } | undefined;

  return {
    source,
    async sample(): Promise<ResourceSample> {
      const [stat, status, openFds] = await Promise.all([
        readProc(source, `/proc/${pid}/stat`),
        readProc(source, `/proc/${pid}/status`),
        countOpenFds(source, pid),
      ]);
      const timeMs = now();
      const cpuTicks = parseCpuTicks(source, stat);
      const sample: ResourceSample = { timeMs };

      if (previous && timeMs > previous.timeMs) {
        const cpuSeconds = (cpuTicks - previous.cpuTicks) / ticksPerSecond;
        sample.cpuPercent = (cpuSeconds * 100_000) / (timeMs - previous.timeMs);
      }
      previous = { timeMs, cpuTicks };

      const rssBytes = parseRssBytes(status);
      if (rssBytes !== undefined) sample.rssBytes = rssBytes;
      if (openFds !== undefined) sample.openFds = openFds;
      return sample;
    },
  };
}

/** Returns utime + stime of a /proc/PID/stat line, in clock ticks. */
export function parseCpuTicks(source: string, stat: string): number {
  // The command name in field 2 is in parentheses and may itself contain spaces and ')', so
  // fields are counted from the last ')'. After it, field 3 (state) is at position 0.
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(afterName[14 - 3]);
  const stime = Number(afterName[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new MonitorError('monitor_parse_failed', source, `invalid /proc stat line, expected utime and stime in fields 14 and 15: ${stat.slice(0, 120)}`);
  }
  return utime + stime;
}

/** Returns VmRSS of a /proc/PID/status text in bytes, or undefined for processes without one (kernel threads). */
export function parseRssBytes(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

async function readProc(source: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw procError(source, path, cause);
  }
}

// Listing another user's descriptors needs ptrace rights; without them the field is left out
// rather than failing the whole sample.
async function countOpenFds(source: string, pid: number): Promise<number | undefined> {
  const path = `/proc/${pid}/fd`;
  try {
    return (await readdir(path)).length;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EACCES') return undefined;
    throw procError(source, path, cause);
  }
}

function procError(source: string, path: string, cause: unknown): MonitorError {
  if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
    const pid = source.slice('pid:'.length);
    return new MonitorError('monitor_process_not_found', source, `no process with PID ${pid}; check that the server is still running`, { cause });
  }
  return new MonitorError('monitor_read_failed', source, `failed to read ${path}: ${(cause as Error).message}`, { cause });
}

let cachedTicks: number | undefined;

/**
 * Returns the kernel's USER_HZ, the unit of utime and stime in /proc. It is 100 on every mainstream
 * Linux architecture; `getconf` is asked once in case this one differs, and 100 is assumed without it.
 */
function clockTicksPerSecond(): number {
  if (cachedTicks !== undefined) return cachedTicks;
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim());
    cachedTicks = Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    cachedTicks = 100;
  }
  return cachedTicks;
}
