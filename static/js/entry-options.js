// The entry option of the entry form (entries/forms.py, EntryForm): without a script it
// lists every syllabus's options, each group named after its syllabus. Once a syllabus is
// chosen, the other syllabuses' groups are hidden and disabled, so that the arrow keys and
// a phone's picker offer only its options; a choice of another syllabus is cleared.
(function () {
  "use strict";
  var options = document.querySelector("select[data-entry-options]");
  if (!options) {
    return;
  }
  var syllabus = document.getElementById("id_" + options.getAttribute("data-entry-options"));
  if (!syllabus) {
    return;
  }
  function narrow() {
    var chosen = syllabus.selectedOptions[0];
    var name = chosen && chosen.value ? chosen.textContent.trim() : "";
    Array.prototype.forEach.call(options.querySelectorAll("optgroup"), function (group) {
      var other = name !== "" && group.label !== name;
      group.hidden = other;
      group.disabled = other;
    });
    var picked = options.selectedOptions[0];
    if (picked && picked.parentElement.disabled) {
      options.value = "";
    }
  }
  syllabus.addEventListener("change", narrow);
  narrow();
})();
