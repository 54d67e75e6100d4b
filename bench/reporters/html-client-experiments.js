// report.html's "Experiments" (plain browser JavaScript, inlined at render time before
// html-client.js, which calls it with its DOM helpers): per target and experiment a uPlot chart
// (burst: latency and instances by burst size; keepalive: cold share by idle gap with its 95%
// interval; stages: scheduled and sent rate and cold starts by stage) and its table. Like the rest
// of the client it formats nothing: every text comes ready-made from html-view-experiments.ts.
var coldbenchExperiments = (function () {
  'use strict';
  var PALETTE = ['#1f5fbf', '#d9822b', '#b3261e', '#2a9d57', '#7b3fb0'];
  function chart(container, C, helpers) {
    var series = [{ label: C.xLabel, value: helpers.legendText(C.xTexts) }];
    var data = [C.xs];
    C.series.forEach(function (s, i) {
      series.push({
        label: s.label,
        scale: s.axis,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        dash: s.dash ? [6, 4] : undefined,
        points: { show: !!s.points, size: 7 },
        value: helpers.legendText(s.texts)
      });
      data.push(s.ys);
    });
    var axes = [{ label: C.xLabel, values: function (u, splits) { return splits.map(function (v) { return C.xs.indexOf(v) < 0 ? '' : String(v); }); }, splits: function () { return C.xs; } }, { label: C.yLabel, scale: 'y', size: 60 }];
    if (C.y2Label) axes.push({ label: C.y2Label, scale: 'y2', side: 1, grid: { show: false }, size: 60 });
    var scales = { x: { time: false }, y: C.yRange ? { range: function () { return C.yRange; } } : { range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; } }, y2: { range: function (u, min, max) { return [0, Math.max(1, max * 1.2)]; } } };
    new uPlot({ title: C.title, width: Math.max(320, Math.min(900, (container.clientWidth || 800) - 8)), height: 300, scales: scales, axes: axes, series: series }, data, container);
  }
  return function renderExperiments(X, helpers) {
    var section = document.getElementById('experiments-section');
    if (!X.blocks.length) return;
    section.hidden = false;
    var box = document.getElementById('experiments');
    X.blocks.forEach(function (b) {
      var holder = helpers.el('div', { className: 'chart experiment-chart', 'data-experiment': b.kind });
      var table = helpers.el('table', { className: 'data experiment-table' });
      table.appendChild(helpers.headRow(b.table.columns));
      var body = helpers.el('tbody');
      b.table.rows.forEach(function (cells) {
        body.appendChild(helpers.el('tr', null, cells.map(function (text, c) { return helpers.el('td', { className: c > 0 ? 'num' : undefined, text: text }); })));
      });
      table.appendChild(body);
      var article = helpers.el('article', { className: 'experiment', 'data-kind': b.kind }, [
        helpers.el('h3', { text: b.label + ': ' + b.kind }),
        helpers.el('p', { className: 'note', text: b.note }),
        holder,
        helpers.el('div', { className: 'scroll' }, [table])
      ]);
      box.appendChild(article);
      chart(holder, b.chart, helpers);
    });
  };
})();
