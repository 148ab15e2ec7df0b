/**
 * Current time as Unix epoch milliseconds from the monotonic clock, so intervals between samples
 * do not jump when the wall clock is adjusted.
 */
export function monotonicEpochMs(): number {
  return performance.timeOrigin + performance.now();
}
