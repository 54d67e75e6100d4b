// Client side of report.html, first part: the at-a-glance comparison at the top of the page (the
// table, the warnings, the cold penalty chart). Plain browser JavaScript inlined before
// html-client.js, under the same rules: every text comes ready-made from the view, nothing is
// formatted here, and everything goes on the page through textContent or DOM properties.
(function () {
  'use strict';
  var G = JSON.parse(document.getElementById('data').textContent).view.glance;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function renderTable() {
    var table = document.getElementById('glance');
    if (!G.rows.length) {
      table.hidden = true;
      return;
    }
    var head = el('tr');
    G.columns.forEach(function (col) {
      var th = el('th', col.numeric ? 'num' : '', col.label);
      th.setAttribute('scope', 'col');
      head.appendChild(th);
    });
    var thead = el('thead');
    thead.appendChild(head);
    var tbody = el('tbody');
    G.rows.forEach(function (row) {
      var tr = el('tr', (row.failed ? 'failed' : '') + (row.warn ? ' warn' : ''));
      row.cells.forEach(function (text, c) {
        tr.appendChild(el(c === 0 ? 'th' : 'td', G.columns[c].numeric ? 'num' : '', text));
      });
      tr.firstChild.setAttribute('scope', 'row');
      tbody.appendChild(tr);
    });
    table.appendChild(thead);
    table.appendChild(tbody);
  }

  function renderWarnings() {
    var box = document.getElementById('glance-warnings');
    if (!G.warnings.length) {
      box.hidden = true;
      return;
    }
    var list = el('ul');
    G.warnings.forEach(function (text) { list.appendChild(el('li', null, text)); });
    box.appendChild(list);
  }

  function renderPenalty() {
    var box = document.getElementById('penalty-chart');
    var P = G.penalty;
    if (!P) {
      box.hidden = true;
      return;
    }
    box.appendChild(el('h3', null, P.heading));
    box.appendChild(el('p', 'note', P.note));
    var legend = el('p', 'legend');
    [['network', P.legend.network], ['rest', P.legend.rest]].forEach(function (item) {
      legend.appendChild(el('span', 'swatch ' + item[0]));
      legend.appendChild(el('span', 'legend-text', item[1]));
    });
    box.appendChild(legend);
    P.rows.forEach(function (row) {
      var line = el('div', 'bar-row penalty-row');
      line.title = row.title;
      line.appendChild(el('div', 'bar-label', row.label));
      var stack = el('div', 'bar-line');
      var network = el('div', 'bar segment network');
      network.style.width = row.networkWidth;
      var rest = el('div', 'bar segment rest');
      rest.style.width = row.restWidth;
      var track = el('div', 'penalty-track');
      track.appendChild(network);
      track.appendChild(rest);
      stack.appendChild(track);
      stack.appendChild(el('span', 'bar-value', row.text));
      line.appendChild(stack);
      box.appendChild(line);
    });
  }

  renderTable();
  renderWarnings();
  renderPenalty();
})();
