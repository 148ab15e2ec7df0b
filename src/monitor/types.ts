/**
 * One reading of the system under test. Fields a source cannot provide are absent. `cpuPercent`
 * needs two readings, so the first sample of a monitor never has it.
 */
export interface ResourceSample {
  /** When the reading was taken, Unix epoch milliseconds. */
  timeMs: number;
  /** CPU time of the process as a percentage of one core over the interval since the previous sample. It exceeds 100 when the process runs on several cores. */
  cpuPercent?: number;
  /** Resident set size of the process, bytes. */
  rssBytes?: number;
  /** Open file descriptors of the process, sockets included. */
  openFds?: number;
  /** Busy share of all the host's CPUs over the interval since the previous sample, 0 to 100. */
  hostCpuPercent?: number;
  /** Memory the host can still give to new work without swapping (`MemAvailable`), bytes. */
  hostMemAvailableBytes?: number;
  /** Total memory of the host (`MemTotal`), bytes. */
  hostMemTotalBytes?: number;
}

/** A source of resource samples: a local process or a Prometheus text endpoint. */
export interface Monitor {
  /** The spec it was created from: `pid:1234` or the endpoint URL. */
  readonly source: string;
  /** Takes one reading, or rejects with a `MonitorError`. */
  sample(): Promise<ResourceSample>;
}

/** The readings of one monitored run, kept for the report. */
export interface ResourceSeries {
  source: string;
  /** Intended time between samples, milliseconds. */
  intervalMs: number;
  /** Successful samples in time order. */
  samples: ResourceSample[];
  /** Samples that failed. The sampler keeps going after a failure. */
  failedSamples: number;
}
