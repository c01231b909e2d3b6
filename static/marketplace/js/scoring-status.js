/* Results page while scoring runs: check the need's scoring status every few seconds
   and announce, in the page's live region, when scoring has finished, with a link to
   the new results. The page never reloads itself (WCAG 2.2.1): the person chooses
   when. Without JavaScript the alert's plain reload link does the same job. */
(function () {
  "use strict";
  var box = document.getElementById("scoring-status");
  if (!box || !box.dataset.statusUrl || !window.fetch) {
    return;
  }
  var url = box.dataset.statusUrl;
  var delay = Number(box.dataset.pollSeconds || "5") * 1000;
  var announcement = document.getElementById("scoring-announcement");
  var watching = document.getElementById("scoring-watching");
  var failures = 0;

  if (watching) {
    watching.hidden = false;
  }

  function finished(status) {
    var heading = box.querySelector(".usa-alert__heading");
    box.classList.remove("usa-alert--info");
    box.classList.add(status.run_status === "failed" ? "usa-alert--error" : "usa-alert--success");
    if (heading) {
      heading.textContent = status.run_status === "failed" ? "Scoring failed" : "Scoring has finished";
    }
    if (watching) {
      watching.hidden = true;
    }
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = "Show the new results";
    link.className = "usa-link";
    announcement.textContent = status.message + " ";
    announcement.appendChild(link);
  }

  function check() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (status) {
        failures = 0;
        if (status.pending) {
          window.setTimeout(check, delay);
        } else {
          finished(status);
        }
      })
      .catch(function () {
        failures += 1;
        // Back off while the server is unreachable; the reload link still works.
        window.setTimeout(check, delay * Math.min(failures + 1, 6));
      });
  }

  window.setTimeout(check, delay);
})();
