import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { buildCapacityJson } from '../../src/report/capacity-json.ts';
import { renderReportHtml } from '../../src/report/html.ts';
import { DEFAULT_SLO } from '../../src/report/slo.ts';
import { writeReports } from '../../src/report/write.ts';
import { monitoredSeries, steppedRun } from './fixtures.ts';

function embeddedData(html: string): unknown {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'report data block missing');
  return JSON.parse(match[1]!);
}

function inlineScript(html: string): string {
  const match = /<script>([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'inline script missing');
  return match[1]!;
}

test('report verdict headline and reasons', () => {
  const html = renderReportHtml(buildCapacityJson(steppedRun({ steps: 6, breachAt: 4 }), DEFAULT_SLO));

  assert.match(html, /Max sustainable rate: <strong>1,300 events\/s<\/strong>/);
  assert.match(html, /The last step that met every objective: step 3\./);
  assert.match(html, /Breached at step 4 \(target 1,400 events\/s\): p95 840 ms &#62; 500 ms, error rate 2% &#62; 1%/);
  assert.match(html, /p95 confirm latency ≤ 500 ms, error rate ≤ 1%, connection failure rate ≤ 0.1%/);
});

test('report without any passing step', () => {
  const html = renderReportHtml(buildCapacityJson(steppedRun({ steps: 2, breachAt: 0 }), DEFAULT_SLO));

  assert.match(html, /<section class="verdict no-capacity" id="verdict">/);
  assert.match(html, /No step met every objective/);
  assert.doesNotMatch(html, /Max sustainable rate/);
});

test('report without a breach', () => {
  const html = renderReportHtml(buildCapacityJson(steppedRun({ steps: 3, breachAt: 99 }), DEFAULT_SLO));

  assert.match(html, /Max sustainable rate: <strong>1,200 events\/s<\/strong>/);
  assert.match(html, /No step breached an objective, so the real capacity is at least the last step's target\./);
  assert.match(html, /<p class="empty" id="errors-table">No errors recorded\.<\/p>/);
});

test('report step table rows', () => {
  const html = renderReportHtml(buildCapacityJson(steppedRun({ steps: 6, breachAt: 4 }), DEFAULT_SLO));
  const rows = [...html.matchAll(/<tr( class="(\w+)")? data-step="(\d+)">/g)];

  assert.equal(rows.length, 6);
  assert.deepEqual(
    rows.map((r) => r[2] ?? ''),
    ['', '', '', 'capacity', 'breach', ''],
  );
  assert.match(html, /<td>28 \(2%\)<\/td>/);
  assert.match(html, /<td class="failed reasons-cell">p95 840 ms &#62; 500 ms, error rate 2% &#62; 1%<\/td>/);
});

test('report errors table by code', () => {
  const html = renderReportHtml(buildCapacityJson(steppedRun({ steps: 6, breachAt: 4 }), DEFAULT_SLO));

  assert.match(html, /<tr><td class="text">confirm_timeout<\/td><td>20<\/td><td>71.4%<\/td><td class="text">step 4<\/td><\/tr>/);
  assert.match(html, /<tr><td class="text">send_failed<\/td><td>8<\/td><td>28.6%<\/td><td class="text">step 4<\/td><\/tr>/);
});

test('report resource panel only when monitored', () => {
  const steps = steppedRun({ steps: 6, breachAt: 4 });
  const plain = renderReportHtml(buildCapacityJson(steps, DEFAULT_SLO));
  const monitored = renderReportHtml(buildCapacityJson(steps, DEFAULT_SLO, monitoredSeries(steps, 5000)));

  assert.doesNotMatch(plain, /data-chart="cpu"/);
  assert.match(monitored, /<figure data-chart="cpu">/);
  assert.match(monitored, /<figure data-chart="memory">/);
  // Samples at 35 s and 40 s fall in step 3 (30 to 40 s): CPU 50 and 53%, RSS 160 and 161 MiB.
  assert.match(monitored, /Server at capacity \(pid:4242, 2 samples\): peak CPU 53% of one core, peak RSS 161 MiB, up to 213 open file descriptors\./);
});

test('report escapes text from the run', () => {
  const steps = steppedRun({ steps: 3, breachAt: 1 });
  steps[1] = { ...steps[1]!, label: '<img src=x onerror=alert(1)>', errors: { '</script><script>alert(2)</script>': 4 } };
  const report = buildCapacityJson(steps, DEFAULT_SLO);
  const html = renderReportHtml(report, { title: 'A & B <test>' });

  assert.doesNotMatch(html, /<img/);
  assert.doesNotMatch(html, /<script>alert/);
  assert.match(html, /<title>A &#38; B &#60;test&#62;<\/title>/);
  assert.match(html, /&#60;img src=x onerror=alert\(1\)&#62;/);
  assert.deepEqual(embeddedData(html), report);
});

test('report is self-contained', () => {
  const steps = steppedRun({ steps: 6, breachAt: 4 });
  const html = renderReportHtml(buildCapacityJson(steps, DEFAULT_SLO, monitoredSeries(steps, 5000)));

  assert.doesNotMatch(html, /\b(src|href)\s*=/i);
  assert.doesNotMatch(html, /url\(|@import/i);
  assert.equal([...html.matchAll(/<script[ >]/g)].length, 2);
  // Only the inline script may run, by its hash, and nothing may be loaded.
  const hash = createHash('sha256').update(inlineScript(html)).digest('base64');
  assert.match(html, new RegExp(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash.replace(/[+/]/g, '\\$&')}'"`));
});

test('reports written to one folder', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'frameload-report-'));
  try {
    const steps = steppedRun({ steps: 4, breachAt: 3 });
    const written = await writeReports(join(dir, 'report'), steps, DEFAULT_SLO, undefined, { generatedAtMs: Date.UTC(2026, 0, 2, 3, 4, 5) });

    assert.equal(written.capacityJsonPath, join(dir, 'report', 'capacity.json'));
    assert.equal(written.reportHtmlPath, join(dir, 'report', 'report.html'));
    assert.equal(JSON.parse(await readFile(written.capacityJsonPath, 'utf8')).max_sustainable_events_per_s, 1200);
    assert.match(await readFile(written.reportHtmlPath, 'utf8'), /Generated 2026-01-02 03:04:05 UTC · 4 steps · run time 40 s/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('report peak columns follow the source', () => {
  const steps = steppedRun({ steps: 3, breachAt: 2 });
  const samples = steps.map((s, i) => ({ timeMs: s.endMs, hostCpuPercent: 40 + i, hostMemAvailableBytes: (900 - i) * 1048576 }));
  const html = renderReportHtml(
    buildCapacityJson(steps, DEFAULT_SLO, { source: 'http://127.0.0.1:9100/metrics', intervalMs: 5000, failedSamples: 0, samples }),
  );
  const headers = [...html.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1]);

  assert.ok(headers.includes('Peak host CPU %'));
  assert.ok(headers.includes('Min host memory available'));
  assert.ok(!headers.includes('Peak RSS'));
  assert.match(html, /<tr class="capacity" data-step="1">.*<td>41<\/td><td>899 MiB<\/td><td class="met">met<\/td><\/tr>/);
  assert.match(html, /peak host CPU 41% of all cores, host memory available down to 899 MiB\./);
});
