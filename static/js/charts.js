/* Bar charts (Chart.js, served locally) from JSON data blocks. CSP-safe: the data sits in
 * <script type="application/json" id="..."> (never executed) and the canvas names it:
 *   <canvas data-chart="zone-chart-data" role="img" aria-label="..."></canvas>
 * Data: {"label": "Trials", "labels": [...], "values": [...], "tones": ["success", ...]}.
 * Each chart has a table beside it with the same numbers, for screen readers and when JS is off. */
(function () {
  "use strict";

  var TONES = { success: "#228738", info: "#256ef4", warning: "#c27a00", danger: "#d1242f", neutral: "#6d7882" };

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { return; }
    var colours = (data.tones || []).map(function (tone) { return TONES[tone] || TONES.info; });
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ label: data.label, data: data.values,
                                                backgroundColor: colours.length ? colours : TONES.info }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { autoSkip: false } } }
      }
    });
  }

  function start() {
    if (!window.Chart) { return; }
    var font = window.getComputedStyle(document.body).fontFamily;
    if (font) { window.Chart.defaults.font.family = font; }
    Array.prototype.forEach.call(document.querySelectorAll("canvas[data-chart]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
