/**
 * Largest delay Node's timers accept, about 24.8 days. A longer delay is replaced by 1 ms with a
 * TimeoutOverflowWarning, so a far deadline would fire at once.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Caps a delay for setTimeout. A caller that caps must check the time again when the timer fires. */
export function timerDelay(ms: number): number {
  return ms > MAX_TIMER_DELAY_MS ? MAX_TIMER_DELAY_MS : ms;
}

/** Limit as option error messages state it. */
export const MAX_TIMER_DELAY_TEXT = `at most ${MAX_TIMER_DELAY_MS} ms (about 24.8 days)`;
