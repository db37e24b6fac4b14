// stint dashboard: draws the charts (vendored uPlot) from JSON embedded in the page, and
// keeps the current-session card live. No other dependencies; works offline.
(function () {
  "use strict";

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function palette(i) {
    return css("--chart-" + ((i % 8) + 1)) || "#2563eb";
  }

  function readData(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function axis(extra) {
    var base = { stroke: css("--muted"), grid: { stroke: css("--line"), width: 1 },
                 ticks: { stroke: css("--line"), width: 1 } };
    return Object.assign(base, extra || {});
  }

  // uPlot's axis draws a label ticks.size (10) + gap (5) px from the plot; a little more
  // keeps its first letter off the canvas edge.
  var LABEL_PAD = 10 + 5 + 8;
  var MIN_SPAN = 60;  // seconds: the narrowest time axis (a session of zero length)
  var measurer = null;

  function measure(text, font) {
    measurer = measurer || document.createElement("canvas").getContext("2d");
    measurer.font = font;
    return measurer.measureText(text).width;
  }

  function fit(text, font, room) {
    if (measure(text, font) <= room) { return text; }
    var cut = text;
    while (cut.length > 1 && measure(cut + "…", font) > room) { cut = cut.slice(0, -1); }
    return cut + "…";
  }

  // The x range of a timeline: at least MIN_SPAN wide around the data (uPlot would widen
  // an empty span to years), padded so the first and last points (session_started,
  // session_ended) are drawn whole instead of half outside the plot.
  function timeRange(u, min, max) {
    if (min == null || max == null || !isFinite(min) || !isFinite(max)) {
      var now = Date.now() / 1000; min = now; max = now;
    }
    var xs = u.data && u.data[0];
    // All points at one moment: uPlot offers max = min + 1000 days; start from the data.
    if (xs && xs.length && xs[0] === xs[xs.length - 1] && min === xs[0]) { max = min; }
    if (max - min < MIN_SPAN) {
      var mid = (min + max) / 2; min = mid - MIN_SPAN / 2; max = mid + MIN_SPAN / 2;
    }
    var pad = (max - min) * 0.03;
    return [min - pad, max + pad];
  }

  function options(kind, data, width) {
    var opts = { width: width, height: kind === "timeline" ? 260 : 200,
                 cursor: { drag: { x: true, y: false } }, series: [{}], axes: [axis()],
                 scales: { x: { time: true } } };
    if (kind === "timeline") {
      opts.scales.x.range = timeRange;
      opts.axes[0] = axis({ space: 70 });  // room for "11:05am" between ticks
      opts.scales.y = { range: [0, data.rows.length + 1] };
      // The row labels' axis is as wide as the longest label (measured in the font it is
      // drawn in), so none is cut at the canvas edge; past 40% of the chart a label is
      // shortened with an ellipsis instead (the legend below keeps the full name).
      var font = "12px " + (getComputedStyle(document.body).fontFamily || "sans-serif");
      var room = Math.floor(width * 0.4) - LABEL_PAD;
      var labels = data.rows.map(function (row) { return fit(row, font, room); });
      var widest = labels.reduce(function (w, l) { return Math.max(w, measure(l, font)); }, 0);
      opts.axes.push(axis({ font: font, size: Math.ceil(widest) + LABEL_PAD,
                            splits: function () { return data.rows.map(function (_, i) { return i + 1; }); },
                            values: function (u, splits) { return splits.map(function (v) { return labels[v - 1] || ""; }); } }));
    } else if (kind === "cost-tokens") {
      opts.scales.usd = {}; opts.scales.tokens = {};
      opts.axes.push(axis({ scale: "usd", values: function (u, v) { return v.map(function (x) { return "$" + x; }); } }));
      opts.axes.push(axis({ scale: "tokens", side: 1, grid: { show: false } }));
    } else {
      opts.axes.push(axis());
    }
    data.series.forEach(function (s, i) {
      var color = palette(i);
      var spec = { label: s.label, stroke: color, width: 2 };
      if (s.scale) { spec.scale = s.scale; }
      if (s.bars && uPlot.paths && uPlot.paths.bars) {
        spec.paths = uPlot.paths.bars({ size: [0.7, 40] });
        spec.fill = color; spec.points = { show: false };
      }
      if (s.points) {
        spec.paths = function () { return null; };
        spec.points = { show: true, size: 7, fill: color, stroke: color };
        spec.width = 0;
      }
      opts.series.push(spec);
    });
    return opts;
  }

  function drawAll() {
    if (typeof uPlot === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      var data = readData(kind);
      el.textContent = "";
      if (!data || !data.x || data.x.length === 0) {
        var p = document.createElement("p");
        p.className = "empty"; p.textContent = "Nothing recorded yet.";
        el.appendChild(p);
        return;
      }
      var columns = [data.x].concat(data.series.map(function (s) { return s.values; }));
      var width = Math.max(260, el.clientWidth || 600);
      var plot = new uPlot(options(kind, data, width), columns, el);
      el._plot = plot;
    });
  }

  function resize() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el._plot) { el._plot.setSize({ width: Math.max(260, el.clientWidth), height: el._plot.height }); }
    });
  }

  function keepLive() {
    var box = document.querySelector("[data-refresh]");
    if (!box || !window.fetch) { return; }
    var every = parseInt(box.getAttribute("data-every"), 10) || 5000;
    window.setInterval(function () {
      if (document.hidden) { return; }
      fetch(box.getAttribute("data-refresh"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html !== null) { box.innerHTML = html; } })
        .catch(function () { /* the server may be restarting; try again next tick */ });
    }, every);
  }

  var timer = null;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(resize, 150); });
  if (window.matchMedia) {
    var scheme = window.matchMedia("(prefers-color-scheme: dark)");
    if (scheme.addEventListener) { scheme.addEventListener("change", drawAll); }
  }
  document.addEventListener("DOMContentLoaded", function () { drawAll(); keepLive(); });
})();
