import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realClock } from '../../src/engine/clock.ts';

test('sleep never wakes before its time', async () => {
  for (const ms of [3.3, 7.9, 12.5]) {
    const at = performance.now() + ms;
    await realClock.sleepUntil(at);
    assert.ok(performance.now() >= at, `a sleep of ${ms} ms woke ${at - performance.now()} ms early`);
  }
});

test('abort wakes every sleep on the signal', async () => {
  const controller = new AbortController();
  const started = performance.now();
  const sleeps = [1, 2, 3].map((i) => realClock.sleepUntil(started + i * 10_000, controller.signal));
  // Short sleeps between long ones end before the abort. They leave the list, and the long ones
  // must still be woken.
  const short = [5, 10].map((ms) => realClock.sleepUntil(started + ms, controller.signal));
  sleeps.push(realClock.sleepUntil(started + 40_000, controller.signal));
  await Promise.all(short);

  setTimeout(() => controller.abort(), 20);
  await Promise.all(sleeps);
  const waitedMs = performance.now() - started;
  assert.ok(waitedMs < 2000, `the sleeps ended after ${waitedMs} ms, not at the abort`);

  const afterAbort = performance.now();
  await realClock.sleepUntil(afterAbort + 10_000, controller.signal);
  assert.ok(performance.now() - afterAbort < 1000, 'a sleep on an aborted signal must return at once');
});

test('abort on one signal leaves another asleep', async () => {
  const stopped = new AbortController();
  const other = new AbortController();
  const started = performance.now();
  let otherWoke = false;
  const otherSleep = realClock.sleepUntil(started + 10_000, other.signal).then(() => (otherWoke = true));
  const stoppedSleep = realClock.sleepUntil(started + 10_000, stopped.signal);

  stopped.abort();
  await stoppedSleep;
  await realClock.sleepUntil(performance.now() + 30);
  assert.equal(otherWoke, false);

  other.abort();
  await otherSleep;
  assert.equal(otherWoke, true);
});

test('abort wakes sleeps in start order', async () => {
  const controller = new AbortController();
  const woken: number[] = [];
  const far = performance.now() + 10_000;
  const sleeps = [0, 1, 2, 3].map((i) => realClock.sleepUntil(far + i, controller.signal).then(() => woken.push(i)));

  controller.abort();
  await Promise.all(sleeps);
  assert.deepEqual(woken, [0, 1, 2, 3]);
});

test('sleep until NaN returns at once', async () => {
  const started = performance.now();
  await realClock.sleepUntil(Number.NaN, new AbortController().signal);
  await realClock.sleepUntil(Number.NaN);
  assert.ok(performance.now() - started < 1000, 'a sleep until NaN must count as due');
});
