import assert from 'node:assert/strict';
import { test } from 'node:test';

import { displayWidth, formatAggregationValue, formatBytes, formatDuration, formatMetricValue, formatPercent, formatTime } from '../../src/summary/format.ts';

test('durations in k6 units', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [0.0005, '500ns'],
    [0.003, '3µs'],
    [0.01234, '12.34µs'],
    [0.29, '290µs'],
    [1, '1ms'],
    [117.3456, '117.34ms'],
    [1.999, '1.99ms'],
    [999.999, '999.99ms'],
    [1000, '1s'],
    [1250.5, '1.25s'],
    [59_999, '59.99s'],
    [61_500, '1m1s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [7_384_000, '2h3m4s'],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, `${ms} ms`);
});

test('fixed summaryTimeUnit', () => {
  assert.equal(formatTime(117.3456, 'ms'), '117.35ms');
  assert.equal(formatTime(1250, 's'), '1.25s');
  assert.equal(formatTime(0.5, 'us'), '500.00µs');
  assert.equal(formatTime(1250, ''), '1.25s');
});

test('bytes in decimal units', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [9, '9 B'],
    [512, '512 B'],
    [1500, '1.5 kB'],
    [118_000, '118 kB'],
    [11_800, '12 kB'],
    [9_960, '10 kB'],
    [2_500_000, '2.5 MB'],
    [3e9, '3.0 GB'],
  ];
  for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, `${bytes} B`);
});

test('percent truncated', () => {
  assert.equal(formatPercent(0), '0.00%');
  assert.equal(formatPercent(1), '100.00%');
  assert.equal(formatPercent(0.99996), '99.99%');
  assert.equal(formatPercent(0.0029), '0.29%');
});

test('values by metric kind', () => {
  assert.equal(formatMetricValue(0.996144, { type: 'counter', contains: 'default' }, ''), '0.996144');
  assert.equal(formatMetricValue(1 / 3, { type: 'gauge', contains: 'default' }, ''), '0.333333');
  assert.equal(formatMetricValue(0.5, { type: 'rate', contains: 'default' }, ''), '50.00%');
  assert.equal(formatMetricValue(2_500_000, { type: 'counter', contains: 'data' }, ''), '2.5 MB');
  assert.equal(formatAggregationValue(12.5, 'rate', { type: 'counter', contains: 'default' }, ''), '12.5/s');
  assert.equal(formatAggregationValue(1200, 'count', { type: 'trend', contains: 'time' }, ''), '1200');
  assert.equal(formatAggregationValue(1200, 'p(95)', { type: 'trend', contains: 'time' }, ''), '1.2s');
});

test('width ignores ANSI colours', () => {
  assert.equal(displayWidth('\x1b[36;2m✓ 18\x1b[0m'), 4);
});
