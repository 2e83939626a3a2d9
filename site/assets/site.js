/* kensho: draws each chart of the page with ECharts from the option in the
 * JSON script beside it. Without JavaScript the table under each chart is
 * the content; this script only adds the picture and its legend. */
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

  // A series break is a line between two categories; ECharts draws a
  // category line through the middle of one, so the line is placed here,
  // in pixels, halfway between the categories the option names.
  var placeBreaks = function (c) {
    var s = c.option.series && c.option.series[0];
    var ml = s && s.markLine;
    if (!ml || !ml.data) {
      return;
    }
    var grid = c.chart.getModel().getComponent('grid', 0);
    var rect = grid && grid.coordinateSystem && grid.coordinateSystem.getRect();
    if (!rect) {
      return;
    }
    var data = [];
    for (var i = 0; i < ml.data.length; i++) {
      var item = ml.data[i];
      if (!item.between) {
        data.push(item);
        continue;
      }
      var a = c.chart.convertToPixel({ xAxisIndex: 0 }, item.between[0]);
      var b = c.chart.convertToPixel({ xAxisIndex: 0 }, item.between[1]);
      if (typeof a !== 'number' || typeof b !== 'number') {
        data.push(item);
        continue;
      }
      var x = Math.round((a + b) / 2) + 0.5;
      // From the axis up: the label sits at the top end, clear of the axis labels.
      data.push([{ name: item.name, x: x, y: rect.y + rect.height }, { x: x, y: rect.y }]);
    }
    c.chart.setOption({ series: [{ markLine: { data: data } }] });
  };

  // Category labels of a horizontal chart wrap at a width that leaves the
  // bars room on a phone.
  var labelWidth = function (c) {
    if (!c.el.classList.contains('chart-horizontal')) {
      return;
    }
    var w = Math.max(90, Math.min(printing ? 260 : 180, Math.round(c.el.clientWidth * 0.4)));
    c.chart.setOption({ yAxis: [{ axisLabel: { width: w } }] });
  };

  var charts = [];
  var printing = false;
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
    var legend = el.parentNode.querySelector('.chart-legend');
    if (legend) {
      legend.hidden = false;
    }
    el.style.height = (parseInt(el.getAttribute('data-height'), 10) || 340) + 'px';
    var c = { el: el, option: option, chart: window.echarts.init(el, null, { renderer: 'canvas', devicePixelRatio: ratio }) };
    c.chart.setOption(option);
    labelWidth(c);
    placeBreaks(c);
    charts.push(c);
  }
  var resize = function () {
    for (var j = 0; j < charts.length; j++) {
      charts[j].chart.resize();
      labelWidth(charts[j]);
      placeBreaks(charts[j]);
    }
  };
  // On paper a chart is drawn a little wider than an A4 page's text
  // (184 mm, 695 px) and scaled to it, so that its 12 px text prints at 8 pt,
  // below the headings, whatever the width of the window it was printed
  // from; its category labels get more room to wrap less.
  var beforePrint = function () {
    if (printing) {
      return;
    }
    printing = true;
    for (var j = 0; j < charts.length; j++) {
      var h = parseInt(charts[j].el.getAttribute('data-height'), 10) || 340;
      charts[j].el.style.width = '780px';
      charts[j].el.style.height = Math.round(charts[j].el.classList.contains('chart-horizontal') ? Math.max(150, h * 0.75) : 240) + 'px';
    }
    resize();
  };
  var afterPrint = function () {
    if (!printing) {
      return;
    }
    printing = false;
    for (var j = 0; j < charts.length; j++) {
      charts[j].el.style.width = '';
      charts[j].el.style.height = (parseInt(charts[j].el.getAttribute('data-height'), 10) || 340) + 'px';
    }
    resize();
  };
  window.addEventListener('resize', function () {
    if (!printing) {
      resize();
    }
  });
  window.addEventListener('beforeprint', beforePrint);
  window.addEventListener('afterprint', afterPrint);
  if (window.matchMedia) {
    var mq = window.matchMedia('print');
    var onChange = function (e) {
      if (e.matches) {
        beforePrint();
      } else {
        afterPrint();
      }
    };
    if (mq.addEventListener) {
      mq.addEventListener('change', onChange);
    } else if (mq.addListener) {
      mq.addListener(onChange);
    }
  }
})();
