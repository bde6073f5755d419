// The study-tour request form, enhanced: the time zone is asked only for countries that have
// several, and each chosen date and time (Japan time) is shown in the organiser's own zone.
// Without this file the form works the same: every field shows, times are in Japan time.
(function () {
  "use strict";

  var JAPAN_OFFSET_MINUTES = 9 * 60; // Japan keeps UTC+9 all year

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-visit-form]");
    if (!form || typeof Intl === "undefined") { return; }
    var country = form.querySelector("select[name=country]");
    var zone = form.querySelector("select[name=time_zone]");
    var zoneField = zone ? zone.closest("[data-field]") : null;
    var language = form.getAttribute("data-language") || "en";
    var pattern = form.getAttribute("data-local-pattern") || "{place}: {time}";

    function countryZone() {
      var option = country && country.selectedOptions[0];
      return option ? option.getAttribute("data-zone") : "";
    }

    function showZones() {
      if (!zone || !zoneField) { return; }
      var code = country ? country.value : "";
      var count = 0;
      Array.prototype.forEach.call(zone.options, function (option) {
        var own = option.getAttribute("data-country");
        var mine = !own || own === code;
        option.hidden = !mine;
        option.disabled = !mine;
        if (own === code) { count += 1; }
      });
      if (zone.selectedOptions[0] && zone.selectedOptions[0].disabled) { zone.value = ""; }
      zoneField.hidden = count < 2;
    }

    function chosenZone() {
      return (zone && zone.value) || countryZone();
    }

    // The city of the zone in the page's language, as the option chosen names it.
    function place(timeZone) {
      var option = (zone && zone.value && zone.selectedOptions[0]) || (country && country.selectedOptions[0]);
      return (option && option.getAttribute("data-place")) || timeZone.split("/").pop().replace(/_/g, " ");
    }

    function showLocalTimes() {
      var timeZone = chosenZone();
      form.querySelectorAll("[data-candidate]").forEach(function (block) {
        var out = block.querySelector("[data-local-time]");
        var day = block.querySelector("input[name$=_date]").value.trim();
        var time = block.querySelector("input[name$=_time]").value.trim();
        var d = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(day);
        var t = /^(\d{1,2}):(\d{2})$/.exec(time);
        if (!out) { return; }
        if (!timeZone || timeZone === "Asia/Tokyo" || !d || !t) { out.hidden = true; out.textContent = ""; return; }
        var utc = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]) - JAPAN_OFFSET_MINUTES * 60000;
        var text;
        try {
          text = new Intl.DateTimeFormat(language, {
            timeZone: timeZone, weekday: "short", month: "short", day: "numeric",
            hour: "2-digit", minute: "2-digit", hour12: false
          }).format(new Date(utc));
        } catch (error) { out.hidden = true; return; }
        out.textContent = pattern.replace("{place}", place(timeZone)).replace("{time}", text);
        out.hidden = false;
      });
    }

    if (country) {
      country.addEventListener("change", function () { showZones(); showLocalTimes(); });
    }
    if (zone) { zone.addEventListener("change", showLocalTimes); }
    form.addEventListener("input", function (event) {
      if (/^candidate_\d_(date|time)$/.test(event.target.name || "")) { showLocalTimes(); }
    });
    showZones();
    showLocalTimes();
  });
})();
