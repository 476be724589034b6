/*
 * Files waiting for their malware scan ([data-scan-state="pending"]): the page asks for
 * itself again every few seconds and swaps in its [data-scan-live] parts (the file list,
 * what is still to send), so the scan's verdict shows without a reload. It stops once no
 * file is pending, or after ten minutes (a scanner that is down is retried by the portal,
 * not by every open page).
 */
(function () {
  "use strict";
  var EVERY_MS = 4000;
  var GIVE_UP_AFTER_MS = 10 * 60 * 1000;
  var started = Date.now();

  function pending() {
    return document.querySelector('[data-scan-state="pending"]') !== null;
  }

  function refresh() {
    if (!pending() || Date.now() - started > GIVE_UP_AFTER_MS) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-scan-live][id]").forEach(function (part) {
          var replacement = fresh.getElementById(part.id);
          if (replacement && replacement.innerHTML !== part.innerHTML) {
            part.innerHTML = replacement.innerHTML;
          }
        });
      })
      .catch(function () {
        // Offline or a passing error: the next round tries again.
      })
      .then(function () {
        window.setTimeout(refresh, EVERY_MS);
      });
  }

  function start() {
    if (pending()) {
      window.setTimeout(refresh, EVERY_MS);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
