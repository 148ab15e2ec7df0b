/**
 * Largest delay Node's timers accept, about 24.8 days. A longer delay is replaced by 1 ms with a
 * TimeoutOverflowWarning, so a far deadline would fire at once.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Returns a delay for setTimeout: rounded up to whole milliseconds and capped at MAX_TIMER_DELAY_MS.
 * A caller whose delay may be capped must check the time again when the timer fires.
 *
 * Node keeps the delay on each Timeout object. When one timer in the process gets a fractional delay,
 * V8 changes how that field is stored and discards the optimised code of Node's timer functions, so
 * they compile again. Whole milliseconds keep every timer in one shape. Node's timers have
 * millisecond resolution, so rounding up loses nothing. They count from the event loop's cached
 * time, so they can still fire up to about 1 ms early. Callers that must not wake early check the
 * time again when the timer fires.
 */
export function timerDelay(ms: number): number {
  return ms > MAX_TIMER_DELAY_MS ? MAX_TIMER_DELAY_MS : Math.ceil(ms);
}

/** Limit as option error messages state it. */
export const MAX_TIMER_DELAY_TEXT = `at most ${MAX_TIMER_DELAY_MS} ms (about 24.8 days)`;
