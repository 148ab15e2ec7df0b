import type { ResourceSample } from '../monitor/types.ts';

/** Highest readings over a time window; null where no sample in the window had the field. */
export interface ResourcePeak {
  /** Samples that fell in the window. */
  samples: number;
  cpuPercent: number | null;
  rssBytes: number | null;
  openFds: number | null;
  hostCpuPercent: number | null;
  /** Lowest `MemAvailable` of the host, which is its peak memory use. */
  hostMemAvailableMinBytes: number | null;
}

/**
 * Computes the peak readings among samples taken after `startMs` and up to `endMs` (epoch ms).
 * A CPU reading covers the interval since the previous sample, so the first one in a window can
 * include a few seconds of the step before.
 */
export function peakInWindow(samples: readonly ResourceSample[], startMs: number, endMs: number): ResourcePeak {
  const peak: ResourcePeak = {
    samples: 0,
    cpuPercent: null,
    rssBytes: null,
    openFds: null,
    hostCpuPercent: null,
    hostMemAvailableMinBytes: null,
  };

  for (const s of samples) {
    if (s.timeMs <= startMs || s.timeMs > endMs) continue;
    peak.samples++;
    peak.cpuPercent = maxOf(peak.cpuPercent, s.cpuPercent);
    peak.rssBytes = maxOf(peak.rssBytes, s.rssBytes);
    peak.openFds = maxOf(peak.openFds, s.openFds);
    peak.hostCpuPercent = maxOf(peak.hostCpuPercent, s.hostCpuPercent);
    if (s.hostMemAvailableBytes !== undefined) {
      peak.hostMemAvailableMinBytes = Math.min(peak.hostMemAvailableMinBytes ?? Infinity, s.hostMemAvailableBytes);
    }
  }
  return peak;
}

function maxOf(current: number | null, value: number | undefined): number | null {
  if (value === undefined) return current;
  return current === null ? value : Math.max(current, value);
}
