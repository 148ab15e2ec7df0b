import type { CapacityJson, CapacityJsonPeak, CapacityJsonSample } from './capacity-json.ts';
import { formatMiB, formatMs, formatNumber, formatRate, formatRatio } from './format.ts';

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Renders the verdict box: the capacity, the breaching step with its reasons, and the server's peak at capacity. */
export function renderVerdict(report: CapacityJson): string {
  const capacity = report.max_sustainable_events_per_s;
  const breach = report.breach;
  const lines: string[] = [];
  let kind: string;

  if (capacity === null) {
    kind = 'no-capacity';
    lines.push('<p class="headline">No step met every objective</p>');
  } else {
    kind = breach ? 'breached' : 'met';
    const step = report.steps[report.capacity_step!]!;
    lines.push(
      `<p class="headline">Max sustainable rate: <strong>${escapeHtml(formatRate(capacity, 'events/s'))}</strong></p>`,
      `<p>The last step that met every objective: ${escapeHtml(step.label)}.</p>`,
    );
  }

  if (breach) {
    const step = report.steps[breach.step]!;
    lines.push(
      `<p class="reasons">Breached at ${escapeHtml(breach.label)} (target ${escapeHtml(formatRate(step.target_events_per_s, 'events/s'))}): ${escapeHtml(breach.reasons.join(', '))}</p>`,
    );
  } else if (report.stopped) {
    kind = 'stopped';
    lines.push(
      `<p class="stopped">The run was stopped (${escapeHtml(report.stopped)}) before any step breached an objective, so this is no verdict: the capacity is at least the last complete step's target.</p>`,
    );
  } else if (capacity !== null) {
    lines.push("<p>No step breached an objective, so the real capacity is at least the last step's target.</p>");
  }

  lines.push(`<p class="objectives">${escapeHtml(describeObjectives(report))}</p>`);
  if (report.resources) lines.push(`<p class="peak">${escapeHtml(describePeak(report))}</p>`);
  if (report.recovery) lines.push(`<p class="recovery">${escapeHtml(describeRecovery(report))}</p>`);

  return `<section class="verdict ${kind}" id="verdict">\n${lines.join('\n')}\n</section>`;
}

function describeObjectives(report: CapacityJson): string {
  const slo = report.slo;
  return (
    `Objectives, judged on each step's own samples: p95 confirm latency ≤ ${formatMs(slo.p95_ms)}, ` +
    `error rate ≤ ${formatRatio(slo.error_rate)}, connection failure rate ≤ ${formatRatio(slo.conn_fail_rate)}.`
  );
}

function describeRecovery(report: CapacityJson): string {
  const r = report.recovery!;
  const spike = `Spike (${r.spike_label}, ${formatRate(r.spike_events_per_s, 'events/s')})`;
  const observed = `${formatNumber(r.observed_ms / 1000)} s`;
  if (r.recovery_ms === null) return `${spike}: p95 confirm latency did not come back under ${formatMs(r.p95_limit_ms)} within the ${observed} observed after it.`;
  return (
    `${spike}: p95 confirm latency was back under ${formatMs(r.p95_limit_ms)} ${formatNumber(r.recovery_ms / 1000)} s after the spike ended ` +
    `(measured in ${formatNumber(r.window_ms / 1000)} s windows, ${observed} observed).`
  );
}

function describePeak(report: CapacityJson): string {
  const resources = report.resources!;
  const peak = resources.peak_at_capacity;
  if (!peak) return `Server (${resources.source}): no capacity step, so no peak at capacity.`;
  if (peak.samples === 0) return `Server (${resources.source}): no monitor sample fell within the capacity step.`;

  const parts = describePeakParts(peak);
  return `Server at capacity (${resources.source}, ${peak.samples} samples): ${parts.join(', ')}.`;
}

function describePeakParts(peak: CapacityJsonPeak): string[] {
  const parts: string[] = [];
  if (peak.cpu_percent !== null) parts.push(`peak CPU ${formatNumber(peak.cpu_percent)}% of one core`);
  if (peak.rss_bytes !== null) parts.push(`peak RSS ${formatMiB(peak.rss_bytes)}`);
  if (peak.open_fds !== null) parts.push(`up to ${formatNumber(peak.open_fds)} open file descriptors`);
  if (peak.host_cpu_percent !== null) parts.push(`peak host CPU ${formatNumber(peak.host_cpu_percent)}% of all cores`);
  if (peak.host_mem_available_min_bytes !== null) parts.push(`host memory available down to ${formatMiB(peak.host_mem_available_min_bytes)}`);
  return parts.length > 0 ? parts : ['the source reported no CPU or memory figures'];
}

/** Renders the per-step table; the capacity and breaching rows carry the classes `capacity` and `breach`. */
export function renderStepTable(report: CapacityJson): string {
  const resourceColumns = peakColumns(report);
  const head = [
    'Step', 'Target events/s', 'Achieved events/s', 'Batches/s target / achieved', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms',
    'Errors (rate)', 'Connection failures / attempts', 'Dropped iterations', 'Send lateness p95 / max ms',
    ...resourceColumns.map((c) => c.header),
    'SLO',
  ];

  const rows = report.steps.map((step, i) => {
    let rowClass = '';
    if (i === report.capacity_step) rowClass = ' class="capacity"';
    if (i === report.breach?.step) rowClass = ' class="breach"';
    const peak = step.resources;
    const cells = [
      `<td class="text">${escapeHtml(step.label)}</td>`,
      num(step.target_events_per_s),
      num(step.achieved_events_per_s),
      `<td>${formatNumber(step.target_batches_per_s)} / ${formatNumber(step.achieved_batches_per_s)}</td>`,
      num(step.p50_ms),
      num(step.p95_ms),
      num(step.p99_ms),
      num(step.max_ms),
      `<td>${formatNumber(step.error_count)} (${formatRatio(step.error_rate)})</td>`,
      `<td>${formatNumber(step.conn_failures)} / ${formatNumber(step.conn_attempts)} (${formatRatio(step.conn_fail_rate)})</td>`,
      num(step.dropped_iterations),
      `<td>${formatNumber(step.send_lateness_p95_ms)} / ${formatNumber(step.send_lateness_max_ms)}</td>`,
      ...resourceColumns.map((c) => optional(peak ? peak[c.field] : null, c.format)),
      step.slo_met
        ? '<td class="met">met</td>'
        : `<td class="failed reasons-cell">${escapeHtml(step.slo_reasons.join(', '))}</td>`,
    ];
    return `<tr${rowClass} data-step="${i}">${cells.join('')}</tr>`;
  });

  return (
    '<div class="table-wrap"><table id="steps-table">\n' +
    `<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>\n` +
    `<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`
  );
}

/** Renders the errors-by-code table: total per code, its share of all errors and the first step it appeared in. */
export function renderErrorTable(report: CapacityJson): string {
  const totals = new Map<string, { count: number; firstStep: string }>();
  for (const step of report.steps) {
    for (const [code, count] of Object.entries(step.errors)) {
      const entry = totals.get(code);
      if (entry) entry.count += count;
      else totals.set(code, { count, firstStep: step.label });
    }
  }
  if (totals.size === 0) return '<p class="empty" id="errors-table">No errors recorded.</p>';

  const all = [...totals.values()].reduce((sum, e) => sum + e.count, 0);
  const rows = [...totals.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .map(
      ([code, e]) =>
        `<tr><td class="text">${escapeHtml(code)}</td>${num(e.count)}<td>${formatRatio(e.count / all)}</td><td class="text">${escapeHtml(e.firstStep)}</td></tr>`,
    );
  return (
    '<div class="table-wrap"><table id="errors-table">\n' +
    '<thead><tr><th>Error code</th><th>Count</th><th>Share of errors</th><th class="text">First seen</th></tr></thead>\n' +
    `<tbody>\n${rows.join('\n')}\n</tbody>\n</table></div>`
  );
}

const PEAK_COLUMNS: readonly { header: string; field: keyof CapacityJsonPeak; sampleField: keyof CapacityJsonSample; format: (v: number) => string }[] = [
  { header: 'Peak CPU % (one core)', field: 'cpu_percent', sampleField: 'cpu_percent', format: formatNumber },
  { header: 'Peak RSS', field: 'rss_bytes', sampleField: 'rss_bytes', format: formatMiB },
  { header: 'Peak host CPU %', field: 'host_cpu_percent', sampleField: 'host_cpu_percent', format: formatNumber },
  { header: 'Min host memory available', field: 'host_mem_available_min_bytes', sampleField: 'host_mem_available_bytes', format: formatMiB },
];

// Only the readings the monitor source provides get a column, so a node_exporter run shows host
// figures and a PID run shows process figures.
function peakColumns(report: CapacityJson): typeof PEAK_COLUMNS {
  const samples = report.resources?.samples ?? [];
  return PEAK_COLUMNS.filter((c) => samples.some((s) => s[c.sampleField] !== null));
}

function num(value: number): string {
  return `<td>${formatNumber(value)}</td>`;
}

function optional(value: number | null | undefined, format: (v: number) => string): string {
  return `<td>${value === null || value === undefined ? '–' : format(value)}</td>`;
}
