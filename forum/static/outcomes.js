// Outcome widgets in full ("I'll try this" with its reminder choice, "Report how it went" with
// its form): a card carries only a button of the page's one "try" form and a link to its report
// form (enough without scripts); this puts the page's template of the whole widget in its place.
"use strict";
(function () {
  function expand() {
    var template = document.getElementById("forum-outcome-widget");
    if (!template) return;
    var placeholder = template.getAttribute("data-placeholder");
    var html = template.innerHTML;
    document.querySelectorAll("[data-outcome-widget]").forEach(function (small) {
      var box = document.createElement("div");
      var card = small.closest("[id^=outcomes-]");
      if (!card) return;
      box.innerHTML = html.split(placeholder).join(card.id.replace("outcomes-", ""));
      small.replaceWith.apply(small, Array.prototype.slice.call(box.childNodes));
    });
  }

  window.forum.ready(expand);
})();
