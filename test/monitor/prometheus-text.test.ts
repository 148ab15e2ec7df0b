import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { parsePrometheusText, PrometheusParseError } from '../../src/monitor/prometheus-text.ts';

const EXPOSITION = [
  '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
  '# TYPE process_cpu_seconds_total counter',
  'process_cpu_seconds_total 12.34',
  '# HELP http_requests_total Requests by path\\nand code, with a \\\\ backslash.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="post",code="200"} 1027 1395066363000',
  'http_requests_total{ method = "post" , code="400", } 3',
  'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
  '# A free comment with no keyword',
  '',
  'rpc_duration_seconds_bucket{le="+Inf"} 2693',
  'weird_values{kind="nan"} NaN',
  'weird_values{kind="neg"}\t-Inf',
  'weird_values{kind="exp"} -1.5E-3',
  'metric_without_timestamp_and_labels 12.47\r',
].join('\n');

test('exposition samples with exact values', () => {
  const { samples } = parsePrometheusText(EXPOSITION);

  assert.equal(samples.length, 9);
  assert.deepEqual(samples[0], { name: 'process_cpu_seconds_total', labels: {}, value: 12.34 });
  assert.deepEqual(samples[1], {
    name: 'http_requests_total',
    labels: { method: 'post', code: '200' },
    value: 1027,
    timestampMs: 1395066363000,
  });
  assert.deepEqual(samples[2], { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3 });
  assert.deepEqual(samples[3], {
    name: 'msdos_file_access_time_seconds',
    labels: { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' },
    value: 1458255915,
  });
  assert.deepEqual(samples[4], { name: 'rpc_duration_seconds_bucket', labels: { le: '+Inf' }, value: 2693 });
  assert.ok(Number.isNaN(samples[5]!.value));
  assert.equal(samples[6]!.value, -Infinity);
  assert.equal(samples[7]!.value, -0.0015);
  assert.deepEqual(samples[8], { name: 'metric_without_timestamp_and_labels', labels: {}, value: 12.47 });
});

test('exposition TYPE and HELP', () => {
  const { types, help } = parsePrometheusText(EXPOSITION);

  assert.deepEqual([...types], [
    ['process_cpu_seconds_total', 'counter'],
    ['http_requests_total', 'counter'],
  ]);
  assert.equal(help.get('http_requests_total'), 'Requests by path\nand code, with a \\ backslash.');
  assert.equal(help.get('process_cpu_seconds_total'), 'Total user and system CPU time spent in seconds.');
});

const INVALID: { line: string; message: RegExp }[] = [
  { line: '9bad_name 1', message: /expected a metric name/ },
  { line: 'name{label=value} 1', message: /expected a quoted value for label label/ },
  { line: 'name{label="value} 1', message: /missing closing quote in the value of label label/ },
  { line: 'name{label="a\\tb"} 1', message: /invalid escape "\\t"/ },
  { line: 'name{label="a" other="b"} 1', message: /expected "," or "}" after label label/ },
  { line: 'name', message: /invalid sample value ""/ },
  { line: 'name one', message: /invalid sample value "one"/ },
  { line: 'name 1 12.5', message: /invalid timestamp "12.5"/ },
  { line: 'name 1 2 3', message: /unexpected text after the timestamp/ },
];

for (const c of INVALID) {
  test(`exposition rejects ${c.line}`, () => {
    assert.throws(
      () => parsePrometheusText(`# TYPE ok gauge\nok 1\n${c.line}\n`),
      (err: unknown) => {
        assert.ok(err instanceof PrometheusParseError);
        assert.equal(err.code, 'prometheus_parse_failed');
        assert.equal(err.line, 3);
        assert.match(err.message, c.message);
        return true;
      },
    );
  });
}

// Renders samples the way a Prometheus client writes them, as the reference for the round trip.
function renderSample(sample: { name: string; labels: [string, string][]; value: number; timestampMs?: number }): string {
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const labels = sample.labels.length ? `{${sample.labels.map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}` : '';
  let value = String(sample.value);
  if (Number.isNaN(sample.value)) value = 'NaN';
  if (sample.value === Infinity) value = '+Inf';
  if (sample.value === -Infinity) value = '-Inf';
  return `${sample.name}${labels} ${value}${sample.timestampMs === undefined ? '' : ` ${sample.timestampMs}`}`;
}

test('exposition round trip of random samples', () => {
  const name = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
  const labelName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/);
  const sample = fc.record(
    {
      name,
      labels: fc.uniqueArray(fc.tuple(labelName, fc.string({ unit: 'binary', maxLength: 12 })), { maxLength: 4, selector: ([k]) => k }),
      value: fc.double(),
      timestampMs: fc.integer({ min: -1e12, max: 4e12 }),
    },
    { requiredKeys: ['name', 'labels', 'value'] },
  );

  fc.assert(
    fc.property(fc.array(sample, { maxLength: 8 }), (samples) => {
      const parsed = parsePrometheusText(samples.map(renderSample).join('\n')).samples;

      assert.equal(parsed.length, samples.length);
      samples.forEach((expected, i) => {
        assert.equal(parsed[i]!.name, expected.name);
        assert.deepEqual(parsed[i]!.labels, Object.fromEntries(expected.labels));
        assert.ok(Object.is(parsed[i]!.value, expected.value) || (expected.value === 0 && parsed[i]!.value === 0));
        assert.equal(parsed[i]!.timestampMs, expected.timestampMs);
      });
    }),
  );
});
