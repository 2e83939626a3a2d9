/* kensho: the table explorer of the data page. The reader chooses a table,
 * filters it by any of its dimensions (fiscal year, form, cause, ...),
 * sorts it by a column, and downloads what is left as CSV. The table comes
 * from assets/tables/<table>.js, loaded with a script element (works from
 * file:// too), which holds the table's published CSV. The choices live in
 * the page's address (?table=...&fiscal_year=2023&form=full&sort=accidents
 * &order=desc#explorer), so a link opens the explorer as it was left.
 * Without JavaScript the explorer stays hidden and the page lists every
 * table with its CSV. */
(function () {
  'use strict';
  var root = document.getElementById('explorer');
  if (!root || !window.URLSearchParams) {
    return;
  }
  var lang = document.documentElement.lang === 'en' ? 'en' : 'ja';
  var pick = document.getElementById('explorer-table-select');
  var filtersEl = document.getElementById('explorer-filters');
  var status = document.getElementById('explorer-status');
  var result = document.getElementById('explorer-result');
  var caption = document.getElementById('explorer-cap');
  var say = function (key, rows, shown) {
    return (root.getAttribute('data-' + key) || '').replace('{rows}', fmt(rows)).replace('{shown}', fmt(shown));
  };
  var MAX_ROWS = 2000; // drawn at once; the CSV holds every row

  var tables = {}; // name -> parsed table
  var waiting = {}; // name -> callbacks
  window.kenshoExplore = function (t) {
    t.bom = t.csv.charAt(0) === '\ufeff' ? '\ufeff' : '';
    t.rows = parseCSV(t.csv.slice(t.bom.length));
    t.head = t.rows.shift() || [];
    t.col = {};
    for (var i = 0; i < t.head.length; i++) {
      t.col[t.head[i]] = i;
    }
    t.labels = {};
    for (var d = 0; d < t.dims.length; d++) {
      var m = {};
      for (var k = 0; k < t.dims[d].keys.length; k++) {
        m[t.dims[d].keys[k].key] = t.dims[d].keys[k].label[lang] || t.dims[d].keys[k].key;
      }
      t.labels[t.dims[d].name] = m;
    }
    tables[t.name] = t;
    var cbs = waiting[t.name] || [];
    delete waiting[t.name];
    for (var c = 0; c < cbs.length; c++) {
      cbs[c](t);
    }
  };
  function load(name, done) {
    if (tables[name]) {
      done(tables[name]);
      return;
    }
    if (waiting[name]) {
      waiting[name].push(done);
      return;
    }
    waiting[name] = [done];
    var s = document.createElement('script');
    s.src = root.getAttribute('data-root') + 'assets/tables/' + encodeURIComponent(name) + '.js';
    document.head.appendChild(s);
  }

  // RFC 4180: fields separated by commas, quoted with " when they hold a
  // comma, a quote or a line break.
  function parseCSV(text) {
    var rows = [], row = [], field = '', i = 0, q = false, n = text.length;
    while (i < n) {
      var ch = text[i];
      if (q) {
        if (ch === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          q = false; i++; continue;
        }
        field += ch; i++; continue;
      }
      if (ch === '"') { q = true; i++; continue; }
      if (ch === ',') { row.push(field); field = ''; i++; continue; }
      if (ch === '\r') { i++; continue; }
      if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
      var j = i + 1; // a run of plain characters at once
      while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r' && text[j] !== '"') {
        j++;
      }
      field += text.slice(i, j);
      i = j;
    }
    if (field !== '' || row.length) {
      row.push(field);
      rows.push(row);
    }
    return rows;
  }
  // csvField quotes a field as Go's encoding/csv does.
  function csvField(s) {
    return /[",\r\n]/.test(s) || /^\s/.test(s) || s === '\\.' ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  var nf = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'ja-JP');
  function fmt(n) { return nf.format(n); }
  function number(s) {
    if (s === '' || s === 'X') {
      return null;
    }
    var v = Number(s);
    return isNaN(v) ? null : v;
  }

  // state is what the address says. The address changes only once the
  // reader has chosen something, or came with choices.
  var state = { table: '', filters: {}, sort: '', order: 'asc' };
  var chosen = false;
  function readState() {
    var q = new URLSearchParams(window.location.search);
    state = { table: q.get('table') || '', filters: {}, sort: q.get('sort') || '', order: q.get('order') === 'desc' ? 'desc' : 'asc' };
    q.forEach(function (v, k) {
      if (k !== 'table' && k !== 'sort' && k !== 'order') {
        state.filters[k] = v;
      }
    });
  }
  function writeState(t) {
    if (!chosen) {
      return;
    }
    var q = new URLSearchParams();
    q.set('table', t.name);
    for (var d = 0; d < t.dims.length; d++) {
      var v = state.filters[t.dims[d].name];
      if (v !== undefined && v !== '') {
        q.set(t.dims[d].name, v);
      }
    }
    if (state.sort) {
      q.set('sort', state.sort);
      q.set('order', state.order);
    }
    var url = window.location.pathname + '?' + q.toString() + '#explorer';
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.replaceState(null, '', url);
      document.dispatchEvent(new CustomEvent('kensho:state'));
    }
  }

  function show(name) {
    status.textContent = root.getAttribute('data-loading');
    load(name, function (t) {
      if (pick.value !== t.name) {
        return; // the reader chose another table meanwhile
      }
      // A filter the table cannot have, or a value it lacks, is dropped.
      var kept = {};
      for (var d = 0; d < t.dims.length; d++) {
        var v = state.filters[t.dims[d].name];
        if (v !== undefined && t.labels[t.dims[d].name][v] !== undefined) {
          kept[t.dims[d].name] = v;
        }
      }
      state.filters = kept;
      if (state.sort && t.col[state.sort] === undefined) {
        state.sort = '';
      }
      drawFilters(t);
      draw(t);
    });
  }

  function drawFilters(t) {
    filtersEl.textContent = '';
    for (var d = 0; d < t.dims.length; d++) {
      var dim = t.dims[d];
      var label = document.createElement('label');
      var id = 'explorer-f-' + dim.name;
      label.setAttribute('for', id);
      label.textContent = dim.title[lang] || dim.name;
      var sel = document.createElement('select');
      sel.id = id;
      sel.name = dim.name;
      var all = document.createElement('option');
      all.value = '';
      all.textContent = root.getAttribute('data-all');
      sel.appendChild(all);
      for (var k = 0; k < dim.keys.length; k++) {
        var o = document.createElement('option');
        o.value = dim.keys[k].key;
        o.textContent = dim.keys[k].label[lang] || dim.keys[k].key;
        sel.appendChild(o);
      }
      sel.value = state.filters[dim.name] || '';
      sel.addEventListener('change', function (e) {
        state.filters[e.target.name] = e.target.value;
        draw(t);
      });
      var wrap = document.createElement('span');
      wrap.appendChild(label);
      wrap.appendChild(sel);
      filtersEl.appendChild(wrap);
    }
  }

  // rowsOf returns the rows that pass the filters, sorted.
  function rowsOf(t) {
    var checks = [];
    for (var name in state.filters) {
      if (state.filters[name] !== '') {
        checks.push([t.col[name], state.filters[name]]);
      }
    }
    var out = [];
    for (var r = 0; r < t.rows.length; r++) {
      var row = t.rows[r], ok = true;
      for (var c = 0; c < checks.length && ok; c++) {
        ok = row[checks[c][0]] === checks[c][1];
      }
      if (ok) {
        out.push(row);
      }
    }
    if (state.sort) {
      var i = t.col[state.sort], dir = state.order === 'desc' ? -1 : 1;
      var isDim = t.labels[state.sort] !== undefined;
      var rank = {};
      if (isDim) { // a dimension sorts in its own order (code lists, years), not alphabetically
        var keys = t.dims.filter(function (d) { return d.name === state.sort; })[0].keys;
        for (var k = 0; k < keys.length; k++) {
          rank[keys[k].key] = k;
        }
      }
      var indexed = out.map(function (row, pos) { return [row, pos]; });
      indexed.sort(function (a, b) {
        var x, y;
        if (isDim) {
          x = rank[a[0][i]]; y = rank[b[0][i]];
        } else {
          x = number(a[0][i]); y = number(b[0][i]);
          if (x === null || y === null) { // withheld and empty cells last, either way
            return x === y ? a[1] - b[1] : (x === null ? 1 : -1);
          }
        }
        return x === y ? a[1] - b[1] : (x < y ? -dir : dir);
      });
      out = indexed.map(function (p) { return p[0]; });
    }
    return out;
  }

  function draw(t) {
    writeState(t);
    var rows = rowsOf(t);
    caption.textContent = t.title[lang] || t.name;
    var thead = result.tHead, tbody = result.tBodies[0];
    thead.textContent = '';
    tbody.textContent = '';
    var tr = document.createElement('tr');
    var cols = [];
    for (var d = 0; d < t.dims.length; d++) {
      cols.push({ name: t.dims[d].name, title: t.dims[d].title[lang], dim: true });
    }
    for (var m = 0; m < t.measures.length; m++) {
      cols.push({ name: t.measures[m].name, title: t.measures[m].title[lang], dim: false, decimals: t.measures[m].decimals });
    }
    for (var c = 0; c < cols.length; c++) {
      var th = document.createElement('th');
      th.scope = 'col';
      if (!cols[c].dim) {
        th.className = 'num';
      }
      if (state.sort === cols[c].name) {
        th.setAttribute('aria-sort', state.order === 'desc' ? 'descending' : 'ascending');
      }
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = cols[c].title || cols[c].name;
      b.setAttribute('data-col', cols[c].name);
      b.addEventListener('click', function (e) {
        var col = e.currentTarget.getAttribute('data-col');
        if (state.sort === col) {
          state.order = state.order === 'asc' ? 'desc' : 'asc';
        } else {
          state.sort = col;
          state.order = 'asc';
        }
        draw(t);
      });
      th.appendChild(b);
      tr.appendChild(th);
    }
    thead.appendChild(tr);
    var html = [];
    var n = Math.min(rows.length, MAX_ROWS);
    for (var r = 0; r < n; r++) {
      var cells = [];
      for (var k = 0; k < cols.length; k++) {
        var v = rows[r][t.col[cols[k].name]];
        if (cols[k].dim) {
          var l = t.labels[cols[k].name][v];
          cells.push((k === 0 ? '<th scope="row">' : '<td>') + esc(l === undefined ? v : l) + (k === 0 ? '</th>' : '</td>'));
        } else if (v === 'X') {
          cells.push('<td class="num x">X</td>');
        } else if (v === '') {
          cells.push('<td class="num na">…</td>');
        } else {
          var x = Number(v);
          cells.push('<td class="num' + (x === 0 ? ' zero' : '') + '">' + (x === 0 ? '-' : esc(fixed(x, cols[k].decimals))) +
            (revised(t, rows[r], cols[k].name) ? revisedMark : '') + '</td>');
        }
      }
      html.push('<tr>' + cells.join('') + '</tr>');
    }
    tbody.innerHTML = html.join('');
    status.textContent = rows.length === 0 ? root.getAttribute('data-empty') :
      rows.length > n ? say('shown', rows.length, n) : say('rows', rows.length, n);
    current = { table: t, rows: rows };
  }

  // revised reports whether the figure of a measure in a row is marked r
  // (revised since the previous release) in its column <measure>_mark,
  // which holds the marks separated by spaces ("p r"). The mark follows
  // the figure as in the site's tables.
  var revisedWord = esc(root.getAttribute('data-revised') || 'r');
  var revisedMark = '<sup class="mark" title="' + revisedWord + '"><span aria-hidden="true">r</span><span class="visually-hidden">' + revisedWord + '</span></sup>';
  function revised(t, row, measure) {
    var i = t.col[measure + '_mark'];
    return i !== undefined && (' ' + row[i] + ' ').indexOf(' r ') >= 0;
  }

  // fixed formats a figure as the site's tables do; one formatter per
  // number of decimals (making one per cell would take most of the time).
  var formats = {};
  function fixed(x, decimals) {
    var d = decimals || 0;
    if (!formats[d]) {
      formats[d] = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'ja-JP', { minimumFractionDigits: d, maximumFractionDigits: d });
    }
    return formats[d].format(x);
  }
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  // The download: the published CSV's header and the rows left, in the
  // order shown, as the file under data/tables/ has them.
  var current = null;
  function download() {
    if (!current) {
      return;
    }
    var t = current.table;
    var lines = [t.head.map(csvField).join(',')];
    for (var r = 0; r < current.rows.length; r++) {
      lines.push(current.rows[r].map(csvField).join(','));
    }
    var name = t.name;
    for (var d = 0; d < t.dims.length; d++) {
      var v = state.filters[t.dims[d].name];
      if (v) {
        name += '_' + t.dims[d].name + '-' + v.replace(/[^A-Za-z0-9_.+-]/g, '_');
      }
    }
    var url = URL.createObjectURL(new Blob([t.bom + lines.join('\n') + '\n'], { type: 'text/csv' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = name + '.csv';
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  readState();
  chosen = state.table !== '';
  var known = false;
  for (var o = 0; o < pick.options.length; o++) {
    known = known || pick.options[o].value === state.table;
  }
  if (known) {
    pick.value = state.table;
  }
  root.addEventListener('change', function () { chosen = true; }, true);
  root.addEventListener('click', function (e) { chosen = chosen || e.target.tagName === 'BUTTON'; }, true);
  pick.addEventListener('change', function () {
    state.filters = {};
    state.sort = '';
    show(pick.value);
  });
  document.getElementById('explorer-csv').addEventListener('click', download);
  document.getElementById('explorer-reset').addEventListener('click', function () {
    state.filters = {};
    state.sort = '';
    show(pick.value);
  });
  root.hidden = false;
  show(pick.value);
  if (window.location.hash === '#explorer' && known) {
    root.scrollIntoView();
  }
})();
