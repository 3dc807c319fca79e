// Pipeline dashboard charts. Data comes from the JSON block #dashboard-data (CSP: no inline script);
// every chart has a table with the same figures next to it, so nothing is lost without JavaScript.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  function bar(id, labels, datasets, horizontal) {
    var canvas = document.getElementById(id);
    if (!canvas || !labels.length) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  ready(function () {
    var block = document.getElementById("dashboard-data");
    if (!block || !window.Chart) { return; }
    var data = JSON.parse(block.textContent);
    bar("chart-states", data.states.labels,
        [{ label: data.states.label, data: data.states.values, backgroundColor: "#256ef4" }], true);
    bar("chart-stages", data.stages.labels, [
      { label: data.stages.median_label, data: data.stages.median, backgroundColor: "#256ef4" },
      { label: data.stages.p90_label, data: data.stages.p90, backgroundColor: "#f0a500" }
    ], false);
    bar("chart-approvals", data.approvals.labels,
        [{ label: data.approvals.label, data: data.approvals.values, backgroundColor: "#228738" }], false);
  });
}());
