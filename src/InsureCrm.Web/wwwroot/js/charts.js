// Draws a bar chart into every <canvas data-chart="bar"> from the JSON in its data-chart-data attribute:
// {"labels": [...], "values": [...], "label": "..."}, or stacked bars with
// {"labels": [...], "datasets": [{"label": "...", "values": [...]}, ...]}. No inline script: the CSP allows only 'self'.
(function () {
  "use strict";
  var palette = ["#2c6fbb", "#e08e2b", "#3a9d5d", "#8e5bb5", "#c0392b", "#5d6d7e", "#17a2b8"];
  function draw(canvas) {
    if (canvas.dataset.chartDrawn === "1" || typeof window.Chart === "undefined") {
      return;
    }
    var data;
    try {
      data = JSON.parse(canvas.dataset.chartData || "{}");
    } catch (e) {
      return;
    }
    canvas.dataset.chartDrawn = "1";
    if (Array.isArray(data.datasets)) {
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels || [],
          datasets: data.datasets.map(function (d, i) {
            return { label: d.label || "", data: d.values || [], backgroundColor: palette[i % palette.length] };
          })
        },
        options: {
          animation: false,
          responsive: true,
          plugins: { legend: { display: true, position: "bottom" } },
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
        }
      });
      return;
    }
    var values = data.values || [];
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels || [],
        datasets: [{
          label: data.label || "",
          data: values,
          backgroundColor: values.map(function (v) { return v < 0 ? "#c0392b" : "#2c6fbb"; })
        }]
      },
      options: {
        animation: false,
        responsive: true,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true } }
      }
    });
  }
  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (e) { drawAll(e.target); });
})();
