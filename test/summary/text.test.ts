import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { GroupNode } from '../../src/metrics/checks.ts';
import type { StepResult } from '../../src/report/steps.ts';
import type { SummaryData } from '../../src/summary/data.ts';
import { textSummary } from '../../src/summary/text.ts';

function group(name: string, path: string, checks: [string, number, number][], groups: GroupNode[] = []): GroupNode {
  return { name, path, id: '', groups, checks: checks.map(([n, passes, fails]) => ({ name: n, path: `${path}::${n}`, id: '', passes, fails })) };
}

function sampleData(overrides: Partial<SummaryData> = {}): SummaryData {
  return {
    metrics: {
      checks: { type: 'rate', contains: 'default', values: { rate: 0.5, passes: 1, fails: 1 } },
      confirm_duration: {
        type: 'trend',
        contains: 'time',
        values: { avg: 117.3456, min: 0.003, med: 116.76, max: 1250.5, 'p(90)': 121.26, 'p(95)': 61_500 },
        thresholds: { 'p(95)<500': { ok: false }, 'avg<300': { ok: true } },
      },
      'confirm_duration{scenario:ramp}': {
        type: 'trend',
        contains: 'time',
        values: { avg: 5, min: 1, med: 2, max: 9.5, 'p(90)': 8, 'p(95)': 9 },
      },
      data_received: { type: 'counter', contains: 'data', values: { count: 118_000, rate: 11_800 } },
      iterations: { type: 'counter', contains: 'default', values: { count: 10, rate: 0.996144 } },
      vus: { type: 'gauge', contains: 'default', values: { value: 1, min: 1, max: 10 } },
    },
    root_group: group('', '', [['connected', 3, 0]], [group('login', '::login', [['approved', 2, 1]])]),
    options: { summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: true },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: 10_000 },
    frameload: { tls_verification: { disabled_for: [] }, thresholds: {} },
    ...overrides,
  };
}

function linesOf(data: SummaryData): string[] {
  return textSummary(data).split('\n');
}

describe('metric lines', () => {
  const lines = linesOf(sampleData());

  test('trend line', () => {
    assert.ok(lines.includes('   ✗ confirm_duration......: avg=117.34ms min=3µs med=116.76ms max=1.25s p(90)=121.26ms p(95)=1m1s'), lines.join('\n'));
  });

  test('submetric line indented', () => {
    assert.ok(lines.includes('       { scenario:ramp }...: avg=5ms      min=1ms med=2ms      max=9.5ms p(90)=8ms      p(95)=9ms'), lines.join('\n'));
  });

  test('counter lines', () => {
    assert.ok(lines.includes('     iterations............: 10     0.996144/s'));
    assert.ok(lines.includes('     data_received.........: 118 kB 12 kB/s'));
  });

  test('rate line', () => {
    assert.ok(lines.includes('     checks................: 50.00% ✓ 1        ✗ 1'));
  });

  test('gauge line', () => {
    assert.ok(lines.includes('     vus...................: 1      min=1      max=10'));
  });

  test('metrics sorted by name', () => {
    const order = ['checks', 'confirm_duration', '{ scenario:ramp }', 'data_received', 'iterations', 'vus'];
    const positions = order.map((name) => lines.findIndex((line) => line.trimStart().replace(/^[✓✗] /, '').startsWith(`${name}.`)));
    assert.deepEqual(
      positions.map((p) => p >= 0),
      order.map(() => true),
    );
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);
  });

  test('fixed time unit', () => {
    const data = sampleData();
    data.options.summaryTimeUnit = 'ms';
    const line = linesOf(data).find((l) => l.includes('confirm_duration...'));
    assert.equal(line, '   ✗ confirm_duration......: avg=117.35ms min=0.00ms med=116.76ms max=1250.50ms p(90)=121.26ms p(95)=61500.00ms');
  });
});

describe('check lines', () => {
  test('passing and failing checks', () => {
    const lines = linesOf(sampleData());
    const start = lines.indexOf('     ✓ connected');
    assert.ok(start >= 0, lines.join('\n'));
    assert.deepEqual(lines.slice(start, start + 6), ['     ✓ connected', '', '     █ login', '', '       ✗ approved', '        ↳  66% — ✓ 2 / ✗ 1']);
  });

  test('colours unless noColor', () => {
    const data = sampleData();
    data.options.noColor = false;
    const text = textSummary(data);
    assert.ok(text.includes('\x1b[32m     ✓ connected\x1b[0m'));
    assert.ok(text.includes('\x1b[31m       ✗ approved\x1b[0m'));
    assert.ok(!textSummary(data, { enableColors: false }).includes('\x1b['));
  });
});

describe('threshold lines', () => {
  test('whole-run values', () => {
    const data = sampleData();
    data.frameload.thresholds = {
      confirm_duration: {
        'p(95)<500': { ok: false, aggregation: 'p(95)', window: 'all', value: 61_500, judged: 1, failures: [{ value: 61_500, fromMs: 0, toMs: 10_000 }] },
        'avg<300': { ok: true, aggregation: 'avg', window: 'all', value: 117.3456, judged: 1, failures: [] },
      },
    };
    const lines = linesOf(data);
    const start = lines.indexOf('     THRESHOLDS');
    assert.ok(start >= 0, lines.join('\n'));
    assert.deepEqual(lines.slice(start, start + 6), [
      '     THRESHOLDS',
      '',
      '     confirm_duration',
      "     ✗ 'p(95)<500' p(95)=1m1s",
      "     ✓ 'avg<300' avg=117.34ms",
      '',
    ]);
  });

  test('failing stage named', () => {
    const data = sampleData();
    data.metrics.confirm_duration!.thresholds = { 'avg<300 [stage]': { ok: false } };
    data.frameload.thresholds = {
      confirm_duration: {
        'avg<300 [stage]': {
          ok: false,
          aggregation: 'avg',
          window: 'stage',
          value: 400,
          judged: 2,
          failures: [{ value: 400, scenario: 'ramp', stage: '1', fromMs: 3000, toMs: 6000 }],
        },
      },
    };
    const lines = linesOf(data);
    const start = lines.indexOf("     ✗ 'avg<300' [stage] worst avg=400ms over 2 stages");
    assert.ok(start >= 0, lines.join('\n'));
    assert.equal(lines[start + 1], '       ↳ failed in stage 1 of ramp (3s to 6s): avg=400ms');
  });

  test('time window failure span', () => {
    const data = sampleData();
    data.metrics.checks!.thresholds = { 'rate>0.9 [30s]': { ok: false } };
    data.frameload.thresholds = {
      checks: {
        'rate>0.9 [30s]': { ok: false, aggregation: 'rate', window: '30s', value: 0.5, judged: 40, failures: [{ value: 0.5, fromMs: 60_000, toMs: 96_000 }] },
      },
    };
    const lines = linesOf(data);
    const start = lines.indexOf("     ✗ 'rate>0.9' [30s] worst rate=50.00% over 40 windows");
    assert.ok(start >= 0, lines.join('\n'));
    assert.equal(lines[start + 1], '       ↳ failed in 1m0s to 1m36s: rate=50.00%');
  });

  test('no block without thresholds', () => {
    const data = sampleData();
    delete data.metrics.confirm_duration!.thresholds;
    assert.ok(!linesOf(data).includes('     THRESHOLDS'));
  });
});

describe('notice and steps', () => {
  test('insecure TLS notice first', () => {
    const data = sampleData();
    data.frameload.tls_verification.disabled_for = ['127.0.0.1:8444', '[::1]:8445'];
    const lines = linesOf(data);
    assert.equal(lines[0], '     NOTICE: TLS certificate verification was OFF for: 127.0.0.1:8444, [::1]:8445');
    assert.ok(!linesOf(sampleData()).some((l) => l.includes('NOTICE')));
  });

  test('step table rows', () => {
    const step = (label: string, target: number, achieved: number, p95: number, errorRate: number, reasons: string[]): StepResult => ({
      index: 0,
      label,
      phase: 'ramp',
      startMs: 0,
      endMs: 180_000,
      targetEventsPerS: target,
      targetBatchesPerS: target / 100,
      achievedEventsPerS: achieved,
      achievedBatchesPerS: achieved / 100,
      eventsConfirmed: 0,
      batchesConfirmed: 0,
      confirmMs: { count: 100, p50: 12.5, p95, p99: 900, max: 950 },
      errorCount: 0,
      errorRate,
      errors: {},
      connectAttempts: 0,
      connectFailures: 0,
      connFailRate: 0,
      droppedIterations: 0,
      sendLatenessMs: { p95: 0, max: 0 },
      slo: { met: reasons.length === 0, reasons, breached: [] },
    });
    const data = sampleData();
    data.frameload.steps = [step('warm-up', 2500, 2498.25, 45.1, 0, []), step('step 3', 5500, 4100, 612, 0.005, ['p95 612 ms > 500 ms'])];
    const lines = linesOf(data);
    const start = lines.indexOf('     STEPS');
    assert.ok(start >= 0, lines.join('\n'));
    assert.deepEqual(lines.slice(start + 2, start + 5), [
      '     step     target ev/s  achieved ev/s  p50     p95     p99    errors  verdict',
      '     warm-up  2500         2498.3         12.5ms  45.1ms  900ms  0.00%   ✓ met',
      '     step 3   5500         4100           12.5ms  612ms   900ms  0.50%   ✗ p95 612 ms > 500 ms',
    ]);
  });
});
