/* The dashboard's charts, drawn with the vendored Chart.js (static/vendor/chartjs/).
   The figures come from the page's <script type="application/json" id="dashboard-data">
   block (CSP allows no inline script); the tables under the charts hold the same numbers,
   so the page reads the same without script. */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  var page = JSON.parse(source.textContent);
  var charts = page.charts;
  var series = page.series;
  if (!charts) {
    return;
  }

  var BLUE = "#1d4ed8";
  var AMBER = "#d97706";
  var GREY = "#cbd5e1";

  function draw(name, config) {
    var holder = document.querySelector('.chart[data-chart="' + name + '"]');
    if (!holder) {
      return;
    }
    var canvas = document.createElement("canvas");
    holder.appendChild(canvas);
    config.options = Object.assign(
      {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        // One day or two categories should not fill the width with a single slab.
        datasets: { bar: { maxBarThickness: 48 } },
        plugins: { legend: { display: config.data.datasets.length > 1 } },
        scales: {}
      },
      config.options || {}
    );
    // Counts are whole people: no 0.5 ticks on the value axis.
    var valueAxis = config.options.indexAxis === "y" ? "x" : "y";
    config.options.scales[valueAxis] = { beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, config);
  }

  draw("days", {
    type: "bar",
    data: {
      labels: charts.days.labels,
      datasets: [{ label: series.registrations, data: charts.days.registrations, backgroundColor: BLUE }]
    }
  });

  draw("categories", {
    type: "bar",
    data: {
      labels: charts.categories.labels,
      datasets: [{
        label: series.registrations,
        data: charts.categories.registrations,
        backgroundColor: charts.categories.colours
      }]
    }
  });

  draw("countries", {
    type: "bar",
    data: {
      labels: charts.countries.labels,
      datasets: [{ label: series.registrations, data: charts.countries.registrations, backgroundColor: BLUE }]
    },
    options: { indexAxis: "y" }
  });

  // Each sub-forum: its capacity (none drawn when unlimited), seats taken, and those waiting.
  draw("sessions", {
    type: "bar",
    data: {
      labels: charts.sessions.labels,
      datasets: [
        { label: series.capacity, data: charts.sessions.capacity, backgroundColor: GREY },
        { label: series.confirmed, data: charts.sessions.confirmed, backgroundColor: BLUE },
        { label: series.waiting, data: charts.sessions.waiting, backgroundColor: AMBER }
      ]
    },
    options: { indexAxis: "y" }
  });
})();
