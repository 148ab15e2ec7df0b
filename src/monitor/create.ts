import { MonitorError } from './errors.ts';
import { createProcessMonitor } from './proc.ts';
import { createPrometheusMonitor } from './prometheus.ts';
import type { Monitor } from './types.ts';

export interface MonitorOptions {
  /** Timeout of one scrape of a Prometheus endpoint, milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Clock for timestamps and CPU intervals, epoch milliseconds; defaults to a monotonic clock. */
  now?: () => number;
}

/**
 * Creates a monitor from a `--monitor` spec: `pid:1234` for a local process read from /proc, or
 * an `http://` or `https://` URL of a Prometheus text endpoint.
 */
export function createMonitor(spec: string, options: MonitorOptions = {}): Monitor {
  const pid = /^pid:(\d+)$/.exec(spec);
  if (pid) {
    const value = Number(pid[1]);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new MonitorError('monitor_invalid_spec', spec, `invalid PID ${pid[1]}, expected a positive integer`);
    }
    if (process.platform !== 'linux') {
      throw new MonitorError('monitor_invalid_spec', spec, `monitoring by PID reads /proc and works on Linux only, not ${process.platform}; use a Prometheus endpoint URL`);
    }
    return createProcessMonitor(value, options);
  }

  let url: URL | undefined;
  try {
    url = new URL(spec);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return createPrometheusMonitor(spec, options);

  throw new MonitorError('monitor_invalid_spec', spec, 'invalid monitor spec, expected pid:<PID> or an http:// or https:// URL of a Prometheus text endpoint');
}
