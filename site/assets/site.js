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
  var charts = [];
  var nodes = document.querySelectorAll('div.chart[data-option]');
  for (var i = 0; i < nodes.length; i++) {
    var el = nodes[i];
    var src = document.getElementById(el.getAttribute('data-option'));
    if (!src) {
      continue;
    }
    var option = JSON.parse(src.textContent);
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
