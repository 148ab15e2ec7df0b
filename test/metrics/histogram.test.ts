import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TrendAggregate } from '../../src/metrics/aggregate.ts';
import { Histogram } from '../../src/metrics/histogram.ts';

/** Nearest-rank percentile of sorted values: the reference the histogram is held to. */
function exactPercentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

test('percentiles stay within 0.1% of exact', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 1, maxLength: 500 }),
      fc.double({ min: 0, max: 100, noNaN: true }),
      (values, p) => {
        const h = new Histogram();
        for (const v of values) h.record(v);
        const sorted = [...values].sort((a, b) => a - b);
        const exact = exactPercentile(sorted, p);
        const got = h.valueAtPercentile(p);
        // The reported value is the upper edge of the exact value's bucket: never below it, and
        // at most one bucket width (1/1024 of the value) above.
        assert.ok(got >= exact, `p${p}: ${got} < ${exact}`);
        assert.ok(got - exact <= exact / 1024, `p${p}: ${got} too far above ${exact}`);
      },
    ),
    { numRuns: 300 },
  );
});

test('small values are exact', () => {
  const h = new Histogram();
  for (let v = 0; v < 2048; v++) h.record(v);
  assert.equal(h.valueAtPercentile(50), 1023);
  assert.equal(h.minValue(), 0);
  assert.equal(h.maxValue(), 2047);
});

test('memory does not grow with samples', () => {
  const h = new Histogram();
  const chunks = (): number => (h as unknown as { chunks: (Uint32Array | null)[] }).chunks.filter((c) => c !== null).length;
  // Sweep the whole range first, so every bucket of it exists.
  for (let i = 0; i <= 10_000; i++) h.record(1000 + i * 500);
  const before = chunks();
  for (let i = 0; i < 1_000_000; i++) h.record(1000 + ((i * 7919) % 5_000_000));
  assert.equal(chunks(), before, 'the same value range needs no new buckets');
  assert.equal(h.total, 1_010_001);
});

test('subtracting a snapshot leaves the window', () => {
  const h = new Histogram();
  for (let v = 1; v <= 100; v++) h.record(v * 1000);
  const snapshot = h.copy();
  for (let v = 101; v <= 200; v++) h.record(v * 1000);
  h.subtract(snapshot);
  assert.equal(h.total, 100);
  // minValue reports its bucket's lower edge, within 1/1024 below the smallest value.
  assert.ok(h.minValue() <= 101_000, `min ${h.minValue()} above the smallest value`);
  assert.ok(h.minValue() >= 101_000 - 101_000 / 1024, `min ${h.minValue()} more than one bucket below`);
  assert.ok(Math.abs(h.valueAtPercentile(50) - 150_000) <= 150_000 / 1024);
});

test('trend stats match exact values', () => {
  const t = new TrendAggregate();
  for (let v = 1; v <= 100; v++) t.add(v);
  assert.equal(t.stat('avg'), 50.5);
  assert.equal(t.stat('min'), 1);
  assert.equal(t.stat('max'), 100);
  assert.equal(t.stat('count'), 100);
  for (const [name, exact] of [['med', 50], ['p(90)', 90], ['p(95)', 95], ['p(99)', 99]] as const) {
    const got = t.stat(name)!;
    assert.ok(got >= exact, `${name} = ${got}, below ${exact}`);
    assert.ok(got - exact <= exact / 1024, `${name} = ${got}, more than one bucket above ${exact}`);
  }
});

test('trend window keeps only new samples', () => {
  const t = new TrendAggregate();
  for (let v = 1; v <= 10; v++) t.add(v);
  const earlier = t.copy();
  for (let v = 500; v <= 509; v++) t.add(v);
  const window = t.since(earlier);
  assert.equal(window.count, 10);
  assert.equal(window.stat('avg'), 504.5);
  assert.ok(window.stat('min')! >= 500 - 500 / 1024, `window min ${window.stat('min')}`);
  assert.ok(window.stat('min')! <= 500, `window min ${window.stat('min')}`);
});
