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

  /* Asset form: offer only the locations of the chosen site and the categories of the chosen kind.
     A select marked data-narrowed-by="site" follows select[name=site]; each option names its own site in
     data-site. A choice that no longer fits is cleared. The server refuses a mismatch either way. */
  function setupNarrowedSelects() {
    document.querySelectorAll("select[data-narrowed-by]").forEach(function (select) {
      var by = select.getAttribute("data-narrowed-by");
      var source = select.form && select.form.querySelector("select[name=" + by + "]");
      if (!source) { return; }
      function apply() {
        Array.prototype.forEach.call(select.options, function (option) {
          var own = option.getAttribute("data-" + by);
          var fits = own === null || !source.value || own === source.value;
          option.hidden = !fits;
          option.disabled = !fits;
        });
        var chosen = select.options[select.selectedIndex];
        if (chosen && chosen.disabled) { select.value = ""; }
      }
      source.addEventListener("change", apply);
      apply();
    });
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
    setupNarrowedSelects();
    setupConfirm();
    setupPrint();
  });
})();
