// Client side of history.html (plain browser JavaScript, inlined at render time).
// Every value comes from the JSON island (the history model, computed by the harness) and reaches
// the page through textContent or DOM properties: never innerHTML, never inline event handlers.
// No network access.
(function () {
  'use strict';
  var M = JSON.parse(document.getElementById('data').textContent);
  var COLORS = {
    coldP50: '#1f5fbf', coldP95: '#7fa6e0', warmP50: '#d9822b', warmP99: '#f0b27a',
    regression: '#d62728', coldErr: '#1f5fbf', warmErr: '#d9822b', rtt: '#6a3d9a', penalty: '#8c564b', cost: '#2a9d57'
  };
  var WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var key in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, key)) continue;
        var value = attrs[key];
        if (value === undefined || value === null) continue;
        if (key === 'text') node.textContent = String(value);
        else if (key === 'className') node.className = value;
        else node.setAttribute(key, String(value));
      }
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function ms(us) {
    if (us === null || us === undefined || !isFinite(us)) return '–';
    var v = us / 1000;
    return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  }
  function percent(rate) {
    if (rate === null || rate === undefined || !isFinite(rate)) return '–';
    return (rate * 100).toFixed(rate < 0.001 && rate > 0 ? 3 : 1) + '%';
  }
  function money(value, currency) {
    if (value === null || value === undefined) return '–';
    var digits = value >= 100 ? 2 : value >= 1 ? 3 : value >= 0.01 ? 4 : 8;
    return value.toFixed(digits) + (currency ? ' ' + currency : '');
  }
  function utc(timeMs) {
    return new Date(timeMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }
  function origins() {
    return M.origins;
  }
  function chartWidth(container) {
    return Math.max(320, Math.min(1150, container.clientWidth || 1100));
  }
  function xRange(u, min, max) {
    if (min === null || max === null) return [0, 1];
    if (min === max) return [min - 3600, max + 3600];
    var pad = (max - min) * 0.04;
    return [min - pad, max + pad];
  }
  function line(label, color, values, format, dash) {
    return {
      series: { label: label, stroke: color, width: 2, dash: dash, spanGaps: true, points: { show: true, size: 7, fill: color, stroke: color }, value: function (u, v) { return v === null || v === undefined ? '' : format(v); } },
      values: values
    };
  }
  function chart(container, title, yLabel, lines, log) {
    var present = lines.filter(function (l) { return l.values.some(function (v) { return v !== null; }); });
    if (present.length === 0) return false;
    var points = container.__points;
    var series = [{ label: 'run (UTC)', value: function (u, v) { return v === null || v === undefined ? '' : utc(v * 1000); } }];
    var data = [points];
    present.forEach(function (l) { series.push(l.series); data.push(l.values); });
    new uPlot({
      title: title,
      width: chartWidth(container),
      height: log ? 300 : 200,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
      scales: { x: { time: true, range: xRange }, y: log ? { distr: 3, log: 10 } : { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.15 : 1]; } } },
      axes: [{}, { label: yLabel, size: 70 }],
      series: series
    }, data, container);
    return true;
  }
  function positive(us) { return us === null ? null : Math.max(0.001, us / 1000); }
  function regressionMarks(s, phase, key) {
    return s.points.map(function (p) { return p[phase] && p[phase].verdict === 'regression' ? positive(p[key]) : null; });
  }
  function marker(label, values) {
    return {
      series: { label: label, stroke: COLORS.regression, width: 0, paths: function () { return null; }, points: { show: true, size: 14, width: 3, fill: COLORS.regression, stroke: COLORS.regression }, value: function (u, v) { return v === null || v === undefined ? '' : 'regression'; } },
      values: values
    };
  }
  function pick(s, key, scale) {
    return s.points.map(function (p) { return p[key] === null ? null : p[key] * scale; });
  }

  function stepText(p) {
    var parts = [];
    ['cold', 'warm'].forEach(function (phase) {
      var step = p[phase];
      if (!step) return;
      parts.push(phase + ': ' + step.verdict + (step.reason ? ' (' + step.reason + ')' : ''));
    });
    return parts.length ? parts.join('; ') : 'first run';
  }

  function runsTable(s) {
    var head = ['run (UTC)', 'run id', 'cold p50', 'cold p95', 'warm p50', 'warm p99', 'cold errors', 'warm errors', 'RTT', 'cold penalty', 'cost / 1M req.', 'step (compare)'];
    var table = el('table', { className: 'data runs' }, [
      el('thead', null, [el('tr', null, head.map(function (h, i) { return el('th', { text: h, className: i >= 2 && i <= 10 ? 'num' : null }); }))])
    ]);
    var body = el('tbody');
    s.points.forEach(function (p) {
      var run = M.runs[p.run] || {};
      var regression = (p.cold && p.cold.verdict === 'regression') || (p.warm && p.warm.verdict === 'regression');
      var cells = [utc(p.timeMs), run.id, ms(p.coldP50Us), ms(p.coldP95Us), ms(p.warmP50Us), ms(p.warmP99Us), percent(p.coldErrorRate), percent(p.warmErrorRate), ms(p.rttUs), ms(p.coldPenaltyUs), money(p.costPer1M, p.costCurrency), stepText(p)];
      body.appendChild(el('tr', { className: regression ? 'regression' : null, 'data-run': run.id }, cells.map(function (c, i) { return el('td', { text: c, className: i >= 2 && i <= 10 ? 'num' : i === 11 ? 'step' : null }); })));
    });
    table.appendChild(body);
    return el('div', { className: 'scroll' }, [table]);
  }

  function renderSeries(s) {
    var label = s.target + (origins().length > 1 ? ' @ ' + s.origin : '');
    var article = el('article', { className: 'target series', 'data-origin': s.origin, 'data-target': s.target }, [
      el('h3', { text: label }),
      el('p', { className: 'facts', text: s.kind + ' · ' + s.region + ' · origin ' + s.origin + ' · ' + s.points.length + ' run' + (s.points.length === 1 ? '' : 's') + (s.regressions ? ' · ' + s.regressions + ' regression step' + (s.regressions === 1 ? '' : 's') : '') })
    ]);
    document.getElementById('series').appendChild(article);
    var xs = s.points.map(function (p) { return p.timeMs / 1000; });
    function box(cls) {
      var c = el('div', { className: 'chart ' + cls });
      c.__points = xs;
      article.appendChild(c);
      return c;
    }
    var latency = box('latency');
    chart(latency, 'Latency over time (ms, log)', 'ms (log)', [
      line('cold p50', COLORS.coldP50, s.points.map(function (p) { return positive(p.coldP50Us); }), function (v) { return v.toFixed(2); }),
      line('cold p95', COLORS.coldP95, s.points.map(function (p) { return positive(p.coldP95Us); }), function (v) { return v.toFixed(2); }, [6, 4]),
      line('warm p50', COLORS.warmP50, s.points.map(function (p) { return positive(p.warmP50Us); }), function (v) { return v.toFixed(2); }),
      line('warm p99', COLORS.warmP99, s.points.map(function (p) { return positive(p.warmP99Us); }), function (v) { return v.toFixed(2); }, [6, 4]),
      marker('cold regression', regressionMarks(s, 'cold', 'coldP50Us')),
      marker('warm regression', regressionMarks(s, 'warm', 'warmP50Us'))
    ], true);
    var errors = box('errors');
    if (!chart(errors, 'Error rate (%)', '%', [
      line('cold errors', COLORS.coldErr, pick(s, 'coldErrorRate', 100), function (v) { return v.toFixed(2) + '%'; }),
      line('warm errors', COLORS.warmErr, pick(s, 'warmErrorRate', 100), function (v) { return v.toFixed(2) + '%'; })
    ], false)) errors.remove();
    var network = box('network');
    if (!chart(network, 'RTT and cold penalty (ms)', 'ms', [
      line('RTT', COLORS.rtt, pick(s, 'rttUs', 0.001), function (v) { return v.toFixed(2); }),
      line('cold penalty', COLORS.penalty, pick(s, 'coldPenaltyUs', 0.001), function (v) { return v.toFixed(2); })
    ], false)) network.remove();
    var cost = box('cost');
    var currency = (s.points.filter(function (p) { return p.costCurrency; })[0] || {}).costCurrency || '';
    if (!chart(cost, 'Cost per 1M requests (' + (currency || 'estimate') + ', estimate)', currency, [
      line('cost / 1M', COLORS.cost, pick(s, 'costPer1M', 1), function (v) { return money(v, currency); })
    ], false)) cost.remove();
    article.appendChild(runsTable(s));
  }

  function heat(level) {
    // Light yellow (fast) to red (slow): the slot's place between the series' fastest and slowest.
    var hue = Math.round(55 - 55 * level);
    return 'hsl(' + hue + ', 85%, ' + Math.round(88 - 30 * level) + '%)';
  }

  function renderTimeOfDay(s) {
    var view = s.timeOfDay;
    if (!view) return;
    var article = el('article', { className: 'target time-of-day', 'data-origin': s.origin, 'data-target': s.target }, [
      el('h3', { text: s.target + (origins().length > 1 ? ' @ ' + s.origin : '') }),
      el('p', { className: 'facts', text: 'median ' + view.metric + ' (ms) per UTC hour and weekday; darker is slower' })
    ]);
    var hours = [];
    for (var h = 0; h < 24; h++) hours.push(h);
    var table = el('table', { className: 'data heatmap' }, [
      el('thead', null, [el('tr', null, [el('th', { text: 'UTC' })].concat(hours.map(function (h) { return el('th', { className: 'num', text: (h < 10 ? '0' : '') + h }); })).concat([el('th', { className: 'num', text: 'day' })]))])
    ]);
    var body = el('tbody');
    function cell(slot) {
      if (!slot) return el('td', { className: 'num empty', text: '' });
      var td = el('td', { className: 'num slot', text: ms(slot.medianUs), title: slot.runs + ' run' + (slot.runs === 1 ? '' : 's') });
      td.style.backgroundColor = heat(slot.level);
      return td;
    }
    function find(list, weekday, hour) {
      return list.filter(function (c) { return c.weekday === weekday && c.hour === hour; })[0];
    }
    WEEKDAYS.forEach(function (name, d) {
      var row = el('tr', null, [el('th', { text: name })]);
      hours.forEach(function (h) { row.appendChild(cell(find(view.cells, d, h))); });
      row.appendChild(cell(find(view.byWeekday, d, null)));
      body.appendChild(row);
    });
    var all = el('tr', { className: 'by-hour' }, [el('th', { text: 'hour' })]);
    hours.forEach(function (h) { all.appendChild(cell(find(view.byHour, null, h))); });
    all.appendChild(el('td'));
    body.appendChild(all);
    table.appendChild(body);
    article.appendChild(el('div', { className: 'scroll' }, [table]));
    document.getElementById('time').appendChild(article);
  }

  function renderHeader() {
    var total = M.regressions;
    var verdict = document.getElementById('verdict');
    verdict.textContent = total ? total + ' regression step' + (total === 1 ? '' : 's') + ' between consecutive runs' : 'no regression between consecutive runs';
    verdict.className = 'verdict ' + (total ? 'bad' : 'good');
    var meta = document.getElementById('meta');
    var rows = [
      ['runs', String(M.runs.length)],
      ['from', M.runs.length ? utc(M.firstMs) : '–'],
      ['to', M.runs.length ? utc(M.lastMs) : '–'],
      ['origins', origins().join(', ')],
      ['generated', M.generatedAt]
    ];
    rows.forEach(function (r) { meta.appendChild(el('dt', { text: r[0] })); meta.appendChild(el('dd', { text: r[1] })); });
    document.getElementById('series-note').textContent =
      'One point per run. A red marker is a step that coldbench compare calls a regression against the previous run of the same origin and target ' +
      '(slower by more than ' + M.failThresholdPct + '%, beyond the noise floor, statistically significant); the table gives its reason.';
    document.getElementById('footer').textContent = 'coldbench history · costs are estimates from list prices · times in UTC';
  }

  renderHeader();
  M.series.forEach(renderSeries);
  if (M.spansDays && M.series.some(function (s) { return s.timeOfDay; })) {
    document.getElementById('time-section').hidden = false;
    document.getElementById('time-note').textContent = 'The runs span ' + M.spanDays.toFixed(1) + ' days: is it slower at some hours or on some days?';
    M.series.forEach(renderTimeOfDay);
  }
  document.body.setAttribute('data-rendered', 'true');
})();
