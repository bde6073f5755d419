// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // Move focus to the error summary so keyboard and screen reader users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) { summary.focus(); }

    // Ask before irreversible actions marked with data-confirm.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });

    // A form sends once: a double click does not submit it twice.
    document.querySelectorAll("form[method=post]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) { return; }
        if (form.dataset.sending === "1") { event.preventDefault(); return; }
        form.dataset.sending = "1";
        window.setTimeout(function () { form.dataset.sending = ""; }, 8000);
      });
    });
  });
})();
