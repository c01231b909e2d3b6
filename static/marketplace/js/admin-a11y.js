// Admin accessibility: Django's filter_horizontal widget (groups, permissions, contract
// vehicles) adds a <span class="help-tooltip" aria-label="..."> to its labels; a span
// may not carry aria-label without a role (axe: aria-prohibited-attr). The widget is
// built by script after load, so watch for it and give each such span role="img".
(function () {
  "use strict";
  function fix(root) {
    var spans = root.querySelectorAll("span.help-tooltip[aria-label]:not([role])");
    for (var i = 0; i < spans.length; i++) spans[i].setAttribute("role", "img");
  }
  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
