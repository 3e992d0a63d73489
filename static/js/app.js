/* Ledgerline: small progressive enhancements. Every page works without this script. */
(function () {
  "use strict";

  /* Asset form: show only the fieldset of the chosen kind, and disable the others so their
     (hidden) inputs are not submitted. The server validates kind-specific data either way. */
  function setupKindToggle() {
    var kind = document.querySelector("select[name=kind]");
    var sets = document.querySelectorAll("fieldset[data-kind]");
    if (!kind || !sets.length) { return; }
    var hint = document.querySelector("[data-kind-hint]");
    function apply() {
      if (hint) { hint.hidden = Boolean(kind.value); }
      sets.forEach(function (set) {
        var match = set.getAttribute("data-kind") === kind.value;
        set.hidden = !match;
        set.disabled = !match;
      });
    }
    kind.addEventListener("change", apply);
    apply();
  }

  /* Buttons with data-confirm ask before submitting (e.g. removing a document). */
  function setupConfirm() {
    document.addEventListener("submit", function (event) {
      var button = event.submitter;
      var text = (button && button.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
      if (text && !window.confirm(text)) { event.preventDefault(); }
    });
  }

  /* "Print" buttons. */
  function setupPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupKindToggle();
    setupConfirm();
    setupPrint();
  });
})();
