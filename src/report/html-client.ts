/**
 * The report page's inline script. It reads the embedded capacity.json data and draws the charts
 * as SVG, with no library and no network access. Every data point is one element carrying
 * `data-series` and `data-step` (or `data-sample`), so a test can count what was drawn.
 * It is plain ES5-style JavaScript in a string because it runs in the browser, not in Node.
 * It contains no backticks and no dollar-brace, so the template literal keeps it unchanged.
 */
export const REPORT_SCRIPT = String.raw`(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var WIDTH = 760;
  var HEIGHT = 270;
  var PAD = { top: 14, right: 20, bottom: 46, left: 72 };
  var PLOT_W = WIDTH - PAD.left - PAD.right;
  var PLOT_H = HEIGHT - PAD.top - PAD.bottom;
  var ERROR_COLORS = ['#c2410c', '#7c3aed', '#0f766e', '#b91c1c', '#a16207', '#1d4ed8', '#be185d', '#4d7c0f'];

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var steps = data.steps;
  var samples = data.resources ? data.resources.samples : [];
  if (steps.length === 0) {
    document.documentElement.setAttribute('data-report-rendered', 'true');
    return;
  }

  // The x axis is time since the first step started, in minutes once the run is longer than 3 minutes.
  var origin = steps[0].start_ms;
  var endMs = steps[steps.length - 1].end_ms;
  samples.forEach(function (s) { endMs = Math.max(endMs, s.t_ms); });
  var unitMs = endMs - origin > 180000 ? 60000 : 1000;
  var xLabel = 'time since the first step (' + (unitMs === 60000 ? 'min' : 's') + ')';
  var xMax = Math.max((endMs - origin) / unitMs, 1e-3);
  function xOf(ms) { return (ms - origin) / unitMs; }

  function fmt(v) {
    if (!isFinite(v)) return String(v);
    if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
    if (v === 0) return '0';
    return String(Number(v.toPrecision(3)));
  }

  function svg(name, attrs, parent) {
    var node = document.createElementNS(SVG_NS, name);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (parent) parent.appendChild(node);
    return node;
  }

  function text(parent, content, attrs) {
    var node = svg('text', attrs, parent);
    node.textContent = content;
    return node;
  }

  function niceStep(range, count) {
    var raw = range / count;
    var magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 2.5, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * magnitude >= raw) return steps[i] * magnitude;
    return 10 * magnitude;
  }

  function linearScale(max) {
    var top = max > 0 ? max : 1;
    var step = niceStep(top, 5);
    top = Math.ceil(top / step) * step;
    var ticks = [];
    for (var v = 0; v <= top + step / 2; v += step) ticks.push(v);
    return { ticks: ticks, at: function (y) { return Math.max(0, y) / top; }, label: '' };
  }

  // A log scale over whole decades. Values at or below the bottom decade sit on the axis.
  function logScale(min, max) {
    var lo = Math.floor(Math.log10(min));
    var hi = Math.max(lo + 1, Math.ceil(Math.log10(max)));
    var ticks = [];
    for (var e = lo; e <= hi; e++) {
      ticks.push(Math.pow(10, e));
      if (hi - lo <= 3 && e < hi) ticks.push(2 * Math.pow(10, e), 5 * Math.pow(10, e));
    }
    ticks.sort(function (a, b) { return a - b; });
    return {
      ticks: ticks,
      at: function (y) { return y <= 0 ? 0 : Math.max(0, (Math.log10(y) - lo) / (hi - lo)); },
      label: ', log scale'
    };
  }

  function px(x) { return PAD.left + (x / xMax) * PLOT_W; }

  /**
   * Draws one chart into figure[data-chart=name]. spec: yLabel, yMax, yMin (log scales), yLog,
   * series [{ key, label, color, dash, line: 'join' | 'steps' | 'none', points [{ x, x0, x1, y, title, step, sample }] }],
   * bars [{ step, x0, x1, parts [{ key, code, value, color, title }] }], hlines [{ y, label }].
   */
  function drawChart(name, spec) {
    var figure = document.querySelector('figure[data-chart="' + name + '"]');
    if (!figure) return;
    if (spec.series.length === 0 && !spec.bars) {
      var empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = spec.emptyText;
      figure.querySelector('.plot').appendChild(empty);
      figure.setAttribute('data-rendered', 'true');
      return;
    }
    var scale = spec.yLog ? logScale(spec.yMin, spec.yMax) : linearScale(spec.yMax);
    function py(y) { return PAD.top + PLOT_H - scale.at(y) * PLOT_H; }

    var root = svg('svg', { viewBox: '0 0 ' + WIDTH + ' ' + HEIGHT, role: 'img', 'aria-label': figure.querySelector('figcaption').textContent });

    // Shading of the capacity step and the breaching step, behind everything else.
    [[data.capacity_step, 'band-capacity'], [data.breach ? data.breach.step : null, 'band-breach']].forEach(function (band) {
      if (band[0] === null || band[0] === undefined) return;
      var step = steps[band[0]];
      svg('rect', { 'class': band[1], x: px(xOf(step.start_ms)), y: PAD.top, width: px(xOf(step.end_ms)) - px(xOf(step.start_ms)), height: PLOT_H }, root);
    });

    scale.ticks.forEach(function (tick) {
      var y = py(tick);
      svg('line', { 'class': 'grid', x1: PAD.left, x2: PAD.left + PLOT_W, y1: y, y2: y }, root);
      text(root, fmt(tick), { 'class': 'tick', x: PAD.left - 8, y: y + 4, 'text-anchor': 'end' });
    });
    var xStep = niceStep(xMax, 8);
    for (var x = 0; x <= xMax + 1e-9; x += xStep) {
      svg('line', { 'class': 'axis', x1: px(x), x2: px(x), y1: PAD.top + PLOT_H, y2: PAD.top + PLOT_H + 5 }, root);
      text(root, fmt(x), { 'class': 'tick', x: px(x), y: PAD.top + PLOT_H + 18, 'text-anchor': 'middle' });
    }
    svg('line', { 'class': 'axis', x1: PAD.left, x2: PAD.left + PLOT_W, y1: PAD.top + PLOT_H, y2: PAD.top + PLOT_H }, root);
    svg('line', { 'class': 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: PAD.top + PLOT_H }, root);
    text(root, xLabel, { 'class': 'axis-label', x: PAD.left + PLOT_W / 2, y: HEIGHT - 6, 'text-anchor': 'middle' });
    text(root, spec.yLabel + scale.label, {
      'class': 'axis-label', 'text-anchor': 'middle',
      transform: 'translate(16 ' + (PAD.top + PLOT_H / 2) + ') rotate(-90)'
    });

    (spec.hlines || []).forEach(function (line) {
      var y = py(line.y);
      svg('line', { 'class': 'slo-line', x1: PAD.left, x2: PAD.left + PLOT_W, y1: y, y2: y }, root);
      text(root, line.label, { 'class': 'slo-label', x: PAD.left + 6, y: y - 5, 'text-anchor': 'start' });
    });

    (spec.bars || []).forEach(function (bar) {
      var width = (px(bar.x1) - px(bar.x0)) * 0.7;
      var left = (px(bar.x0) + px(bar.x1)) / 2 - width / 2;
      var base = 0;
      bar.parts.forEach(function (part) {
        var top = py(base + part.value);
        var rect = svg('rect', {
          'class': 'bar', x: left, y: top, width: width, height: py(base) - top, fill: part.color,
          'data-series': part.key, 'data-code': part.code, 'data-step': bar.step
        }, root);
        svg('title', {}, rect).textContent = part.title;
        base += part.value;
      });
    });

    spec.series.forEach(function (series) {
      var points = series.points;
      if (series.line === 'join' && points.length > 1) {
        svg('polyline', {
          'class': 'line', stroke: series.color, 'stroke-dasharray': series.dash || 'none',
          points: points.map(function (p) { return px(p.x) + ',' + py(p.y); }).join(' ')
        }, root);
      }
      if (series.line === 'steps') {
        var path = points.map(function (p, i) {
          return (i === 0 ? 'M' : 'L') + px(p.x0) + ',' + py(p.y) + ' L' + px(p.x1) + ',' + py(p.y);
        }).join(' ');
        svg('path', { 'class': 'line', d: path, stroke: series.color, 'stroke-dasharray': series.dash || 'none' }, root);
      }
      points.forEach(function (p) {
        var attrs = { 'class': 'point', cx: px(p.x), cy: py(p.y), r: series.radius || 3.5, fill: series.color, 'data-series': series.key };
        if (p.step !== undefined) attrs['data-step'] = p.step;
        if (p.sample !== undefined) attrs['data-sample'] = p.sample;
        svg('title', {}, svg('circle', attrs, root)).textContent = p.title;
      });
    });

    figure.querySelector('.plot').appendChild(root);
    var legend = figure.querySelector('.legend');
    spec.series.concat(spec.legendExtra || []).forEach(function (series) {
      var item = document.createElement('li');
      var swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = series.color;
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(series.label));
      legend.appendChild(item);
    });
    figure.setAttribute('data-rendered', 'true');
  }

  function stepPoints(value, unit) {
    return steps.map(function (s, i) {
      var y = value(s);
      return {
        x: xOf((s.start_ms + s.end_ms) / 2), x0: xOf(s.start_ms), x1: xOf(s.end_ms), y: y, step: i,
        title: s.label + ': ' + fmt(y) + ' ' + unit
      };
    });
  }

  function maxOf(values) {
    return values.reduce(function (m, v) { return Math.max(m, v); }, 0);
  }

  // Throughput: target as a staircase over each step, achieved at each step's middle.
  drawChart('throughput', {
    yLabel: 'events/s',
    yMax: maxOf(steps.map(function (s) { return Math.max(s.target_events_per_s, s.achieved_events_per_s); })),
    series: [
      { key: 'target', label: 'target events/s', color: '#64748b', dash: '6 4', line: 'steps',
        points: stepPoints(function (s) { return s.target_events_per_s; }, 'events/s target') },
      { key: 'achieved', label: 'achieved events/s (confirmed)', color: '#2563eb', line: 'join',
        points: stepPoints(function (s) { return s.achieved_events_per_s; }, 'events/s achieved') }
    ]
  });

  // Latency goes to a log scale when the percentiles span more than a factor of 20, as they
  // usually do once a step breaches. Below that, a linear scale reads more easily.
  var latencyValues = [];
  steps.forEach(function (s) { latencyValues.push(s.p50_ms, s.p95_ms, s.p99_ms); });
  var latencyMax = Math.max(maxOf(latencyValues), data.slo.p95_ms);
  var positive = latencyValues.filter(function (v) { return v > 0; });
  var latencyMin = positive.length ? Math.min.apply(null, positive) : 1;
  drawChart('latency', {
    yLabel: 'latency (ms)',
    yLog: latencyMax / latencyMin > 20,
    yMin: latencyMin,
    yMax: latencyMax,
    hlines: [{ y: data.slo.p95_ms, label: 'p95 objective ' + fmt(data.slo.p95_ms) + ' ms' }],
    series: [
      { key: 'p50', label: 'p50', color: '#16a34a', line: 'join', points: stepPoints(function (s) { return s.p50_ms; }, 'ms p50') },
      { key: 'p95', label: 'p95', color: '#ea580c', line: 'join', points: stepPoints(function (s) { return s.p95_ms; }, 'ms p95') },
      { key: 'p99', label: 'p99', color: '#dc2626', line: 'join', points: stepPoints(function (s) { return s.p99_ms; }, 'ms p99') }
    ]
  });

  // Errors: one stacked bar per step, one segment per error code with errors in that step.
  var codes = [];
  steps.forEach(function (s) { Object.keys(s.errors).forEach(function (c) { if (codes.indexOf(c) < 0) codes.push(c); }); });
  codes.sort();
  function colorOf(code) { return ERROR_COLORS[codes.indexOf(code) % ERROR_COLORS.length]; }
  if (codes.length > 0) {
    drawChart('errors', {
      yLabel: 'errors per step (count)',
      yMax: maxOf(steps.map(function (s) { return s.error_count; })),
      series: [],
      legendExtra: codes.map(function (c) { return { label: c, color: colorOf(c) }; }),
      bars: steps.map(function (s, i) {
        return {
          step: i, x0: xOf(s.start_ms), x1: xOf(s.end_ms),
          parts: codes.filter(function (c) { return s.errors[c] > 0; }).map(function (c) {
            return { key: 'errors', code: c, value: s.errors[c], color: colorOf(c), title: s.label + ': ' + fmt(s.errors[c]) + ' ' + c };
          })
        };
      })
    });
  }

  function samplePoints(field, scale, unit) {
    var points = [];
    samples.forEach(function (s, i) {
      if (s[field] === null || s[field] === undefined) return;
      var y = s[field] / scale;
      points.push({ x: xOf(s.t_ms), y: y, sample: i, title: fmt(xOf(s.t_ms)) + (unitMs === 60000 ? ' min' : ' s') + ': ' + fmt(y) + ' ' + unit });
    });
    return points;
  }

  if (data.resources) {
    var cpuSeries = [
      { key: 'cpu', label: 'server process CPU (% of one core)', color: '#7c3aed', line: 'join', radius: 2.5, points: samplePoints('cpu_percent', 1, '%') },
      { key: 'host-cpu', label: 'host CPU (% of all cores)', color: '#0891b2', line: 'join', radius: 2.5, points: samplePoints('host_cpu_percent', 1, '%') }
    ].filter(function (s) { return s.points.length > 0; });
    drawChart('cpu', {
      emptyText: 'The monitor source reported no CPU readings.',
      yLabel: 'CPU (%)',
      yMax: Math.max(100, maxOf(cpuSeries.map(function (s) { return maxOf(s.points.map(function (p) { return p.y; })); }))),
      series: cpuSeries
    });

    var MiB = 1048576;
    var memorySeries = [
      { key: 'rss', label: 'server process RSS', color: '#0d9488', line: 'join', radius: 2.5, points: samplePoints('rss_bytes', MiB, 'MiB') },
      { key: 'host-mem-available', label: 'host memory available', color: '#ca8a04', line: 'join', radius: 2.5, points: samplePoints('host_mem_available_bytes', MiB, 'MiB') }
    ].filter(function (s) { return s.points.length > 0; });
    drawChart('memory', {
      emptyText: 'The monitor source reported no memory readings.',
      yLabel: 'memory (MiB)',
      yMax: maxOf(memorySeries.map(function (s) { return maxOf(s.points.map(function (p) { return p.y; })); })),
      series: memorySeries
    });
  }

  document.documentElement.setAttribute('data-report-rendered', 'true');
})();
`;
