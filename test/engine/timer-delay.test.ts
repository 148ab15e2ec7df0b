import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TIMER_DELAY_MS, timerDelay } from '../../src/engine/timer-delay.ts';

test('timer delay rounds up to milliseconds', () => {
  assert.equal(timerDelay(0.2), 1);
  assert.equal(timerDelay(2.0001), 3);
  assert.equal(timerDelay(5), 5);
  assert.equal(timerDelay(0), 0);
  assert.equal(timerDelay(2 ** 40), MAX_TIMER_DELAY_MS);
});
