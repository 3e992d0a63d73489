/* Valuation runs (web pages and the admin's run list): while a run is queued or running, poll its status (the
   API's run shape, finance.api.serializers.DepreciationRunOutputSerializer) and update its progress in place.
   Elements with data-run-status-url are polled; when the run has finished the page reloads once to show its
   totals and failures. Without this script the pages still show the state at load time (and a Reload link). */
(function () {
  "use strict";

  var INTERVAL = 2000;
  var MAX_INTERVAL = 15000;

  function show(value) {
    return typeof value === "number" ? value.toLocaleString("en-GB") : String(value);
  }

  function update(element, data) {
    element.querySelectorAll("[data-run-field]").forEach(function (node) {
      var key = node.getAttribute("data-run-field");
      if (Object.prototype.hasOwnProperty.call(data, key)) { node.textContent = show(data[key]); }
    });
    element.querySelectorAll("[data-run-bar]").forEach(function (bar) {
      bar.style.width = data.progress_percent + "%";
      bar.parentNode.setAttribute("aria-valuenow", data.progress_percent);
    });
    element.querySelectorAll("progress[data-run-progress]").forEach(function (bar) {
      bar.value = data.progress_percent;
      bar.textContent = data.progress_percent + "%";
    });
    document.querySelectorAll("[data-run-badge]").forEach(function (badge) {
      if (element.contains(badge) || !element.closest("tr")) {
        badge.className = "badge badge-run badge-run-" + data.status;
        badge.textContent = data.status_label;
      }
    });
  }

  function poll(element, wait) {
    var url = element.getAttribute("data-run-status-url");
    window.setTimeout(function () {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("status " + response.status); }
          return response.json();
        })
        .then(function (data) {
          update(element, data);
          if (data.finished) {
            window.location.reload();
          } else {
            poll(element, INTERVAL);
          }
        })
        .catch(function () { poll(element, Math.min(wait * 2, MAX_INTERVAL)); });
    }, wait);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-run-status-url]").forEach(function (element) { poll(element, INTERVAL); });
  });
})();
