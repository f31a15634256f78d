// Address suggestions as the person types (an ARIA 1.2 combobox with a listbox).
// The chosen suggestion fills the hidden signed `place` token; typing again clears it, so
// the server looks the text up itself (the same as without JavaScript).
(function () {
  "use strict";
  var DELAY = 250, MIN_CHARS = 3;

  function setup(box) {
    var input = box.querySelector("input[role=combobox]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[aria-live]");
    var token = document.getElementById(box.dataset.token);
    var timer = null, items = [], active = -1, seq = 0;
    if (!input || !list || !token) { return; }

    function close() {
      list.hidden = true; list.innerHTML = ""; items = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(item) {
      input.value = item.label; token.value = item.token; close();
      status.textContent = box.dataset.msgChosen.replace("{label}", item.label);
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (li, i) { li.setAttribute("aria-selected", String(i === index)); });
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", options[index].id); }
      else { input.removeAttribute("aria-activedescendant"); }
    }

    function show(data) {
      close(); items = data.suggestions || [];
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = input.id + "-option-" + i; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false"); li.textContent = item.label;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      if (items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      var count = items.length ? box.dataset.msgCount.replace("{n}", items.length)
                               : box.dataset.msgNone;
      status.textContent = data.notice ? data.notice + " " + count : count;
    }

    function fetchSuggestions() {
      var text = input.value.trim(), mine = ++seq;
      if (text.length < MIN_CHARS) { close(); return; }
      fetch(box.dataset.suggestUrl + "?q=" + encodeURIComponent(text),
            {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) { if (mine === seq) { show(data); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      token.value = "";  // the text changed: the old choice no longer applies
      clearTimeout(timer); timer = setTimeout(fetchSuggestions, DELAY);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !items.length) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % items.length); }
      else if (e.key === "ArrowUp") {
        e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1);
      } else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(items[active]); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });

    box.placesChoose = choose;  // geolocate.js fills the field the same way
  }

  document.querySelectorAll("[data-places]").forEach(setup);
})();
