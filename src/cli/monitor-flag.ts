import type { RunObserver } from '../engine/run.ts';
import type { Logger } from '../engine/runtime.ts';
import { createMonitor } from '../monitor/create.ts';
import { MonitorError } from '../monitor/errors.ts';
import { ResourceSampler } from '../monitor/sampler.ts';
import type { Monitor, ResourceSeries } from '../monitor/types.ts';
import { UsageError } from './usage.ts';

/** Creates the monitor a `--monitor` value names; an invalid value is a usage error (exit 104). */
export function parseMonitorFlag(spec: string): Monitor {
  try {
    return createMonitor(spec);
  } catch (err) {
    if (err instanceof MonitorError) throw new UsageError(`--monitor ${JSON.stringify(spec)}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Takes one reading before the run, so a PID that does not exist or an endpoint that does not respond
 * stops the command before any load is sent (exit 104, naming --monitor).
 */
export async function probeMonitor(monitor: Monitor): Promise<void> {
  try {
    await monitor.sample();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new UsageError(`--monitor ${JSON.stringify(monitor.source)}: the first reading failed: ${reason}`, { cause: err });
  }
}

/**
 * Samples the monitor while one run lasts: the sampler starts when the run's registry exists, so its
 * readings become the run's server_* and host_* gauges, and `stop()` returns the series.
 */
export class MonitorObserver implements RunObserver {
  private sampler: ResourceSampler | undefined;
  private started: Promise<void> | undefined;

  constructor(
    private readonly monitor: Monitor,
    private readonly log: Logger,
  ) {}

  onStart(context: Parameters<NonNullable<RunObserver['onStart']>>[0]): void {
    const sampler = new ResourceSampler(this.monitor, {
      registry: context.registry,
      onError: (error) => this.log.warn(`${error.message}; sampling continues`),
    });
    this.sampler = sampler;
    this.started = sampler.start().catch((error: unknown) => {
      this.log.error(`${error instanceof Error ? error.message : String(error)}; the run goes on without server readings`);
    });
  }

  /** Stops sampling and returns the readings, or undefined when the run never started. */
  async stop(): Promise<ResourceSeries | undefined> {
    if (this.sampler === undefined) return undefined;
    await this.started;
    return this.sampler.stop();
  }
}
