// report.html's "Cost as traffic grows" chart and tables (plain browser JavaScript, inlined at
// render time just before html-client.js, which calls it with its DOM helpers). Like the rest of
// the client it formats nothing: every text comes ready-made in the view (html-view-cost.ts); it
// draws one log-log line per target, the break-even markers and the --traffic line with uPlot.
var coldbenchCostGrowth = (function () {
  'use strict';
  var el, headRow, legendText;
  var PALETTE = ['#1f5fbf', '#d9822b', '#2a9d57', '#7b3fb0', '#8c564b', '#17becf', '#6b6b6b', '#bcbd22', '#e377c2'];
  var CROSSING = '#e4002b';
  var TRAFFIC = '#00897b';
  /** Tick labels come ready-made, one per tick value. */
  function tickText(ticks, labels) {
    return function (u, splits) { return splits.map(function (s) { var i = ticks.indexOf(s); return i < 0 ? '' : labels[i]; }); };
  }
  function costChart(container, C) {
    var series = [{ label: 'requests a month', value: legendText(C.xLabels) }];
    var data = [C.xs];
    C.series.forEach(function (s, i) {
      series.push({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: false }, value: legendText(s.texts) });
      data.push(s.ys);
    });
    series.push({ label: 'break-even', stroke: CROSSING, width: 0, paths: function () { return null; }, points: { show: true, size: 12, width: 2, fill: CROSSING, stroke: CROSSING }, value: legendText(C.crossings.texts) });
    data.push(C.crossings.ys);
    new uPlot({
      title: 'Monthly cost by monthly requests',
      pxAlign: false,
      // Room for the cold-start table beside the chart when the page is wide enough.
      width: Math.max(320, Math.min(680, (container.parentNode.clientWidth || 1000) - 480)),
      height: 360,
      scales: {
        x: { time: false, distr: 3, log: 10, range: function () { return C.xRange; } },
        y: { distr: 3, log: 10, range: function () { return C.yRange; } }
      },
      axes: [
        { label: 'requests a month (log)', splits: function () { return C.xTicks; }, values: tickText(C.xTicks, C.xTickLabels) },
        { label: 'cost a month (log)', size: 90, splits: function () { return C.yTicks; }, values: tickText(C.yTicks, C.yTickLabels) }
      ],
      series: series,
      hooks: {
        draw: [function (u) {
          if (!C.traffic) return;
          var x = u.valToPos(C.traffic.x, 'x', true);
          var ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = TRAFFIC;
          ctx.fillStyle = TRAFFIC;
          ctx.lineWidth = 2;
          ctx.setLineDash([6, 4]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.font = '12px sans-serif';
          ctx.fillText(C.traffic.label, x + 6, u.bbox.top + 14);
          ctx.restore();
        }]
      }
    }, data, container);
  }
  return function renderCostGrowth(G, helpers) {
    el = helpers.el;
    headRow = helpers.headRow;
    legendText = helpers.legendText;
    document.getElementById('cost-growth-note').textContent = G.note;
    var box = document.getElementById('cost-growth-chart');
    if (G.chart) costChart(box, G.chart);
    else box.appendChild(el('p', { className: 'note', text: G.empty }));
    var list = document.getElementById('cost-growth-crossings');
    G.crossings.forEach(function (c) {
      list.appendChild(el('li', { className: c.requests === null ? 'no-crossing' : 'crossing', 'data-requests': c.requests, text: c.text }));
    });
    var unpriced = document.getElementById('cost-growth-unpriced');
    G.unpriced.forEach(function (text) { unpriced.appendChild(el('li', { text: text })); });
    if (G.bases.targets.length) {
      var details = el('details', { className: 'curve-bases' }, [el('summary', { text: G.bases.heading })]);
      G.bases.targets.forEach(function (t) {
        var lines = el('ul', { className: 'basis' });
        t.lines.forEach(function (text) { lines.appendChild(el('li', { text: text })); });
        details.appendChild(el('h4', { text: t.label }));
        details.appendChild(lines);
      });
      unpriced.parentNode.insertBefore(details, unpriced.nextSibling);
    }
    var aside = document.getElementById('cost-growth-cold');
    if (!G.coldStarts) return;
    aside.appendChild(el('h3', { text: G.coldStarts.heading }));
    var table = el('table', { className: 'data cold-start-price' });
    table.appendChild(headRow(G.coldStarts.columns));
    var body = el('tbody');
    G.coldStarts.rows.forEach(function (cells) {
      body.appendChild(el('tr', null, cells.map(function (text, c) { return el('td', { className: c > 0 ? 'num' : undefined, text: text }); })));
    });
    table.appendChild(body);
    aside.appendChild(el('div', { className: 'scroll' }, [table]));
    G.coldStarts.notes.forEach(function (text) { aside.appendChild(el('p', { className: 'note', text: text })); });
  };
})();
