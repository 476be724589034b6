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
  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
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
