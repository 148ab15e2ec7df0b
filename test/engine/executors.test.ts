import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runExecutor } from '../../src/engine/executors/index.ts';
import { constantTimeline, rampingTimeline } from '../../src/engine/executors/arrival-rate.ts';
import { vuChanges } from '../../src/engine/executors/ramping-vus.ts';
import { resolveOptions } from '../../src/engine/options.ts';
import { harness, startedBy } from './helpers.ts';

function scenario(raw: Record<string, unknown>) {
  return resolveOptions({ scenarios: { s: raw } }).scenarios[0]!;
}

describe('shared-iterations', () => {
  test('splits iterations across VUs until all are done', async () => {
    const h = harness(scenario({ executor: 'shared-iterations', vus: 3, iterations: 10 }), { vus: 3, iterationMs: 100 });
    const done = runExecutor(h.scenario.config, h.env);
    await h.clock.advanceTo(1000);
    await done;
    assert.equal(h.started.length, 10);
    // Three VUs of 100 ms iterations: starts at 0 (3), 100 (3), 200 (3), 300 (1).
    assert.deepEqual(
      h.started.map((s) => s.atMs),
      [0, 0, 0, 100, 100, 100, 200, 200, 200, 300],
    );
    assert.equal(h.scenario.iterationsCompleted, 0, 'the harness counts iterations itself');
  });

  test('stops at maxDuration and interrupts after gracefulStop', async () => {
    const config = scenario({ executor: 'shared-iterations', vus: 2, iterations: 100, maxDuration: '1s', gracefulStop: '200ms' });
    const h = harness(config, { vus: 2, durationOf: (n) => (n < 20 ? 100 : 5000) });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(5000);
    await done;
    // 100 ms iterations until 1 s: 10 rounds of 2, then two 5 s iterations begin at 1000 ms? No: they
    // begin at 1000 only if started before the end; starts at exactly 1000 are refused.
    assert.equal(h.started.length, 20);
    assert.ok(h.started.every((s) => s.atMs < 1000));
  });

  test('gracefulStop lets a long iteration finish in time', async () => {
    const config = scenario({ executor: 'shared-iterations', vus: 1, iterations: 5, maxDuration: '1s', gracefulStop: '2s' });
    const h = harness(config, { vus: 1, durationOf: (n) => (n === 0 ? 900 : 1500) });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(4000);
    await done;
    assert.equal(h.started.length, 2);
    assert.equal(h.started[1]!.endedAtMs, 2400, 'finished within gracefulStop');
    assert.equal(h.started[1]!.interrupted, undefined);
  });

  test('an iteration past gracefulStop is interrupted', async () => {
    const config = scenario({ executor: 'shared-iterations', vus: 1, iterations: 5, maxDuration: '1s', gracefulStop: '300ms' });
    const h = harness(config, { vus: 1, durationOf: (n) => (n === 0 ? 900 : 1500) });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(4000);
    await done;
    assert.equal(h.started.length, 2);
    assert.equal(h.started[1]!.interrupted, true);
    assert.equal(h.scenario.iterationsInterrupted, 1);
  });
});

describe('per-vu-iterations', () => {
  test('each VU runs its own count', async () => {
    const h = harness(scenario({ executor: 'per-vu-iterations', vus: 4, iterations: 3 }), { vus: 4, durationOf: (n) => 10 + n });
    const done = runExecutor(h.scenario.config, h.env);
    await h.clock.advanceTo(1000);
    await done;
    const byVu = new Map<number, number>();
    for (const s of h.started) byVu.set(s.vu, (byVu.get(s.vu) ?? 0) + 1);
    assert.deepEqual([...byVu.entries()].sort(), [
      [1, 3],
      [2, 3],
      [3, 3],
      [4, 3],
    ]);
  });
});

describe('constant-vus', () => {
  test('loops each VU for the duration', async () => {
    const h = harness(scenario({ executor: 'constant-vus', vus: 2, duration: '1s' }), { vus: 2, iterationMs: 250 });
    const done = runExecutor(h.scenario.config, h.env);
    await h.clock.advanceTo(3000);
    await done;
    // Starts at 0, 250, 500, 750 per VU; an iteration due at 1000 does not start.
    assert.equal(h.started.length, 8);
    assert.equal(startedBy(h.started, 749), 6);
  });

  test('a graceful stop request ends the loop early', async () => {
    const h = harness(scenario({ executor: 'constant-vus', vus: 2, duration: '10s' }), { vus: 2, iterationMs: 100 });
    const done = runExecutor(h.scenario.config, h.env);
    await h.clock.advanceTo(450);
    h.stop.abort();
    await h.clock.advanceTo(2000);
    await done;
    assert.equal(h.started.length, 10, 'five rounds of two, none after the stop');
    assert.ok(h.started.every((s) => s.endedAtMs !== undefined && s.endedAtMs <= 500));
  });
});

describe('ramping-vus', () => {
  test('VU count follows the stages', () => {
    const changes = vuChanges(0, [
      { durationMs: 1000, target: 4 },
      { durationMs: 1000, target: 4 },
      { durationMs: 1000, target: 2 },
    ]);
    assert.deepEqual(changes, [
      { atMs: 0, target: 0 },
      { atMs: 250, target: 1 },
      { atMs: 500, target: 2 },
      { atMs: 750, target: 3 },
      { atMs: 1000, target: 4 },
      { atMs: 2500, target: 3 },
      { atMs: 3000, target: 2 },
    ]);
  });

  test('starts VUs on the ramp and tags the stage', async () => {
    const config = scenario({
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: '1s', target: 2 },
        { duration: '1s', target: 2 },
      ],
      gracefulRampDown: '0s',
    });
    const h = harness(config, { vus: 2, iterationMs: 400 });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(5000);
    await done;
    // VU 1 from 500 ms, VU 2 from 1000 ms; each starts every 400 ms until 2000 ms.
    assert.deepEqual(
      h.started.map((s) => [s.vu, s.atMs, s.stage]),
      [
        [1, 500, 0],
        [1, 900, 0],
        [2, 1000, 1],
        [1, 1300, 1],
        [2, 1400, 1],
        [1, 1700, 1],
        [2, 1800, 1],
      ],
    );
  });

  test('ramp-down interrupts after gracefulRampDown', async () => {
    const config = scenario({
      executor: 'ramping-vus',
      startVUs: 2,
      stages: [
        { duration: '1s', target: 1 },
        { duration: '2s', target: 1 },
      ],
      gracefulRampDown: '100ms',
      gracefulStop: '0s',
    });
    const h = harness(config, { vus: 2, iterationMs: 1500 });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(5000);
    await done;
    // At 1 s the target drops to 1: VU 2 (mid-iteration) must stop by 1.1 s.
    const vu2 = h.started.filter((s) => s.vu === 2);
    assert.equal(vu2.length, 1);
    assert.equal(vu2[0]!.interrupted, true);
  });
});

describe('arrival-rate timelines', () => {
  test('constant timeline has no drift over 10 minutes', () => {
    const t = constantTimeline(100, 1000, 600_000);
    assert.equal(t.at(59_999), 599_990);
    assert.equal(t.at(60_000), Infinity);
  });

  test('ramping timeline integrates the rate', () => {
    // 0 → 10/s over 10 s starts 50 iterations; 10/s held 10 s starts 100 more.
    const t = rampingTimeline(0, 1000, [
      { durationMs: 10_000, target: 10 },
      { durationMs: 10_000, target: 10 },
    ]);
    let count = 0;
    while (t.at(count) !== Infinity) count++;
    assert.equal(count, 150);
    // n(τ) = τ²/20 (τ in s) reaches 5 at τ = 10 s · sqrt(0.1) ≈ 3.162 s.
    assert.ok(Math.abs(t.at(5) - 3162.28) < 0.01);
    assert.equal(t.at(50), 10_000);
    assert.equal(t.at(60), 11_000);
  });
});

describe('constant-arrival-rate', () => {
  test('starts on the timeline and counts dropped iterations', async () => {
    const config = scenario({ executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxVUs: 3 });
    // Iterations of 350 ms started 100 ms apart need 4 VUs; with 3, every fourth start finds none free.
    const h = harness(config, { vus: 3, iterationMs: 350 });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(3000);
    await done;
    assert.deepEqual(
      h.started.map((s) => s.atMs),
      [0, 100, 200, 400, 500, 600, 800, 900],
    );
    assert.equal(h.dropped, 2);
    assert.equal(h.scenario.droppedIterations, 2);
  });
});

describe('ramping-arrival-rate', () => {
  test('tags the stage of each start', async () => {
    const config = scenario({
      executor: 'ramping-arrival-rate',
      startRate: 4,
      timeUnit: '1s',
      preAllocatedVUs: 2,
      stages: [
        { duration: '1s', target: 4 },
        { duration: '1s', target: 8 },
      ],
    });
    const h = harness(config, { vus: 2, iterationMs: 10 });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(3000);
    await done;
    const stage0 = h.started.filter((s) => s.stage === 0).length;
    const stage1 = h.started.filter((s) => s.stage === 1).length;
    assert.equal(stage0, 4);
    assert.equal(stage1, 6, '4→8 per second over 1 s starts 6');
  });
});

describe('arrival-rate VU rotation', () => {
  test('iterations rotate over the free VUs', async () => {
    const config = scenario({ executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 5 });
    const h = harness(config, { vus: 5, iterationMs: 10 });
    const done = runExecutor(config, h.env);
    await h.clock.advanceTo(2000);
    await done;
    assert.deepEqual(
      h.started.map((s) => s.vu),
      [1, 2, 3, 4, 5, 1, 2, 3, 4, 5],
    );
  });
});

describe('arrival-rate backlog', () => {
  const config = (maxBacklog: number) =>
    scenario({ executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, maxBacklog });

  test('waiting iterations keep their slot', async () => {
    // The first iteration holds the only VU for 350 ms; slots 100, 200 and 300 wait for it.
    const h = harness(config(100), { vus: 1, durationOf: (n) => (n === 0 ? 350 : 10) });
    const done = runExecutor(h.scenario.config, h.env);
    await h.clock.advanceTo(3000);
    await done;
    assert.deepEqual(
      h.started.map((s) => [s.atMs, s.scheduledMs]),
      [
        [0, 0],
        [350, 100],
        [360, 200],
        [370, 300],
        [400, 400],
        [500, 500],
        [600, 600],
        [700, 700],
        [800, 800],
        [900, 900],
      ],
    );
    assert.equal(h.dropped, 0);
  });

  test('the oldest beyond maxBacklog are dropped', async () => {
    const h = harness(config(1), { vus: 1, durationOf: (n) => (n === 0 ? 350 : 10) });
    const done = runExecutor(h.scenario.config, h.env);
    await h.clock.advanceTo(3000);
    await done;
    assert.deepEqual(
      h.started.slice(0, 3).map((s) => [s.atMs, s.scheduledMs]),
      [
        [0, 0],
        [350, 300],
        [400, 400],
      ],
    );
    assert.equal(h.dropped, 2);
  });

  test('a backlog left at the end counts as dropped', async () => {
    const h = harness(config(100), { vus: 1, durationOf: (n) => (n === 0 ? 5000 : 10) });
    const done = runExecutor({ ...h.scenario.config, gracefulStopMs: 10_000 }, h.env);
    await h.clock.advanceTo(20_000);
    await done;
    assert.equal(h.started.length, 1);
    assert.equal(h.dropped, 9);
  });
});

describe('synchronous iterations', () => {
  for (const maxBacklog of [0, 10]) {
    test(`arrival-rate runs each slot once (maxBacklog ${maxBacklog})`, async () => {
      const config = scenario({ executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxBacklog });
      const h = harness(config, { vus: 2 });
      let count = 0;
      // An iteration that finishes inside runIteration, as an empty default function does.
      const env = { ...h.env, runIteration: () => void count++ };
      const done = runExecutor(config, env);
      await h.clock.advanceTo(2000);
      await done;
      assert.equal(count, 20);
      assert.equal(h.dropped, 0);
    });
  }
});
