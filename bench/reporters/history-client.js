// Client side of history.html (plain browser JavaScript, inlined at render time). It formats
// nothing: every text, number and colour comes ready-made from the JSON island's `view` (built
// by history-view.ts), and this script only places it on the page through textContent or DOM
// properties (never innerHTML, never inline event handlers) and draws the charts with uPlot.
// No network access.
(function () {
  'use strict';
  var V = JSON.parse(document.getElementById('data').textContent).view;

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
  function chartWidth(container) {
    return Math.max(320, Math.min(1150, (container.clientWidth || 1100) - 8));
  }
  /** Legend value of a point: the ready-made text at the cursor's data index. */
  function legendText(texts) {
    return function (u, v, seriesIndex, idx) { return v === null || v === undefined || idx === null || idx === undefined ? '' : texts[idx]; };
  }
  /** Runs on a time axis: a little room at both ends, so the first and last points are whole. */
  function xRange(u, lo, hi) {
    if (lo === null || hi === null) return [0, 1];
    if (lo === hi) return [lo - 3600, hi + 3600];
    return [lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.04];
  }

  function drawChart(container, s, chart) {
    var series = [{ label: 'run (UTC)', value: legendText(s.xTexts) }];
    var data = [s.xs];
    chart.lines.forEach(function (line) {
      var options = { label: line.label, stroke: line.colour, value: legendText(line.texts) };
      if (line.marker) {
        options.width = 0;
        options.paths = function () { return null; };
        options.points = { show: true, size: 14, width: 3, fill: line.colour, stroke: line.colour };
      } else {
        options.width = 2;
        options.spanGaps = true;
        options.dash = line.dashed ? [6, 4] : undefined;
        options.points = { show: true, size: 7, fill: line.colour, stroke: line.colour };
      }
      series.push(options);
      data.push(line.ys);
    });
    new uPlot({
      title: chart.title,
      width: chartWidth(container),
      height: chart.log ? 300 : 200,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); },
      scales: {
        x: { time: true, range: xRange },
        y: chart.log ? { distr: 3, log: 10 } : { range: function (u, lo, hi) { return [lo < 0 ? lo * 1.15 : 0, hi > 0 ? hi * 1.15 : 1]; } }
      },
      axes: [{}, { label: chart.yLabel, size: 70 }],
      series: series
    }, data, container);
  }

  function runsTable(table) {
    var head = el('tr', null, table.head.map(function (h, i) { return el('th', { scope: 'col', text: h, className: table.numeric[i] ? 'num' : null }); }));
    var body = el('tbody');
    table.rows.forEach(function (row) {
      body.appendChild(el('tr', { className: row.regression ? 'regression' : null, 'data-run': row.runId }, row.cells.map(function (text, i) {
        return el('td', { text: text, className: table.numeric[i] ? 'num' : i === row.cells.length - 1 ? 'step' : null });
      })));
    });
    return el('div', { className: 'scroll' }, [el('table', { className: 'data runs' }, [el('thead', null, [head]), body])]);
  }

  function renderSeries(s) {
    var article = el('article', { className: 'target series', 'data-origin': s.origin, 'data-target': s.target }, [
      el('h3', { text: s.heading }),
      el('p', { className: 'facts', text: s.facts })
    ]);
    document.getElementById('series').appendChild(article);
    s.charts.forEach(function (chart) {
      var box = el('div', { className: 'chart ' + chart.kind });
      article.appendChild(box);
      drawChart(box, s, chart);
    });
    article.appendChild(runsTable(s.table));
  }

  function renderTimeOfDay(t) {
    var body = el('tbody');
    t.rows.forEach(function (row) {
      var tr = el('tr', { className: row.byHour ? 'by-hour' : null }, [el('th', { scope: 'row', text: row.label })]);
      row.cells.forEach(function (cell) {
        var td = el('td', { className: cell.colour ? 'num slot' : 'num empty', text: cell.text, title: cell.title || null });
        if (cell.colour) td.style.backgroundColor = cell.colour;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var head = el('tr', null, t.head.map(function (h, i) { return el('th', { scope: 'col', className: i > 0 ? 'num' : null, text: h }); }));
    document.getElementById('time').appendChild(el('article', { className: 'target time-of-day', 'data-origin': t.origin, 'data-target': t.target }, [
      el('h3', { text: t.heading }),
      el('p', { className: 'facts', text: t.facts }),
      el('div', { className: 'scroll' }, [el('table', { className: 'data heatmap' }, [el('thead', null, [head]), body])])
    ]));
  }

  document.title = V.title;
  var verdict = document.getElementById('verdict');
  verdict.textContent = V.verdict.text;
  verdict.className = 'verdict ' + (V.verdict.bad ? 'bad' : 'good');
  var meta = document.getElementById('meta');
  V.meta.forEach(function (pair) { meta.appendChild(el('dt', { text: pair[0] })); meta.appendChild(el('dd', { text: pair[1] })); });
  document.getElementById('series-note').textContent = V.seriesNote;
  document.getElementById('footer').textContent = V.footer;
  V.series.forEach(renderSeries);
  if (V.timeNote !== null && V.timeOfDay.length > 0) {
    document.getElementById('time-section').hidden = false;
    document.getElementById('time-note').textContent = V.timeNote;
    V.timeOfDay.forEach(renderTimeOfDay);
  }
  document.body.setAttribute('data-rendered', 'true');
})();
