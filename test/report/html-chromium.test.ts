import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { buildCapacityJson } from '../../src/report/capacity-json.ts';
import { renderReportHtml, writeReportHtml } from '../../src/report/html.ts';
import { DEFAULT_SLO } from '../../src/report/slo.ts';
import { requireChromium, runChromium } from '../chromium.ts';
import { monitoredSeries, steppedRun } from './fixtures.ts';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const STEPS = 7;
const BREACH_AT = 5;
const SAMPLE_EVERY_MS = 2000;
const SCREENSHOT_SIZE = { width: 1280, height: 2000 };

// The chart area inside the SVG's 760 x 270 view box, from the page script's layout.
const PLOT = { left: 72, right: 740, top: 14, bottom: 224 };

/** Returns the attributes of every element with the tag that carries `data-series="<series>"`. */
function elements(dom: string, tag: string, series: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of dom.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))) {
    const attrs: Record<string, string> = {};
    for (const a of match[1]!.matchAll(/([\w-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!;
    if (attrs['data-series'] === series) found.push(attrs);
  }
  return found;
}

function pngSize(png: Buffer): { width: number; height: number } {
  assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'not a PNG file');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

test('report renders in Chromium', async (t) => {
  await requireChromium();

  const steps = steppedRun({ steps: STEPS, breachAt: BREACH_AT });
  const resources = monitoredSeries(steps, SAMPLE_EVERY_MS);
  const dir = await mkdtemp(join(tmpdir(), 'frameload-report-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = await writeReportHtml(dir, renderReportHtml(buildCapacityJson(steps, DEFAULT_SLO, resources)));
  const url = pathToFileURL(path).href;

  await mkdir(ARTIFACTS, { recursive: true });
  const screenshot = join(ARTIFACTS, 'report.png');
  await rm(screenshot, { force: true });
  const [dom] = await Promise.all([
    runChromium(t, ['--dump-dom', url]),
    runChromium(t, [`--screenshot=${screenshot}`, `--window-size=${SCREENSHOT_SIZE.width},${SCREENSHOT_SIZE.height}`, '--hide-scrollbars', url]),
  ]);

  // The script marks the page only after drawing every chart without an exception.
  assert.match(dom, /<html lang="en" data-report-rendered="true">/);
  for (const chart of ['throughput', 'latency', 'errors', 'cpu', 'memory']) {
    assert.match(dom, new RegExp(`<figure data-chart="${chart}" data-rendered="true">`), `chart ${chart} not rendered`);
  }

  for (const series of ['target', 'achieved', 'p50', 'p95', 'p99']) {
    const points = elements(dom, 'circle', series);
    assert.equal(points.length, STEPS, `points of ${series}`);
    assert.deepEqual(points.map((p) => Number(p['data-step'])), [...Array(STEPS).keys()], `steps of ${series}`);
  }
  assert.equal(elements(dom, 'circle', 'cpu').length, resources.samples.length);
  assert.equal(elements(dom, 'circle', 'rss').length, resources.samples.length);
  assert.equal(elements(dom, 'circle', 'host-cpu').length, 0);

  // Only the breaching step has errors, of two codes: one bar segment each.
  const bars = elements(dom, 'rect', 'errors');
  assert.deepEqual(bars.map((b) => [b['data-step'], b['data-code']]), [[String(BREACH_AT), 'confirm_timeout'], [String(BREACH_AT), 'send_failed']]);

  // Every point lies inside the plot area, later steps further right, higher targets further up.
  const targets = elements(dom, 'circle', 'target');
  for (const p of targets.concat(elements(dom, 'circle', 'p99'), elements(dom, 'circle', 'cpu'))) {
    const [cx, cy] = [Number(p.cx), Number(p.cy)];
    assert.ok(cx >= PLOT.left, `point ${cx},${cy} left of the plot`);
    assert.ok(cx <= PLOT.right, `point ${cx},${cy} right of the plot`);
    assert.ok(cy >= PLOT.top, `point ${cx},${cy} above the plot`);
    assert.ok(cy <= PLOT.bottom, `point ${cx},${cy} below the plot`);
  }
  for (let i = 1; i < targets.length; i++) {
    assert.ok(Number(targets[i]!.cx) > Number(targets[i - 1]!.cx), `target ${i} not right of ${i - 1}`);
    assert.ok(Number(targets[i]!.cy) < Number(targets[i - 1]!.cy), `target ${i} not above ${i - 1}`);
  }
  const achievedAtBreach = elements(dom, 'circle', 'achieved')[BREACH_AT]!;
  assert.ok(Number(achievedAtBreach.cy) > Number(targets[BREACH_AT]!.cy), 'achieved rate at the breach not drawn below its target');

  assert.deepEqual(pngSize(await readFile(screenshot)), SCREENSHOT_SIZE);
});
