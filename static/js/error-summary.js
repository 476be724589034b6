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
