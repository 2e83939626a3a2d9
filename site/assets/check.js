// The check page: runs kensho's check (package reportfile compiled to
// WebAssembly, in kensho-check.js) on the files the reader chooses or
// drops. Nothing is sent anywhere: the file is read into the page, checked
// by the WebAssembly, and the result is drawn here. The page's
// Content-Security-Policy allows no connection at all.
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var root = $('check');
  if (!root) { return; }
  var T = JSON.parse($('check-text').textContent);
  var limit = parseInt(root.getAttribute('data-limit'), 10) || 0;
  var input = $('check-file'), drop = $('check-drop'), status = $('check-status'), bar = $('check-progress');
  var results = $('check-results'), findingsBox = $('check-findings'), filter = $('check-filter');
  var table = $('check-table'), tbody = table.tBodies[0];
  var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent; });
  var findings = []; // every listed error and warning: {file, kind, row, column, value, code, message, tr}
  var busy = false;

  function fill(key, vars) {
    return T[key].replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? String(vars[k]) : m; });
  }
  function say(text) { status.textContent = text; }
  function fmt(n) { return Number(n).toLocaleString(document.documentElement.lang === 'ja' ? 'ja-JP' : 'en-US'); }

  // Start the WebAssembly: it arrives gzip-compressed and base64-encoded
  // inside a script, which works from file:// where nothing can be fetched.
  function start() {
    if (!window.WebAssembly || !window.DecompressionStream || !window.Go || !self.kenshoCheckWasm) {
      say(T.unsupported);
      return;
    }
    say(T.preparing);
    var text = atob(self.kenshoCheckWasm);
    self.kenshoCheckWasm = null;
    var packed = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { packed[i] = text.charCodeAt(i); }
    var unpacked = new Blob([packed]).stream().pipeThrough(new DecompressionStream('gzip'));
    window.addEventListener('kensho-check-ready', function () {
      input.disabled = false;
      say(T.ready);
    });
    new Response(unpacked).arrayBuffer().then(function (wasm) {
      var go = new Go();
      return WebAssembly.instantiate(wasm, go.importObject).then(function (r) { go.run(r.instance); });
    }).catch(function (err) { say(T.failed + err); });
  }

  function checkFiles(files) {
    if (busy || !files || !files.length || !window.kenshoCheckReady) { return; }
    busy = true;
    input.disabled = true;
    var list = Array.prototype.slice.call(files);
    var done = 0;
    var next = function () {
      if (!list.length) {
        busy = false;
        input.disabled = false;
        input.value = '';
        bar.hidden = true;
        say(fill('done', { n: done }));
        return;
      }
      var file = list.shift();
      done++;
      checkOne(file).then(next, function (err) {
        showUnreadable(file.name, String(err && err.message || err));
        next();
      });
    };
    next();
  }

  function checkOne(file) {
    var started = performance.now();
    say(fill('reading', { file: file.name }));
    bar.hidden = false;
    bar.removeAttribute('value'); // indeterminate while the file is read and decoded
    return file.arrayBuffer().then(function (buf) {
      var bytes = new Uint8Array(buf);
      return window.kenshoCheck(file.name, bytes, limit, function (rows, fraction) {
        say(fill('checking', { file: file.name, rows: fmt(rows) }));
        if (fraction >= 0) { bar.value = fraction; } else { bar.removeAttribute('value'); }
      });
    }).then(function (json) {
      show(JSON.parse(json), performance.now() - started);
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function showUnreadable(name, detail) {
    var box = el('section', 'check-file check-rejected');
    box.appendChild(el('h3', '', name));
    box.appendChild(el('p', 'check-alert', fill('unreadable', { file: name, detail: detail })));
    results.appendChild(box);
  }

  // show draws one file's result: its summary and its findings; ms is how
  // long the check took (kept on the section for the benchmark).
  function show(c, ms) {
    var box = el('section', 'check-file check-' + c.status);
    box.setAttribute('data-ms', String(Math.round(ms)));
    box.setAttribute('data-file', c.path);
    box.setAttribute('data-status', c.status);
    box.appendChild(el('h3', '', c.path));
    box.appendChild(el('p', c.status === 'valid' ? 'check-ok' : 'check-alert', T['status_' + c.status]));
    if (c.status === 'rejected') {
      var e = c.error_list[0];
      box.appendChild(el('p', 'check-reason', document.documentElement.lang === 'ja' ? e.message_ja : e.message_en));
    } else {
      var dl = el('dl', 'check-summary');
      [['rows_read', c.rows_read], ['rows_valid', c.rows_valid], ['rows_errors', c.rows_with_errors],
        ['errors', c.errors], ['warnings', c.warnings]].forEach(function (kv) {
        var d = el('div');
        d.appendChild(el('dt', '', T[kv[0]]));
        var dd = el('dd', 'num', fmt(kv[1]));
        dd.setAttribute('data-count', kv[0]);
        d.appendChild(dd);
        dl.appendChild(d);
      });
      box.appendChild(dl);
      if (c.error_list.length < c.errors || c.warning_list.length < c.warnings) {
        box.appendChild(el('p', 'check-note', fill('truncated', { file: c.path, limit: fmt(c.limit), errors: fmt(c.errors), warnings: fmt(c.warnings) })));
      }
    }
    results.appendChild(box);
    c.error_list.forEach(function (e) { add(c.path, 'error', e); });
    c.warning_list.forEach(function (e) { add(c.path, 'warning', e); });
    updateFilter();
    findingsBox.hidden = findings.length === 0;
  }

  function add(file, kind, e) {
    var message = document.documentElement.lang === 'ja' ? e.message_ja : e.message_en;
    var f = { file: file, kind: kind, row: e.row, column: e.column, value: e.value, code: e.code, message: message };
    var tr = el('tr', 'check-' + kind);
    tr.setAttribute('data-code', e.code);
    tr.setAttribute('data-kind', kind);
    [file, T[kind], e.row > 0 ? String(e.row) : '—', e.column, e.value, e.code, message].forEach(function (v, i) {
      var td = el('td', i === 2 ? 'num' : '', v);
      if (i === 5) { td.className = 'code'; }
      td.setAttribute('data-label', headers[i]);
      tr.appendChild(td);
    });
    f.tr = tr;
    tbody.appendChild(tr);
    findings.push(f);
  }

  function updateFilter() {
    var counts = {};
    findings.forEach(function (f) { counts[f.code] = (counts[f.code] || 0) + 1; });
    var keep = filter.value;
    filter.textContent = '';
    var all = el('option', '', T.all + ' (' + fmt(findings.length) + ')');
    all.value = '';
    filter.appendChild(all);
    Object.keys(counts).sort().forEach(function (code) {
      var o = el('option', '', code + ' (' + fmt(counts[code]) + ')');
      o.value = code;
      filter.appendChild(o);
    });
    filter.value = keep in counts ? keep : '';
    applyFilter();
  }

  function applyFilter() {
    var code = filter.value;
    findings.forEach(function (f) { f.tr.hidden = code !== '' && f.code !== code; });
  }

  function csvCell(v) {
    v = String(v);
    return /[",\r\n]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  // download saves the rows the filter shows, as CSV UTF-8 with a BOM for Excel.
  function download() {
    var lines = [T.csv_header];
    findings.forEach(function (f) {
      if (f.tr.hidden) { return; }
      lines.push([f.file, T[f.kind], f.row, f.column, f.value, f.code, f.message].map(csvCell).join(','));
    });
    var blob = new Blob(['\ufeff' + lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' });
    var a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = T.csv_name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 0);
  }

  input.addEventListener('change', function () { checkFiles(input.files); });
  filter.addEventListener('change', applyFilter);
  $('check-download').addEventListener('click', download);
  ['dragenter', 'dragover'].forEach(function (t) {
    drop.addEventListener(t, function (ev) { ev.preventDefault(); drop.classList.add('check-over'); });
  });
  ['dragleave', 'drop'].forEach(function (t) {
    drop.addEventListener(t, function () { drop.classList.remove('check-over'); });
  });
  drop.addEventListener('drop', function (ev) {
    ev.preventDefault();
    checkFiles(ev.dataTransfer && ev.dataTransfer.files);
  });
  start();
})();
