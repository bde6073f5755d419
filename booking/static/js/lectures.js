// The lecture request form, enhanced: only the parts that apply are shown.
// Without this file every part is shown, each with a hint saying when it applies.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-request-form]");
    if (!form) { return; }
    form.querySelectorAll("[data-hint-without-script]").forEach(function (hint) { hint.hidden = true; });

    // Online or in person: show the details for the chosen format only.
    var formatInputs = form.querySelectorAll("input[name=format]");
    function showFormat() {
      var chosen = form.querySelector("input[name=format]:checked");
      form.querySelectorAll("[data-format-section]").forEach(function (section) {
        section.hidden = !chosen || section.getAttribute("data-format-section") !== chosen.value;
      });
    }
    formatInputs.forEach(function (input) { input.addEventListener("change", showFormat); });
    showFormat();

    // A school not in the directory: ask for its name, address and type.
    var otherFields = form.querySelectorAll("[data-show-when-school]");
    function showSchool() {
      var school = form.querySelector("input[name=school_id]:checked");
      otherFields.forEach(function (block) {
        block.hidden = !school || school.value !== block.getAttribute("data-show-when-school");
      });
    }

    // A school of the directory: offer its periods (校時) beside each start time.
    var periodBlocks = form.querySelectorAll("[data-periods-field]");
    function offerPeriods(runs) {
      periodBlocks.forEach(function (block) {
        var select = block.querySelector("select");
        if (!select) { return; }
        var kept = select.value;
        while (select.options.length > 1) { select.remove(1); }
        (runs || []).forEach(function (run) {
          select.add(new Option(run.label, run.value, false, run.value === kept));
        });
        if (!runs || !runs.length) { select.value = ""; }
        block.hidden = !runs || !runs.length;
      });
      markFirstTime(!!(runs && runs.length));
    }
    // With periods on offer, the first choice needs a start time or periods: neither is required alone.
    function markFirstTime(periodsOffered) {
      var required = form.getAttribute("data-mark-required");
      var optional = form.getAttribute("data-mark-optional");
      var mark = form.querySelector("[data-field=candidate_1_time] .field__label > .field__required, " +
        "[data-field=candidate_1_time] .field__label > .field__optional");
      if (!mark || !required || !optional) { return; }
      mark.className = periodsOffered ? "field__optional" : "field__required";
      mark.textContent = periodsOffered ? optional : required;
    }
    function refreshPeriods() {
      var school = form.querySelector("input[name=school_id]:checked");
      var url = form.getAttribute("data-periods-url");
      if (!periodBlocks.length || !url) { return; }
      if (!school || !/^[0-9]+$/.test(school.value)) { offerPeriods([]); return; }
      fetch(url.replace(/\/0\/periods$/, "/" + school.value + "/periods"), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { runs: [] }; })
        .then(function (data) { offerPeriods(data.runs); })
        .catch(function () { /* the start time still works */ });
    }

    // Delegated: the school picker adds radio buttons as schools are chosen.
    form.addEventListener("change", function (event) {
      if (event.target.name === "school_id") { showSchool(); refreshPeriods(); }
    });
    showSchool();

    // The chosen lecture's facts, and only the formats it is given in.
    var program = form.querySelector("select[name=program_id]");
    function showProgram() {
      if (!program) { return; }
      form.querySelectorAll("[data-program]").forEach(function (facts) {
        facts.hidden = facts.getAttribute("data-program") !== program.value;
      });
      var option = program.options[program.selectedIndex];
      var offered = option && option.getAttribute("data-formats");
      formatInputs.forEach(function (input) {
        var allowed = !offered || offered.split(" ").indexOf(input.value) !== -1;
        input.disabled = !allowed;
        if (!allowed && input.checked) { input.checked = false; }
      });
      var only = Array.prototype.filter.call(formatInputs, function (input) { return !input.disabled; });
      if (only.length === 1) { only[0].checked = true; }
      showFormat();
    }
    if (program) { program.addEventListener("change", showProgram); }
    showProgram();
  });
})();
