// Provider claims page: a capability's roadmap date field shows only while its level is
// "On the roadmap" (or while the date has an error to fix). Without JavaScript every
// date field shows and the page works the same. The error summary takes the focus.
(function () {
  "use strict";
  var groups = document.querySelectorAll(".portal-roadmap[data-level]");
  function sync(group, select) {
    var needed = select.value === "roadmap";
    var failing = group.classList.contains("usa-form-group--error");
    group.hidden = !(needed || failing);
  }
  Array.prototype.forEach.call(groups, function (group) {
    var select = document.getElementById(group.getAttribute("data-level"));
    if (!select) return;
    sync(group, select);
    select.addEventListener("change", function () { sync(group, select); });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
