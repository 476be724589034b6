// The error summary at the top of a form (templates/_error_summary.html): take focus when
// the page loads, so that screen readers announce it first; and, as GOV.UK's does, when a
// link in it is followed, focus the field and bring its question (label or legend) into
// view, which jumping to the field's id alone would leave scrolled off the top.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  // A form sent after the skip link is answered at its address with #main: the browser would
  // move the focus to main once the page is read, away from the summary. The page is the
  // same without the fragment.
  if (window.location.hash) {
    var address = window.location.pathname + window.location.search;
    window.history.replaceState(window.history.state, "", address);
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    var question = field.closest("fieldset") ? field.closest("fieldset").querySelector("legend")
      : document.querySelector("label[for='" + field.id + "']");
    (question || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
