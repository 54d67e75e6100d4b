// Client side of report.html (plain browser JavaScript, inlined at render time). It formats
// nothing: every text, number and label comes ready-made from the JSON island's `view` (built by
// html-view.ts), and this script only places it on the page through textContent or DOM
// properties (never innerHTML, never inline event handlers), sorts the summary on request and
// draws the charts with uPlot. No network access.
(function () {
  'use strict';
  var V = JSON.parse(document.getElementById('data').textContent).view;
  var COLORS = { cold: '#1f5fbf', warm: '#d9822b', init: '#2a9d57' };

  // ---------- small DOM helpers ----------
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
  function headRow(labels) {
    var row = el('tr');
    labels.forEach(function (label) { row.appendChild(el('th', { scope: 'col', text: label })); });
    return el('thead', null, [row]);
  }

  // ---------- header: verdict and run metadata ----------
  function renderMeta() {
    document.title = V.title;
    var meta = document.getElementById('meta');
    V.meta.forEach(function (item) {
      meta.appendChild(el('dt', { text: item[0] }));
      meta.appendChild(el('dd', { text: item[1] }));
    });
    var verdict = document.getElementById('verdict');
    verdict.textContent = V.verdict.text;
    verdict.className = 'verdict ' + (V.verdict.bad ? 'bad' : V.verdict.warn ? 'warn' : 'good');
    document.getElementById('footer').textContent = V.footer;
  }

  // ---------- sortable summary table ----------
  function renderSummary() {
    var table = document.getElementById('summary');
    var columns = V.summary.columns;
    var rows = V.summary.rows.slice();
    var sortState = { column: null, dir: 1 };
    var thead = el('thead');
    var header = el('tr');
    columns.forEach(function (col, c) {
      var button = el('button', { type: 'button', text: col.label });
      var th = el('th', { scope: 'col', 'aria-sort': 'none', className: col.numeric ? 'num' : '' }, [button]);
      button.addEventListener('click', function () {
        sortState.dir = sortState.column === c ? -sortState.dir : 1;
        sortState.column = c;
        Array.prototype.forEach.call(header.children, function (h) { h.setAttribute('aria-sort', 'none'); });
        th.setAttribute('aria-sort', sortState.dir > 0 ? 'ascending' : 'descending');
        rows.sort(function (a, b) {
          var x = a.cells[c].sort, y = b.cells[c].sort;
          if (x === y) return 0;
          if (x === null) return 1; // no value: last, whichever the direction
          if (y === null) return -1;
          return (col.numeric ? x - y : String(x).localeCompare(String(y))) * sortState.dir;
        });
        fillBody();
      });
      header.appendChild(th);
    });
    thead.appendChild(header);
    var tbody = el('tbody');
    function fillBody() {
      while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
      rows.forEach(function (row) {
        var tr = el('tr', { className: row.failed ? 'failed' : '' });
        row.cells.forEach(function (cell, c) {
          tr.appendChild(el('td', { text: cell.text, className: columns[c].numeric ? 'num' : '' }));
        });
        tbody.appendChild(tr);
      });
    }
    fillBody();
    table.appendChild(thead);
    table.appendChild(tbody);
    // The first two columns stay in view when the table scrolls sideways: the second one sticks
    // at the first one's width (layout, not text).
    function pin() { table.style.setProperty('--pin-2', header.firstChild.getBoundingClientRect().width + 'px'); }
    pin();
    window.addEventListener('resize', pin);
  }

  // ---------- comparison bars (plain DOM, prints well) ----------
  function renderCompareBars() {
    var box = document.getElementById('compare-bars');
    V.bars.forEach(function (group) {
      var node = el('div', { className: 'bars', 'data-phase': group.phase }, [el('h3', { text: group.heading })]);
      group.rows.forEach(function (row) {
        var line = el('div', { className: 'bar-row' }, [el('div', { className: 'bar-label', text: row.label })]);
        var stack = el('div', { className: 'bar-stack' });
        row.bars.forEach(function (b) {
          var bar = el('div', { className: 'bar ' + b.name + ' ' + group.phase });
          bar.style.width = b.width;
          stack.appendChild(el('div', { className: 'bar-line' }, [bar, el('span', { className: 'bar-value', text: b.text })]));
        });
        line.appendChild(stack);
        node.appendChild(line);
      });
      box.appendChild(node);
    });
    if (!box.firstChild) box.appendChild(el('p', { className: 'note', text: 'No successful sample to compare.' }));
  }

  // ---------- origin x target matrix ----------
  function renderMatrix() {
    if (!V.matrix) return;
    document.getElementById('matrix-section').hidden = false;
    var table = document.getElementById('matrix');
    table.appendChild(headRow(['target', 'phase'].concat(V.matrix.origins)));
    var body = el('tbody');
    V.matrix.rows.forEach(function (row) {
      var tr = el('tr', null, [el('th', { scope: 'row', text: row.target }), el('td', { text: row.phase })]);
      row.cells.forEach(function (text) { tr.appendChild(el('td', { className: 'num', text: text })); });
      body.appendChild(tr);
    });
    table.appendChild(body);
  }

  // ---------- per target: distribution chart, cold samples ----------
  function chartWidth(container) {
    return Math.max(320, Math.min(900, (container.clientWidth || 800) - 8));
  }
  /** Legend value of a point: the ready-made text at the cursor's data index. */
  function legendText(texts) {
    return function (u, v, seriesIndex, idx) { return v === null || v === undefined || idx === null || idx === undefined ? '' : texts[idx]; };
  }
  function distributionChart(container, lines) {
    var axis = V.percentileAxis;
    var series = [{ label: 'percentile', value: legendText(axis.labels) }];
    var data = [axis.xs];
    lines.forEach(function (line) {
      series.push({ label: line.label, stroke: COLORS[line.phase], width: 2, points: { show: false }, value: legendText(line.texts) });
      data.push(line.ys);
    });
    new uPlot({
      title: 'Latency by percentile',
      width: chartWidth(container),
      height: 300,
      scales: { x: { time: false, distr: 3, log: 10, range: function () { return [1, 1e6]; } }, y: { distr: 3, log: 10 } },
      axes: [
        {
          label: 'percentile',
          splits: function () { return axis.ticks; },
          values: function (u, splits) { return splits.map(function (s) { var i = axis.ticks.indexOf(s); return i < 0 ? '' : axis.tickLabels[i]; }); }
        },
        { label: 'latency ms (log)', size: 70 }
      ],
      series: series
    }, data, container);
  }
  function coldSamplesChart(container, chart) {
    var series = [
      { label: 'sample' },
      { label: 'total ms', stroke: COLORS.cold, fill: 'rgba(31,95,191,0.35)', paths: uPlot.paths.bars({ size: [0.6, 60] }), points: { show: false } }
    ];
    var data = [chart.xs, chart.total];
    if (chart.init) {
      series.push({ label: 'platform init ms', stroke: COLORS.init, width: 0, paths: function () { return null; }, points: { show: true, size: 9, fill: COLORS.init } });
      data.push(chart.init);
    }
    new uPlot({
      title: 'Cold samples one by one',
      width: chartWidth(container),
      height: 220,
      scales: { x: { time: false, range: function (u, lo, hi) { return [lo - 0.5, hi + 0.5]; } }, y: { range: function (u, lo, hi) { return [0, hi > 0 ? hi * 1.1 : 1]; } } },
      axes: [{ label: 'sample', incrs: [1, 2, 5, 10, 20, 50, 100] }, { label: 'ms', size: 60 }],
      series: series
    }, data, container);
  }
  var SAMPLE_NUMERIC = [true, false, true, true, true, false, false, false];
  function coldTable(rows) {
    var table = el('table', { className: 'data samples' });
    table.appendChild(headRow(['#', 'started (UTC)', 'total ms', 'platform init ms', 'status', 'error', 'cold', 'instance']));
    var body = el('tbody');
    rows.forEach(function (row) {
      body.appendChild(el('tr', { className: row.failed ? 'failed' : '' }, row.cells.map(function (text, c) {
        return el('td', { className: c === 6 ? row.coldClass : SAMPLE_NUMERIC[c] ? 'num' : undefined, text: text });
      })));
    });
    table.appendChild(body);
    return el('div', { className: 'scroll' }, [table]);
  }
  function renderTargets() {
    var box = document.getElementById('targets');
    V.targets.forEach(function (t) {
      var section = el('article', { className: 'target', 'data-target': t.name, 'data-origin': t.origin });
      section.appendChild(el('h3', { text: t.heading }));
      section.appendChild(el('p', { className: 'facts', text: t.facts }));
      if (t.failure) section.appendChild(el('p', { className: 'failure', text: t.failure }));
      var chart = el('div', { className: 'chart distribution' });
      section.appendChild(chart);
      box.appendChild(section);
      if (t.distribution.length) distributionChart(chart, t.distribution);
      else chart.appendChild(el('p', { className: 'note', text: 'No successful sample to chart.' }));
      if (t.cold) {
        section.appendChild(el('h4', { text: t.cold.heading }));
        var samplesChart = el('div', { className: 'chart cold-samples' });
        section.appendChild(samplesChart);
        coldSamplesChart(samplesChart, t.cold.chart);
        section.appendChild(coldTable(t.cold.rows));
      }
      if (t.warm) section.appendChild(el('p', { className: 'facts', text: t.warm }));
    });
  }

  // ---------- cost ----------
  function renderCost() {
    var table = document.getElementById('cost');
    document.getElementById('cost-note').textContent = V.cost.note;
    if (!V.cost.rows.length) {
      table.hidden = true;
      return;
    }
    table.appendChild(headRow(['target', 'origin', 'model', 'per 1M requests', 'per cold start', 'basis']));
    var body = el('tbody');
    V.cost.rows.forEach(function (row) {
      var basis = el('ul', { className: 'basis' });
      row.basis.forEach(function (b) { basis.appendChild(el('li', { text: b })); });
      var cells = row.cells.map(function (text, c) { return el('td', { className: c >= 3 ? 'num' : undefined, text: text }); });
      body.appendChild(el('tr', null, cells.concat([el('td', null, [basis])])));
    });
    table.appendChild(body);
  }

  // ---------- cost as traffic grows (html-client-cost.js, inlined before this script) ----------
  function renderCostGrowth() {
    coldbenchCostGrowth(V.costGrowth, { el: el, headRow: headRow, legendText: legendText });
  }

  // ---------- experiments (html-client-experiments.js, inlined before this script) ----------
  function renderExperiments() {
    coldbenchExperiments(V.experiments, { el: el, headRow: headRow, legendText: legendText });
  }

  // ---------- sweeps (html-client-sweep.js, inlined before this script) ----------
  function renderSweeps() {
    coldbenchSweeps(V.sweeps, { el: el, headRow: headRow, legendText: legendText });
  }

  // ---------- thresholds ----------
  function renderThresholds() {
    var table = document.getElementById('thresholds');
    if (!V.thresholds.length) {
      table.parentNode.appendChild(el('p', { className: 'note', text: 'No thresholds set (add thresholds: to the target file to gate CI on this run).' }));
      table.hidden = true;
      return;
    }
    table.appendChild(headRow(['result', 'target', 'origin', 'threshold', 'actual']));
    var body = el('tbody');
    V.thresholds.forEach(function (t) {
      body.appendChild(el('tr', { className: t.passed ? 'pass' : 'fail' }, [
        el('td', { className: 'result', text: t.result }),
        el('td', { text: t.target }),
        el('td', { text: t.origin }),
        el('td', null, [el('code', { text: t.expression })]),
        el('td', { text: t.actual })
      ]));
    });
    table.appendChild(body);
  }

  renderMeta();
  renderSummary();
  renderCompareBars();
  renderMatrix();
  renderTargets();
  renderExperiments();
  renderCost();
  renderCostGrowth();
  renderSweeps();
  renderThresholds();
  document.body.setAttribute('data-rendered', 'true');
})();
