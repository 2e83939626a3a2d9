/* kensho: draws each chart of the page with ECharts from the option in the
 * JSON script beside it. Without JavaScript the table under each chart is
 * the content; this script only adds the picture. */
(function () {
  'use strict';
  if (!window.echarts) {
    return;
  }
  // Annual reports are printed: draw them at twice the resolution.
  var ratio = window.devicePixelRatio || 1;
  if (document.body.classList.contains('page-report')) {
    ratio = Math.max(ratio, 2);
  }
  // The tooltip says what the table under the chart says: where no number
  // is drawn for a cell, the option gives its text (X for a withheld
  // figure, … for none), which ECharts alone would show as "-"; a series
  // with nothing at a category (a stand-in for withheld parts elsewhere)
  // is left out.
  var esc = window.echarts.format.encodeHTML;
  var tooltip = function (params) {
    var list = Array.isArray(params) ? params : [params];
    var rows = [];
    for (var k = 0; k < list.length; k++) {
      var p = list[k];
      var d = p.data;
      var text;
      if (d !== null && typeof d === 'object' && typeof d.cellText === 'string') {
        text = d.cellText;
      } else {
        var v = d !== null && typeof d === 'object' ? d.value : d;
        if (typeof v !== 'number') {
          continue;
        }
        text = window.echarts.format.addCommas(v);
      }
      rows.push('<div style="display:flex;justify-content:space-between;gap:1.2em"><span>' + p.marker + esc(p.seriesName) +
        '</span><b>' + esc(text) + '</b></div>');
    }
    if (!rows.length) {
      return '';
    }
    return '<div>' + esc(list[0].axisValueLabel || list[0].name || '') + '</div>' + rows.join('');
  };
  var charts = [];
  var nodes = document.querySelectorAll('div.chart[data-option]');
  for (var i = 0; i < nodes.length; i++) {
    var el = nodes[i];
    var src = document.getElementById(el.getAttribute('data-option'));
    if (!src) {
      continue;
    }
    var option = JSON.parse(src.textContent);
    var tips = [].concat(option.tooltip || []);
    for (var t = 0; t < tips.length; t++) {
      tips[t].formatter = tooltip;
      tips[t].className = 'chart-tooltip';
    }
    el.hidden = false;
    el.style.height = (parseInt(el.getAttribute('data-height'), 10) || 340) + 'px';
    var chart = window.echarts.init(el, null, { renderer: 'canvas', devicePixelRatio: ratio });
    chart.setOption(option);
    charts.push(chart);
  }
  var resize = function () {
    for (var j = 0; j < charts.length; j++) {
      charts[j].resize();
    }
  };
  window.addEventListener('resize', resize);
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
})();
