import { monotonicEpochMs } from './clock.ts';
import { MonitorError } from './errors.ts';
import { parsePrometheusText, PrometheusParseError, type PrometheusSample } from './prometheus-text.ts';
import type { Monitor, ResourceSample } from './types.ts';

export interface PrometheusMonitorOptions {
  /** How long one scrape may take, milliseconds. Default 2000. */
  timeoutMs?: number;
  /** Clock for timestamps and CPU intervals, epoch milliseconds; defaults to a monotonic clock. */
  now?: () => number;
}

/** Counter readings of one scrape, kept to turn the next scrape's counters into percentages. */
export interface Counters {
  timeMs: number;
  processCpuSeconds?: number;
  hostCpuTotalSeconds?: number;
  hostCpuIdleSeconds?: number;
}

/**
 * Creates a monitor that scrapes a Prometheus text endpoint. An application endpoint provides the
 * standard process collector's `process_cpu_seconds_total`, `process_resident_memory_bytes` and
 * `process_open_fds`. A node_exporter endpoint provides `node_cpu_seconds_total` and
 * `node_memory_*`, and its `process_*` series describe node_exporter itself, so they are ignored
 * whenever `node_cpu_seconds_total` is present.
 */
export function createPrometheusMonitor(url: string, options: PrometheusMonitorOptions = {}): Monitor {
  const timeoutMs = options.timeoutMs ?? 2000;
  const now = options.now ?? monotonicEpochMs;
  let previous: Counters | undefined;

  return {
    source: url,
    async sample(): Promise<ResourceSample> {
      const text = await scrape(url, timeoutMs);
      const timeMs = now();

      let samples: PrometheusSample[];
      try {
        samples = parsePrometheusText(text).samples;
      } catch (cause) {
        if (!(cause instanceof PrometheusParseError)) throw cause;
        throw new MonitorError('monitor_parse_failed', url, `invalid Prometheus text format: ${cause.message}`, { cause });
      }

      const { sample, counters } = readResources(samples, timeMs, previous);
      previous = counters;
      return sample;
    },
  };
}

/** Turns one scrape into a resource sample, using the previous scrape's counters for CPU percentages. */
export function readResources(
  samples: readonly PrometheusSample[],
  timeMs: number,
  previous: Counters | undefined,
): { sample: ResourceSample; counters: Counters } {
  const byName = new Map<string, PrometheusSample[]>();
  for (const s of samples) {
    const list = byName.get(s.name);
    if (list) list.push(s);
    else byName.set(s.name, [s]);
  }

  const sample: ResourceSample = { timeMs };
  const counters: Counters = { timeMs };
  const elapsedSeconds = previous && timeMs > previous.timeMs ? (timeMs - previous.timeMs) / 1000 : undefined;
  const hostCpu = byName.get('node_cpu_seconds_total');

  if (hostCpu) {
    counters.hostCpuTotalSeconds = sum(hostCpu);
    // iowait counts as idle because a CPU waiting on I/O is free to run other work.
    counters.hostCpuIdleSeconds = sum(hostCpu.filter((s) => s.labels.mode === 'idle' || s.labels.mode === 'iowait'));
    if (previous?.hostCpuTotalSeconds !== undefined && previous.hostCpuIdleSeconds !== undefined) {
      const total = counters.hostCpuTotalSeconds - previous.hostCpuTotalSeconds;
      const idle = counters.hostCpuIdleSeconds - previous.hostCpuIdleSeconds;
      // A total that did not grow means the exporter restarted or no time passed, so the interval is skipped.
      if (total > 0 && idle >= 0) sample.hostCpuPercent = ((total - idle) / total) * 100;
    }
    setIfPresent(sample, 'hostMemAvailableBytes', byName.get('node_memory_MemAvailable_bytes'));
    setIfPresent(sample, 'hostMemTotalBytes', byName.get('node_memory_MemTotal_bytes'));
    return { sample, counters };
  }

  const processCpu = byName.get('process_cpu_seconds_total');
  if (processCpu) {
    counters.processCpuSeconds = sum(processCpu);
    const used = previous?.processCpuSeconds === undefined ? undefined : counters.processCpuSeconds - previous.processCpuSeconds;
    // A negative difference means the process restarted and its counter began again; skip that interval.
    if (used !== undefined && used >= 0 && elapsedSeconds !== undefined) sample.cpuPercent = (used / elapsedSeconds) * 100;
  }
  setIfPresent(sample, 'rssBytes', byName.get('process_resident_memory_bytes'));
  setIfPresent(sample, 'openFds', byName.get('process_open_fds'));
  return { sample, counters };
}

async function scrape(url: string, timeoutMs: number): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain;version=0.0.4' } });
  } catch (cause) {
    if ((cause as Error).name === 'TimeoutError') {
      throw new MonitorError('monitor_timeout', url, `scrape timed out after ${timeoutMs} ms`, { cause });
    }
    const detail = (cause as Error & { cause?: Error }).cause?.message ?? (cause as Error).message;
    throw new MonitorError('monitor_http_failed', url, `scrape failed: ${detail}; check the URL and that the endpoint is up`, { cause });
  }

  if (!response.ok) {
    await response.body?.cancel();
    throw new MonitorError('monitor_http_failed', url, `scrape returned HTTP ${response.status}, expected 200 with Prometheus text`);
  }
  try {
    return await response.text();
  } catch (cause) {
    throw new MonitorError('monitor_http_failed', url, `failed to read the scrape body: ${(cause as Error).message}`, { cause });
  }
}

// Several series of one name (for example one per worker process) are summed.
function sum(samples: readonly PrometheusSample[]): number {
  let total = 0;
  for (const s of samples) total += s.value;
  return total;
}

function setIfPresent(
  sample: ResourceSample,
  field: 'rssBytes' | 'openFds' | 'hostMemAvailableBytes' | 'hostMemTotalBytes',
  series: readonly PrometheusSample[] | undefined,
): void {
  if (series && series.length > 0) sample[field] = sum(series);
}
