// The essay's live character counter. It counts as the server does (NFC, spaces and line
// breaks not counted); the server still decides. Without this file the form works the same.
(function () {
  "use strict";

  var NOT_COUNTED = /[\s\u0085\u001c-\u001f\ufeff]/g;

  function essayLength(text) {
    var normalised = text.normalize ? text.normalize("NFC") : text;
    return Array.from(normalised.replace(NOT_COUNTED, "")).length;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function setUp(textarea) {
    var counter = document.getElementById(textarea.getAttribute("data-counter"));
    var live = document.getElementById(textarea.getAttribute("data-counter") + "-live");
    if (!counter) { return; }
    var min = parseInt(textarea.getAttribute("data-essay-min"), 10);
    var max = parseInt(textarea.getAttribute("data-essay-max"), 10);
    var timer = null;

    function message() {
      var count = essayLength(textarea.value);
      var values = { count: count, min: min, max: max, n: 0 };
      var state = "ok";
      if (count < min) { state = "under"; values.n = min - count; }
      if (count > max) { state = "over"; values.n = count - max; }
      return { state: state, text: fill(counter.getAttribute("data-text-" + state), values) };
    }

    function update() {
      var result = message();
      counter.textContent = result.text;
      counter.setAttribute("data-state", result.state);
      // Screen readers hear the count once typing pauses, not on every key.
      if (live) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { live.textContent = result.text; }, 1500);
      }
    }

    counter.hidden = false;
    counter.setAttribute("aria-hidden", "true");
    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    textarea.addEventListener("input", update);
    counter.textContent = message().text;
    counter.setAttribute("data-state", message().state);
    if (live) { live.textContent = ""; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-essay-min]").forEach(setUp);
  });
})();
