/** The report page's inline style sheet: system fonts, no web fonts or images to fetch. */
export const REPORT_STYLE = `
:root { color-scheme: light; --ink: #0f172a; --muted: #475569; --line: #e2e8f0; --ok: #15803d; --bad: #b91c1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; color: var(--ink); background: #f8fafc; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; }
.meta { color: var(--muted); margin: 0 0 18px; }
.verdict { background: #fff; border: 1px solid var(--line); border-left: 6px solid var(--ok); border-radius: 6px; padding: 14px 18px; }
.verdict.breached { border-left-color: var(--bad); }
.verdict.no-capacity { border-left-color: var(--bad); background: #fef2f2; }
.headline { font-size: 20px; margin: 0 0 6px; }
.headline strong { font-size: 26px; }
.verdict p { margin: 4px 0; }
.reasons { color: var(--bad); font-weight: 600; }
.objectives, .peak { color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
figure svg { width: 100%; height: auto; display: block; }
.legend { list-style: none; margin: 4px 0 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 16px; color: var(--muted); font-size: 12.5px; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.empty { color: var(--muted); font-style: italic; margin: 8px 0; }
svg .grid { stroke: #eef2f7; }
svg .axis { stroke: #94a3b8; }
svg .tick { font-size: 11px; fill: #64748b; }
svg .axis-label { font-size: 12px; fill: #334155; }
svg .line { fill: none; stroke-width: 2; }
svg .point { stroke: #fff; stroke-width: 1; }
svg .slo-line { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 4 4; }
svg .slo-label { font-size: 11px; fill: var(--bad); }
svg .band-capacity { fill: #dcfce7; }
svg .band-breach { fill: #fee2e2; }
.band-key { display: inline-block; width: 11px; height: 11px; margin: 0 4px 0 10px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); font-variant-numeric: tabular-nums; }
table { font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: #f1f5f9; font-weight: 600; font-size: 12px; white-space: normal; vertical-align: bottom; }
th:first-child, td:first-child, th.text, td.text { text-align: left; }
td.reasons-cell { white-space: normal; min-width: 240px; text-align: left; }
tr.capacity td { background: #f0fdf4; }
tr.breach td { background: #fef2f2; }
td.met { color: var(--ok); font-weight: 600; }
td.failed { color: var(--bad); font-weight: 600; }
.band-key.capacity { background: #dcfce7; }
.band-key.breach { background: #fee2e2; }
.table-wrap { overflow-x: auto; }
`;
