// The countdown to a results release ([data-countdown] holds the instant, ISO 8601): the
// text under [data-countdown-text] counts down each second, and at the instant the page
// loads again, so that the server (which alone decides) shows the results.
(function () {
  "use strict";
  var box = document.querySelector("[data-countdown]");
  if (!box) {
    return;
  }
  var text = box.querySelector("[data-countdown-text]");
  var at = Date.parse(box.getAttribute("data-countdown"));
  // In the page's language where the browser knows its words for units ("3 jours",
  // "٣ أيام", "3天"), else in English.
  var language = document.documentElement.lang || "en";
  function plural(n, word) {
    try {
      return new Intl.NumberFormat(language, {
        style: "unit",
        unit: word,
        unitDisplay: "long",
      }).format(n);
    } catch (error) {
      return n + " " + word + (n === 1 ? "" : "s");
    }
  }
  function tick() {
    var left = Math.floor((at - Date.now()) / 1000);
    if (left <= 0) {
      // A second late rather than early: the server's clock decides what is shown.
      window.setTimeout(function () { window.location.reload(); }, 1000);
      return;
    }
    var days = Math.floor(left / 86400);
    var hours = Math.floor((left % 86400) / 3600);
    var minutes = Math.floor((left % 3600) / 60);
    var seconds = left % 60;
    text.textContent = days
      ? plural(days, "day") + ", " + plural(hours, "hour")
      : hours
        ? plural(hours, "hour") + ", " + plural(minutes, "minute")
        : plural(minutes, "minute") + ", " + plural(seconds, "second");
    window.setTimeout(tick, 1000);
  }
  tick();
})();
