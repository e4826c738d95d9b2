/* The check-in desk: admit with a nonce and retry it until the server answers,
   print on check-in, live counts, camera scanning (BarcodeDetector or vendored jsQR).
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

  /* Camera scanning: the browser's BarcodeDetector where it reads QR codes, else the
     vendored jsQR (static/vendor/jsqr/, loaded from our own host only when needed) on
     frames drawn to a canvas. A decoded payload goes into the scan input and the form is
     submitted, exactly as a scanner types the code and Enter. */
  var LOOK_MS = 150;
  var MAX_FRAME_SIDE = 800; // decoding smaller frames keeps jsQR fast on tablets

  function nativeDecoder(video) {
    if (!("BarcodeDetector" in window)) {
      return Promise.resolve(null);
    }
    var formats = window.BarcodeDetector.getSupportedFormats
      ? window.BarcodeDetector.getSupportedFormats()
      : Promise.resolve(["qr_code"]);
    return formats
      .then(function (supported) {
        if (supported.indexOf("qr_code") === -1) {
          return null; // e.g. desktop Linux: the API exists but reads no QR codes
        }
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () {
          return detector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
      })
      .catch(function () {
        return null;
      });
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function vendoredDecoder(video, src) {
    var ready = window.jsQR ? Promise.resolve() : loadScript(src);
    return ready.then(function () {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function () {
        var width = video.videoWidth;
        var height = video.videoHeight;
        if (!width || !height) {
          return Promise.resolve(null);
        }
        var scale = Math.min(1, MAX_FRAME_SIDE / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var frame = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = window.jsQR(frame.data, frame.width, frame.height, {
          inversionAttempts: "dontInvert",
        });
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  function setUpCamera() {
    var button = desk.querySelector(".desk-camera");
    var video = desk.querySelector(".desk-video");
    var media = navigator.mediaDevices;
    if (!button || !video || !scanInput || !media || !media.getUserMedia) {
      return;
    }
    var stream = null;
    var decode = null;
    var startLabel = button.textContent;
    // Offer the camera only where there is one (a desktop at a desk often has none).
    if (media.enumerateDevices) {
      media
        .enumerateDevices()
        .then(function (devices) {
          button.hidden = !devices.some(function (device) {
            return device.kind === "videoinput";
          });
        })
        .catch(function () {
          button.hidden = false;
        });
    } else {
      button.hidden = false;
    }

    function chooseDecoder() {
      if (decode) {
        return Promise.resolve(decode);
      }
      return nativeDecoder(video)
        .then(function (native) {
          return native || vendoredDecoder(video, button.getAttribute("data-decoder"));
        })
        .then(function (chosen) {
          decode = chosen;
          return chosen;
        });
    }

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
      decode()
        .then(function (text) {
          if (text && stream) {
            scanInput.value = text;
            stop();
            scanInput.form.submit();
          } else {
            window.setTimeout(look, LOOK_MS);
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
      media
        .getUserMedia({ video: { facingMode: "environment" } })
        .then(function (opened) {
          stream = opened;
          video.srcObject = opened;
          video.hidden = false;
          button.textContent = button.getAttribute("data-label-stop");
          return Promise.all([video.play(), chooseDecoder()]);
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
