/* Sandbox progressive enhancements. CSP-safe: no eval, no inline handlers, no inline styles. */
(function () {
  "use strict";

  // Confirm dialogs: <button data-confirm="Are you sure?"> (or on a <form>).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter || document.activeElement;
    var message = (submitter && submitter.getAttribute && submitter.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  function onReady(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  onReady(function () {
    // Move focus to the form error summary so screen-reader and keyboard users land on it.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
})();
