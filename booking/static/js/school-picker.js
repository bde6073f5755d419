// The school picker, enhanced: the search box becomes a combobox that lists matching
// schools as you type (ARIA 1.2 combobox with a listbox; arrow keys, Enter, Escape).
// Choosing one sets the radio button the form sends as `school_id`. Without this file,
// the "Find schools" button posts the form back with the matches as radio buttons.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var picker = document.querySelector("[data-school-picker]");
    if (!picker || !window.fetch) { return; }
    var input = picker.querySelector("input[name=school_query]");
    var listbox = picker.querySelector("[role=listbox]");
    var status = picker.querySelector("[data-school-status]");
    var choices = picker.querySelector("[data-field=school_id] .choices");
    var findButton = picker.querySelector("[data-find-school]");
    if (!input || !listbox || !choices) { return; }

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    var timer = null;
    var latest = 0;
    var active = -1;

    function say(text) { if (status) { status.textContent = text; } }
    function options() { return listbox.querySelectorAll("[role=option]"); }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function show(schools) {
      listbox.textContent = "";
      schools.forEach(function (school) {
        var option = document.createElement("li");
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.id = "school-option-" + school.id;
        option.dataset.id = school.id;
        option.textContent = school.name;
        listbox.appendChild(option);
      });
      var n = schools.length;
      if (!n) {
        close();
        say(picker.dataset.foundNone);
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      say(n === 1 ? picker.dataset.foundOne : picker.dataset.foundMany.replace("{n}", n));
    }

    function search() {
      var text = input.value.trim();
      if (!text) { listbox.textContent = ""; close(); say(""); return; }
      var ticket = ++latest;
      fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(text), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        if (ticket === latest) { show(data.schools || []); }
      }).catch(function () { /* the Find button still works */ });
    }

    function choose(option) {
      var id = option.dataset.id;
      var name = option.textContent;
      // Keep "not in the list"; the chosen school replaces the other schools offered.
      choices.querySelectorAll("input[name=school_id]").forEach(function (radio) {
        if (radio.value !== "other") { radio.closest(".choice").remove(); }
      });
      var wrapper = document.createElement("div");
      wrapper.className = "choice";
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "school_id";
      radio.value = id;
      radio.id = "school_id-picked";
      radio.className = "choice__input";
      radio.checked = true;
      var label = document.createElement("label");
      label.className = "choice__label";
      label.htmlFor = radio.id;
      label.textContent = name;
      wrapper.appendChild(radio);
      wrapper.appendChild(label);
      choices.insertBefore(wrapper, choices.firstChild);
      radio.dispatchEvent(new Event("change", { bubbles: true }));
      input.value = name;
      close();
      say(picker.dataset.chosen.replace("{name}", name));
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) { highlight(active + 1); } else { search(); }
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); highlight(active - 1); }
      } else if (event.key === "Enter") {
        // Never send the whole form from the search box.
        event.preventDefault();
        if (open && active >= 0) { choose(options()[active]); } else { window.clearTimeout(timer); search(); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); }
      }
    });

    input.addEventListener("blur", function () { window.setTimeout(close, 150); });

    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { choose(option); }
    });

    if (findButton) {
      findButton.addEventListener("click", function (event) {
        event.preventDefault();
        window.clearTimeout(timer);
        search();
        input.focus();
      });
    }
  });
})();
