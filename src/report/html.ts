import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { CapacityJson } from './capacity-json.ts';
import { ReportWriteError } from './errors.ts';
import { REPORT_SCRIPT } from './html-client.ts';
import { escapeHtml, renderErrorTable, renderStepTable, renderVerdict } from './html-sections.ts';
import { REPORT_STYLE } from './html-style.ts';

export interface ReportHtmlOptions {
  /** Page title. Default `frameload capacity report`. */
  title?: string;
  /** When the report was made, Unix epoch milliseconds. Default now. */
  generatedAtMs?: number;
}

// The Content-Security-Policy lets the page run only its own inline script (by hash) and load
// nothing from anywhere, so the report stays self-contained even if data in it looks like a URL.
const SCRIPT_HASH = createHash('sha256').update(REPORT_SCRIPT).digest('base64');
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${SCRIPT_HASH}'`;

/**
 * Renders report.html: one self-contained page with the verdict, charts of throughput, confirm
 * latency, errors and server resources drawn by the inline script from the embedded data, and the
 * per-step tables, which read without the script too.
 */
export function renderReportHtml(report: CapacityJson, options: ReportHtmlOptions = {}): string {
  const title = options.title ?? 'frameload capacity report';
  const generated = new Date(options.generatedAtMs ?? Date.now()).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  // `<` is escaped so no text inside the data can close the script element early.
  const embedded = JSON.stringify(report).replace(/</g, '\\u003c');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(describeRun(report, generated))}</p>
${renderVerdict(report)}

<h2>Throughput and latency per step</h2>
<p class="meta">Each point is one step, placed at the step's middle. Shading marks the capacity step<span class="band-key capacity"></span> and the breaching step<span class="band-key breach"></span>.</p>
<div class="charts">
${figure('throughput', 'Target vs achieved rate (events/s)')}
${figure('latency', 'Confirm latency per step: p50, p95, p99 (ms)')}
${figure('errors', 'Errors by code per step (count)', hasErrors(report) ? '' : '<p class="empty">No errors recorded.</p>')}
</div>
${report.resources ? renderResourcePanel() : ''}
<h2>Steps</h2>
${renderStepTable(report)}

<h2>Errors by code</h2>
${renderErrorTable(report)}
</main>
<script type="application/json" id="report-data">${embedded}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}

/** Writes `report.html` into `dir`, creating the folder; returns the file's path. */
export async function writeReportHtml(dir: string, html: string): Promise<string> {
  const path = join(dir, 'report.html');
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(path, html);
  } catch (cause) {
    throw new ReportWriteError(path, { cause });
  }
  return path;
}

function figure(name: string, caption: string, fallback = ''): string {
  return (
    `<figure data-chart="${name}"><figcaption>${escapeHtml(caption)}</figcaption>` +
    `<div class="plot">${fallback}</div><ul class="legend"></ul>` +
    '<noscript><p class="empty">Charts need JavaScript; the tables below hold the same numbers.</p></noscript></figure>'
  );
}

function renderResourcePanel(): string {
  return `<h2>Server resources</h2>
<div class="charts">
${figure('cpu', 'CPU over time (%)')}
${figure('memory', 'Memory over time (MiB)')}
</div>`;
}

function hasErrors(report: CapacityJson): boolean {
  return report.steps.some((s) => s.error_count > 0);
}

function describeRun(report: CapacityJson, generated: string): string {
  const parts = [`Generated ${generated}`, `${report.steps.length} step${report.steps.length === 1 ? '' : 's'}`];
  const first = report.steps[0];
  const last = report.steps[report.steps.length - 1];
  if (first && last) parts.push(`run time ${formatDuration(last.end_ms - first.start_ms)}`);
  if (report.resources) {
    const r = report.resources;
    parts.push(`monitor ${r.source}: ${r.samples.length} samples every ${r.interval_ms / 1000} s${r.failed_samples ? `, ${r.failed_samples} failed` : ''}`);
  }
  return parts.join(' · ');
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}
