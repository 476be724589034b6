// The help centre's answers that match what an officer types into the query form: the
// first time is the best time to answer a query. Without JavaScript the form links to the
// help centre instead.
(function () {
  "use strict";
  var box = document.getElementById("help-suggestions");
  if (!box || !window.fetch) return;
  var list = box.querySelector("ul");
  var fields = document.querySelectorAll(box.dataset.watch);
  var timer = null;
  var asked = "";

  function show(answers) {
    list.textContent = "";
    answers.forEach(function (answer) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = answer.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = answer.question + " (opens in a new tab)";
      item.appendChild(link);
      list.appendChild(item);
    });
    box.hidden = answers.length === 0;
  }

  function ask() {
    var text = Array.prototype.map.call(fields, function (f) { return f.value; }).join(" ").trim().slice(0, 200);
    if (text === asked) return;
    asked = text;
    if (text.length < 3) { show([]); return; }
    fetch(box.dataset.suggestUrl + "?q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {answers: []}; })
      .then(function (data) { if (text === asked) show(data.answers || []); })
      .catch(function () { /* no suggestions offline: the form still works */ });
  }

  Array.prototype.forEach.call(fields, function (field) {
    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
  });
})();
