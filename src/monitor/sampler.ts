import { timerDelay } from '../engine/timer-delay.ts';
import type { Metric, MetricRegistry } from '../metrics/registry.ts';
import type { Tags, ValueType } from '../metrics/types.ts';
import { MonitorError } from './errors.ts';
import type { Monitor, ResourceSample, ResourceSeries } from './types.ts';

export interface SamplerOptions {
  /** Time between samples, milliseconds. Default 5000. */
  intervalMs?: number;
  /** Registry that receives the gauges; without one, samples are only kept in `series`. */
  registry?: MetricRegistry;
  /** Tags of every gauge sample. Default `{ monitor: <source> }`. */
  tags?: Tags;
  /** Called with each sample after it was recorded, for live display. */
  onSample?: (sample: ResourceSample) => void;
  /** Called with each failed sample after the first. The sampler keeps going. */
  onError?: (error: MonitorError) => void;
}

/** Gauges fed from each sample: metric name, the sample field and what the value contains. */
const GAUGES: readonly { name: string; field: Exclude<keyof ResourceSample, 'timeMs'>; contains: ValueType }[] = [
  { name: 'server_cpu_percent', field: 'cpuPercent', contains: 'default' },
  { name: 'server_rss_bytes', field: 'rssBytes', contains: 'data' },
  { name: 'server_open_fds', field: 'openFds', contains: 'default' },
  { name: 'host_cpu_percent', field: 'hostCpuPercent', contains: 'default' },
  { name: 'host_mem_available_bytes', field: 'hostMemAvailableBytes', contains: 'data' },
];

export const DEFAULT_SAMPLE_INTERVAL_MS = 5000;

/**
 * Samples a monitor at a fixed interval, feeds the readings into gauges and keeps them as a time
 * series for the report. A gauge is defined only once its field first has a value, so a PID
 * monitor adds no empty host gauges to the summary.
 */
export class ResourceSampler {
  readonly series: ResourceSeries;
  private readonly tags: Tags;
  private readonly gauges = new Map<string, Metric>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly monitor: Monitor,
    private readonly options: SamplerOptions = {},
  ) {
    const intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
    if (!(intervalMs > 0)) {
      throw new MonitorError('monitor_invalid_spec', monitor.source, `invalid sample interval ${intervalMs} ms, expected more than 0`);
    }
    this.series = { source: monitor.source, intervalMs, samples: [], failedSamples: 0 };
    this.tags = Object.freeze({ ...(options.tags ?? { monitor: monitor.source }) });
  }

  /**
   * Takes the first sample and starts the loop. The first sample is awaited and its failure
   * rejects, so a wrong PID or URL stops the run before any load is sent.
   */
  async start(): Promise<void> {
    if (this.timer || this.stopped) return;
    this.record(await this.monitor.sample());
    this.schedule();
  }

  /** Stops the loop, waits for a sample in flight and returns the series. Safe to call more than once. */
  async stop(): Promise<ResourceSeries> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    return this.series;
  }

  // Each sample is scheduled after the previous one finished, so a slow scrape never overlaps
  // the next. The timer is unref'd so a forgotten sampler cannot keep the process alive.
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.takeSample().finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
    }, timerDelay(this.series.intervalMs));
    this.timer.unref();
  }

  private async takeSample(): Promise<void> {
    try {
      const sample = await this.monitor.sample();
      if (!this.stopped) this.record(sample);
    } catch (error) {
      this.series.failedSamples++;
      const failure =
        error instanceof MonitorError
          ? error
          : new MonitorError('monitor_read_failed', this.monitor.source, `sample failed: ${(error as Error).message}`, { cause: error });
      this.options.onError?.(failure);
    }
  }

  private record(sample: ResourceSample): void {
    this.series.samples.push(sample);
    this.feedGauges(sample);
    this.options.onSample?.(sample);
  }

  private feedGauges(sample: ResourceSample): void {
    const registry = this.options.registry;
    if (!registry) return;

    for (const gauge of GAUGES) {
      const value = sample[gauge.field];
      if (value === undefined) continue;
      let metric = this.gauges.get(gauge.name);
      if (!metric) {
        metric = registry.define(gauge.name, 'gauge', gauge.contains);
        this.gauges.set(gauge.name, metric);
      }
      metric.add(value, this.tags);
    }
  }
}
