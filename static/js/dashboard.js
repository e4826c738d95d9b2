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

  // Long labels (a sub-forum's title, "Resident or international friend living in China")
  // go on several short lines, which Chart.js draws from an array, instead of being cut
  // at the chart's edge on a phone. Latin text breaks between words, Chinese anywhere.
  function wrapped(label, width) {
    var text = String(label);
    if (text.length <= width) {
      return text;
    }
    // "分论坛一：城市治理数字化": the line breaks after the colon first.
    var colon = text.indexOf("：");
    if (colon > 0 && colon < text.length - 1) {
      return [text.slice(0, colon + 1)].concat(wrapped(text.slice(colon + 1), width));
    }
    var lines = [];
    var line = "";
    var words = /\s/.test(text) ? text.split(/\s+/) : text.split("");
    var glue = /\s/.test(text) ? " " : "";
    words.forEach(function (word) {
      var next = line ? line + glue + word : word;
      if (line && next.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = next;
      }
    });
    if (line) {
      lines.push(line);
    }
    return lines;
  }

  function labelWidth(name) {
    var holder = document.querySelector('.chart[data-chart="' + name + '"]');
    var narrow = holder && holder.clientWidth < 560;
    // Chinese characters are about twice as wide as Latin letters.
    var chinese = document.documentElement.lang.indexOf("zh") === 0;
    return (narrow ? 18 : 30) / (chinese ? 2 : 1);
  }

  function wrappedLabels(name, labels) {
    var width = labelWidth(name);
    return labels.map(function (label) { return wrapped(label, width); });
  }

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
    var labelAxis = valueAxis === "x" ? "y" : "x";
    config.options.scales[valueAxis] = { beginAtZero: true, ticks: { precision: 0 } };
    // Every sub-forum, category and country is named; Chart.js would skip labels it finds
    // crowded. Days may be many: those it may thin out.
    if (name !== "days") {
      config.options.scales[labelAxis] = { ticks: { autoSkip: false } };
    }
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
      labels: wrappedLabels("categories", charts.categories.labels),
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
      labels: wrappedLabels("sessions", charts.sessions.labels),
      datasets: [
        { label: series.capacity, data: charts.sessions.capacity, backgroundColor: GREY },
        { label: series.confirmed, data: charts.sessions.confirmed, backgroundColor: BLUE },
        { label: series.waiting, data: charts.sessions.waiting, backgroundColor: AMBER }
      ]
    },
    options: { indexAxis: "y" }
  });
})();
