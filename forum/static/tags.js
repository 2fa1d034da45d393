// Tag suggestions as you type: fills the <datalist> of every [data-tag-suggest] field from
// GET tags/suggest?q=. Without JavaScript the field is a plain comma-separated text input.
"use strict";
(function () {
  function setup(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) { return; }
    var timer = null;
    var pending = null;

    function parts() {
      var items = input.value.split(",");
      var last = items.pop().trim();
      var kept = items.map(function (s) { return s.trim(); }).filter(Boolean);
      return { kept: kept, last: last.replace(/^#/, "") };
    }

    function fill(tags, kept) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      tags.forEach(function (tag) {
        if (kept.some(function (k) { return k.toLowerCase() === tag.name.toLowerCase(); })) { return; }
        var option = document.createElement("option");
        option.value = kept.concat([tag.name]).join(", ");
        option.label = tag.name + (tag.uses ? " (" + tag.uses + ")" : "");
        list.appendChild(option);
      });
    }

    function lookup() {
      var current = parts();
      if (current.last.length < 1) { fill([], current.kept); return; }
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var url = input.getAttribute("data-tag-suggest") + "?q=" + encodeURIComponent(current.last);
      fetch(url, { signal: pending.signal, headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
        .then(function (data) { fill(data.tags || [], current.kept); })
        .catch(function () { /* offline or aborted: the field still works as plain text */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-tag-suggest]"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
