// report.html's sweeps (plain browser JavaScript, inlined at render time before html-client.js,
// which calls it with its DOM helpers). It formats nothing: every text comes ready-made in the
// view (html-view-sweep.ts); per swept target it puts the table of variants on the page and draws
// latency (ms) and cost per 1M requests (second axis) against the variant with uPlot, the
// best-value variant marked.
var coldbenchSweeps = (function () {
  'use strict';
  var COLORS = { cold: '#1f5fbf', warm: '#d9822b', warm95: '#b3541e', cost: '#2a9d57', best: '#e4002b' };
  function sweepChart(container, C, legendText) {
    var series = [{ label: 'variant', value: legendText(C.labels) }];
    var data = [C.xs];
    C.latency.forEach(function (s) {
      series.push({ label: s.label, stroke: COLORS[s.key], width: 2, dash: s.key === 'warm95' ? [6, 4] : undefined, points: { show: true, size: 7 }, spanGaps: false, value: legendText(s.texts) });
      data.push(s.ys);
    });
    var axes = [
      { label: 'variant', splits: function () { return C.xs; }, values: function (u, splits) { return splits.map(function (x) { return C.labels[x] === undefined ? '' : C.labels[x]; }); } },
      { label: 'latency (ms)', size: 70 }
    ];
    if (C.cost) {
      series.push({ label: C.cost.label, scale: 'cost', stroke: COLORS.cost, width: 2, points: { show: true, size: 7 }, value: legendText(C.cost.texts) });
      data.push(C.cost.ys);
      axes.push({ scale: 'cost', side: 1, label: C.cost.label, size: 90, grid: { show: false }, values: function (u, splits) { return splits.map(function (v) { return String(+v.toPrecision(3)); }); } });
    }
    new uPlot({
      pxAlign: false,
      width: Math.max(320, Math.min(900, (container.clientWidth || 800) - 8)),
      height: 320,
      scales: { x: { time: false, range: function () { return [-0.5, C.xs.length - 0.5]; } }, y: { range: function (u, lo, hi) { return [0, Math.max(1, hi) * 1.1]; } }, cost: { range: function (u, lo, hi) { return [0, Math.max(hi, 1e-9) * 1.1]; } } },
      axes: axes,
      series: series,
      hooks: {
        draw: [function (u) {
          if (!C.best) return;
          var x = u.valToPos(C.best.x, 'x', true);
          var ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = COLORS.best;
          ctx.fillStyle = COLORS.best;
          ctx.lineWidth = 2;
          ctx.setLineDash([4, 4]);
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
          ctx.font = '12px sans-serif';
          ctx.fillText(C.best.label, Math.min(x + 6, u.bbox.left + u.bbox.width - 160), u.bbox.top + 14);
          ctx.restore();
        }]
      }
    }, data, container);
  }
  return function renderSweeps(sweeps, helpers) {
    var section = document.getElementById('sweep-section');
    if (!sweeps || !sweeps.length) return;
    section.hidden = false;
    var box = document.getElementById('sweeps');
    sweeps.forEach(function (S, i) {
      var table = helpers.el('table', { className: 'data sweep' });
      table.appendChild(helpers.headRow(S.columns));
      var body = helpers.el('tbody');
      S.rows.forEach(function (row) {
        var cls = row.failed ? 'fail' : row.best ? 'best' : undefined;
        body.appendChild(helpers.el('tr', { className: cls }, row.cells.map(function (text, c) { return helpers.el('td', { className: c > 0 && c < 5 ? 'num' : undefined, text: text }); })));
      });
      table.appendChild(body);
      var chart = helpers.el('div', { className: 'chart sweep-chart', id: 'sweep-chart-' + i });
      box.appendChild(helpers.el('article', { className: 'sweep' }, [
        helpers.el('h3', { text: S.heading }),
        helpers.el('p', { className: 'note', text: S.note }),
        helpers.el('div', { className: 'scroll' }, [table]),
        chart
      ]));
      if (S.chart) sweepChart(chart, S.chart, helpers.legendText);
    });
  };
})();
