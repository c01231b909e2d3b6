// Catalog filters: on a narrow screen the "Sort and filter" panel starts closed so the
// results come first. Without JavaScript it stays open (the page still works).
(function () {
  "use strict";
  var panel = document.getElementById("catalog-filter-panel");
  if (!panel || !window.matchMedia) return;
  var narrow = window.matchMedia("(max-width: 39.99em)");
  panel.classList.add("portal-filters--enhanced");
  if (narrow.matches) panel.removeAttribute("open");
  narrow.addEventListener("change", function (event) {
    if (!event.matches) panel.setAttribute("open", "");
  });
})();
