/* The check-in desk: admit with a nonce and retry it until the server answers,
   live counts, camera scanning where the browser has BarcodeDetector.
   No inline script (CSP); nothing from another host. */
(function () {
  "use strict";

  var RETRY_MS = 2000;
  var COUNTS_MS = 5000;
  var counts = document.querySelector(".desk-counts");
  var desk = document.querySelector(".desk") || document.body;
  var scanInput = document.getElementById("desk-q");
  var cardBox = document.getElementById("desk-card");

  function focusScan() {
    if (scanInput) {
      scanInput.focus();
      scanInput.select();
    }
  }

  /* One admission: the form's nonce goes with every attempt, so a retry after a lost
     answer is the same attempt and the server admits at most once. Until an answer
     arrives the desk says "pending", never "done". */
  function admit(form) {
    var button = form.querySelector("button[type=submit]");
    var pending = form.querySelector(".desk-admit__pending");
    var body = new FormData(form);
    button.disabled = true;
    form.setAttribute("data-pending", "1");

    function showPending() {
      pending.textContent = pending.getAttribute("data-pending");
      pending.hidden = false;
      form.classList.add("desk-admit--pending");
    }

    function attempt() {
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (response.status >= 500) {
            throw new Error("server error " + response.status);
          }
          return response.json().then(function (answer) {
            return { ok: response.ok, answer: answer };
          });
        })
        .then(function (result) {
          form.removeAttribute("data-pending");
          cardBox.innerHTML = result.answer.html;
          bindCard();
          printIfAsked();
          refreshCounts();
          focusScan();
        })
        .catch(function () {
          showPending();
          window.setTimeout(attempt, RETRY_MS);
        });
    }

    attempt();
  }

  /* "Print on check-in": the server marks the card's print form only when this request
     admitted the attendee (never on "already checked in"), and the desk submits the same
     form as the "Print badge" button, so the print is counted the same way. */
  function printIfAsked() {
    var form = cardBox.querySelector("form.desk-print[data-print-now]");
    if (form) {
      form.removeAttribute("data-print-now");
      form.submit();
    }
  }

  function bindCard() {
    if (!cardBox) {
      return;
    }
    var forms = cardBox.querySelectorAll("form.desk-admit");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!form.hasAttribute("data-pending")) {
          admit(form);
        }
      });
    });
  }

  function cell(text) {
    var td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  function fillRows(tbody, rows) {
    while (tbody.firstChild) {
      tbody.removeChild(tbody.firstChild);
    }
    rows.forEach(function (values) {
      var tr = document.createElement("tr");
      values.forEach(function (value) {
        tr.appendChild(cell(value));
      });
      tbody.appendChild(tr);
    });
  }

  function refreshCounts() {
    if (!counts) {
      return;
    }
    var url = counts.getAttribute("data-counts-url");
    var status = counts.querySelector(".desk-counts__status");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (figures) {
        fillRows(
          counts.querySelector(".desk-counts__entrance tbody"),
          figures.entrance.map(function (row) {
            return [row.label, String(row.checked_in), String(row.expected)];
          })
        );
        fillRows(
          counts.querySelector(".desk-counts__doors tbody"),
          figures.doors.map(function (row) {
            return [row.label, String(row.attended), row.seats === null ? "—" : String(row.seats)];
          })
        );
        if (status) {
          status.textContent = "";
        }
      })
      .catch(function () {
        if (status) {
          status.textContent = "⚠";
        }
      });
  }

  /* Camera scanning: only where the browser decodes QR codes itself. */
  function setUpCamera() {
    var button = desk.querySelector(".desk-camera");
    var video = desk.querySelector(".desk-video");
    if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
      return;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    var stream = null;
    var startLabel = button.textContent;
    button.hidden = false;

    function stop() {
      if (stream) {
        stream.getTracks().forEach(function (track) {
          track.stop();
        });
      }
      stream = null;
      video.hidden = true;
      button.textContent = startLabel;
    }

    function look() {
      if (!stream) {
        return;
      }
      detector
        .detect(video)
        .then(function (codes) {
          if (codes.length) {
            scanInput.value = codes[0].rawValue;
            stop();
            scanInput.form.submit();
          } else {
            window.setTimeout(look, 200);
          }
        })
        .catch(function () {
          window.setTimeout(look, 500);
        });
    }

    button.addEventListener("click", function () {
      if (stream) {
        stop();
        return;
      }
      navigator.mediaDevices
        .getUserMedia({ video: { facingMode: "environment" } })
        .then(function (media) {
          stream = media;
          video.srcObject = media;
          video.hidden = false;
          button.textContent = button.getAttribute("data-label-stop");
          return video.play();
        })
        .then(look)
        .catch(stop);
    });
  }

  bindCard();
  refreshCounts();
  window.setInterval(refreshCounts, COUNTS_MS);
  setUpCamera();
})();
