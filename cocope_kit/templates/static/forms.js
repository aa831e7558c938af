// Participant forms: progress count, focus after a submit. The forms work without it.
(function () {
  "use strict";
  var form = document.querySelector("form.answers");
  var target = document.querySelector("[data-focus]");
  if (target) {
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "center" });
  }
  if (!form) { return; }
  var out = document.getElementById("progress");
  var groups = form.querySelectorAll("fieldset.item");
  function answered(fs) {
    var checked = fs.querySelector("input[type=radio]:checked");
    if (checked) { return true; }
    var ta = fs.querySelector("textarea");
    return !!(ta && ta.value.trim());
  }
  function update() {
    var n = 0;
    for (var i = 0; i < groups.length; i++) {
      var ok = answered(groups[i]);
      if (ok) {
        n++;
        if (groups[i].classList.contains("missing")) {
          groups[i].classList.remove("missing");
          var need = groups[i].querySelector(".need");
          if (need) { need.hidden = true; }
        }
      }
    }
    if (out) {
      out.textContent = out.getAttribute("data-pattern")
        .replace("{n}", String(n)).replace("{total}", String(groups.length));
    }
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  var sent = false;
  form.addEventListener("submit", function (e) {
    if (sent) { e.preventDefault(); return; }  // a double click sends once
    sent = true;
  });
  window.addEventListener("pageshow", function () { sent = false; });
  update();
})();
