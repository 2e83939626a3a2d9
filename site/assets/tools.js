/* kensho: the reader's tools, on every page. Without JavaScript the pages
 * lose none of their content; this script adds
 *  - the chart downloads (PNG and SVG) beside each chart's CSV,
 *  - a link from each table to the table explorer with its state,
 *  - the language switch keeping the state in the address (the explorer's
 *    choices, the chart or table the address points at),
 *  - the chart colours of the page (tools.css, dark.css), following the
 *    system's light or dark setting as it changes. */
(function () {
  'use strict';
  var words = {};
  var src = document.getElementById('kensho-words');
  if (src) {
    try { words = JSON.parse(src.textContent); } catch (e) { words = {}; }
  }
  var word = function (k) { return words[k] || k; };
  // On an annual report, its fiscal year.
  var report = /\/report\/(\d{4})\/(index\.html)?$/.exec(window.location.pathname);

  // The language switch carries the address's query and fragment, so the
  // other language opens at the same place with the same choices.
  var sw = document.getElementById('lang-switch');
  var plain = sw ? sw.getAttribute('href').split(/[?#]/)[0] : '';
  var keepState = function () {
    if (sw) {
      sw.setAttribute('href', plain + window.location.search + window.location.hash);
    }
  };
  keepState();
  window.addEventListener('hashchange', keepState);
  document.addEventListener('kensho:state', keepState);

  // Charts, on a page that has them.
  if (window.echarts) {
    var charts = [];
    var nodes = document.querySelectorAll('div.chart[data-option]');
    for (var n = 0; n < nodes.length; n++) {
      var chart = window.echarts.getInstanceByDom(nodes[n]);
      if (chart) {
        charts.push({ el: nodes[n], chart: chart, palette: paletteOf(nodes[n]) });
      }
    }

    // The light palette is the chart's own (chart.go); dark.css gives the
    // dark one as --chart-1, --chart-2, ...
    function paletteOf(el) {
      var opt = document.getElementById(el.getAttribute('data-option'));
      try { return JSON.parse(opt.textContent).color || null; } catch (e) { return null; }
    }

    function cssVar(css, name) { return css.getPropertyValue(name).trim(); }

    // look is what the page's colours change in a chart's option.
    function look(c) {
      var css = window.getComputedStyle(document.documentElement);
      var palette = [];
      for (var k = 1; cssVar(css, '--chart-' + k); k++) {
        palette.push(cssVar(css, '--chart-' + k));
      }
      var text = cssVar(css, '--chart-text'), axis = cssVar(css, '--chart-axis'), grid = cssVar(css, '--chart-grid');
      var mark = cssVar(css, '--chart-mark');
      var ax = { axisLabel: { color: axis }, axisLine: { lineStyle: { color: axis } }, axisTick: { lineStyle: { color: axis } },
        splitLine: { lineStyle: { color: grid } }, nameTextStyle: { color: axis } };
      var o = {
        color: palette.length ? palette : c.palette,
        backgroundColor: 'transparent',
        textStyle: { color: text },
        legend: [{ textStyle: { color: text }, pageTextStyle: { color: text }, pageIconColor: text, pageIconInactiveColor: axis }],
        tooltip: [{ backgroundColor: cssVar(css, '--chart-tip-bg'), borderColor: cssVar(css, '--chart-tip-line'), textStyle: { color: text } }],
        xAxis: [ax], yAxis: [ax]
      };
      var opt = c.chart.getOption();
      if (opt.series && opt.series.length && (opt.series[0].markLine || opt.series[0].markArea)) {
        o.series = [{
          markLine: { lineStyle: { color: mark }, label: { color: mark } },
          markArea: { itemStyle: { color: cssVar(css, '--chart-band') }, label: { color: mark } }
        }];
      }
      return o;
    }

    function paint() {
      for (var j = 0; j < charts.length; j++) {
        charts[j].chart.setOption(look(charts[j]));
      }
    }
    // site.js draws the light look; a dark page repaints its charts once
    // at load, and every page repaints them when the setting changes.
    var mq = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
    if (mq && mq.matches) {
      paint();
    }
    if (mq) {
      var repaint = function () { window.setTimeout(paint, 0); }; // after the stylesheet has switched
      if (mq.addEventListener) {
        mq.addEventListener('change', repaint);
      } else if (mq.addListener) {
        mq.addListener(repaint);
      }
    }

    // Downloads: the chart as drawn, on the page's background.
    function fileName(c, ext) {
      var csv = c.el.parentNode.querySelector('p.csv-links a[href$=".csv"]');
      var base = csv ? csv.getAttribute('href').replace(/^.*\//, '').replace(/\.csv$/, '') : c.el.id;
      return base + (report ? '-' + report[1] : '') + '.' + ext;
    }
    function background() {
      return cssVar(window.getComputedStyle(document.documentElement), '--chart-bg') || '#fff';
    }
    function save(blob, name) {
      var url = URL.createObjectURL(blob);
      var a = document.createElement('a');
      a.href = url;
      a.download = name;
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }
    function savePNG(c) {
      var data = c.chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: background() });
      var bin = window.atob(data.slice(data.indexOf(',') + 1));
      var bytes = new Uint8Array(bin.length);
      for (var b = 0; b < bin.length; b++) {
        bytes[b] = bin.charCodeAt(b);
      }
      save(new Blob([bytes], { type: 'image/png' }), fileName(c, 'png'));
    }
    function saveSVG(c) {
      // The page draws on a canvas; an SVG is drawn anew by ECharts' SVG
      // renderer from the same option, at the same size.
      var svg = window.echarts.init(null, null, { renderer: 'svg', ssr: true, width: c.chart.getWidth(), height: c.chart.getHeight() });
      var opt = c.chart.getOption();
      opt.animation = false;
      opt.backgroundColor = background();
      svg.setOption(opt);
      var text = svg.renderToSVGString();
      svg.dispose();
      save(new Blob([text], { type: 'image/svg+xml' }), fileName(c, 'svg'));
    }
    for (var m = 0; m < charts.length; m++) {
      (function (c) {
        var where = c.el.parentNode.querySelector('p.csv-links');
        if (!where) {
          return;
        }
        var add = function (label, fn) {
          var btn = document.createElement('button');
          btn.type = 'button';
          btn.className = 'chart-save';
          btn.textContent = label;
          btn.addEventListener('click', function () { fn(c); });
          where.appendChild(document.createTextNode(' '));
          where.appendChild(sep());
          where.appendChild(document.createTextNode(' '));
          where.appendChild(btn);
        };
        add(word('png'), savePNG);
        add(word('svg'), saveSVG);
      })(charts[m]);
    }
  }

  // Where the explorer is: the data page of this language.
  var dataPage = '';
  var links = document.querySelectorAll('a[href]');
  for (var i = 0; i < links.length && !dataPage; i++) {
    var h = links[i].getAttribute('href');
    if (/(^|\/)downloads\/index\.html$/.test(h)) {
      dataPage = h;
    }
  }
  // Each table: a link to it in the explorer, with the annual report's year.
  var sections = document.querySelectorAll('section.table-section[id]');
  for (var s = 0; s < sections.length && dataPage; s++) {
    var sec = sections[s];
    var where = sec.querySelectorAll('p.csv-links');
    if (!where.length) {
      continue;
    }
    var a = document.createElement('a');
    a.className = 'explore-link';
    a.href = dataPage + '?table=' + encodeURIComponent(sec.id) + (report ? '&fiscal_year=' + report[1] : '') + '#explorer';
    a.textContent = word('explore');
    var p = where[where.length - 1];
    p.appendChild(document.createTextNode(' '));
    p.appendChild(sep());
    p.appendChild(document.createTextNode(' '));
    p.appendChild(a);
  }

  function sep() {
    var d = document.createElement('span');
    d.setAttribute('aria-hidden', 'true');
    d.textContent = '·';
    return d;
  }
})();
