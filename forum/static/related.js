// "Find a thread by its title" as you type, for moderators linking related reading: the same
// list the plain search form brings back (forum/web/related.py), filled in place.
"use strict";

(function () {
  var WAIT_MS = 250;

  /** One result: a copy of the server's candidate form, filled with the thread's fields. */
  function candidate(template, item) {
    var row = template.content.firstElementChild.cloneNode(true);
    var form = row.querySelector("form");
    form.elements.namedItem("category").value = item.category;
    form.elements.namedItem("title").value = item.title;
    form.elements.namedItem("target_thread_id").value = item.thread_id;
    row.querySelector("[data-candidate-category]").textContent = item.category;
    row.querySelector("[data-candidate-title]").textContent = item.title;
    row.querySelector("[data-candidate-label]").textContent = " “" + item.title + "”";
    return row;
  }

  function setUp(form) {
    var input = form.querySelector("input[type=search]");
    var list = document.querySelector("[data-related-found]");
    var template = document.getElementById("related-candidate");
    var timer = null;
    var asked = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        var ticket = ++asked;
        if (text.length < 2) {
          list.textContent = "";
          return;
        }
        var url = form.getAttribute("data-related-find") + "?q=" + encodeURIComponent(text);
        window.forum.fetch(url).then(function (response) { return response.json(); })
          .then(function (data) {
            if (ticket !== asked) return;  // an older answer arriving late
            list.textContent = "";
            (data.items || []).forEach(function (item) {
              list.appendChild(candidate(template, item));
            });
            if (!list.children.length) {
              var none = document.createElement("li");
              none.className = "empty";
              none.textContent = forumText("no_title_match", "No thread title contains “{words}”.")
                .replace("{words}", text);
              list.appendChild(none);
            }
          });
      }, WAIT_MS);
    });
  }

  window.forum.ready(function () {
    document.querySelectorAll("form[data-related-find]").forEach(setUp);
  });
})();
