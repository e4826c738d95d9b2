/* A badge batch's page: follow the worker's progress until the PDF is ready, then
   reload the page to show the download. No inline script (CSP); without script the
   page refreshes itself (a <noscript> meta refresh). */
(function () {
  "use strict";

  var box = document.querySelector(".batch-progress[data-progress-url]");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-progress-url");
  var every = parseInt(box.getAttribute("data-poll-ms"), 10) || 2000;
  var bar = box.querySelector("progress");
  var text = box.querySelector(".batch-progress__text");

  function show(state) {
    bar.max = state.total || 1;
    bar.value = state.done;
    bar.textContent = state.percent + " %";
    text.textContent = state.text;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.is_finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, every);
        }
      })
      .catch(function () {
        // A lost answer (network, server restart): ask again a little later.
        window.setTimeout(poll, every * 2);
      });
  }

  window.setTimeout(poll, every);
})();
