// The confidentiality hint while typing: a moment after the coach stops typing, the text is sent
// to the server's check (the server is the only judge) and what may identify a client is listed
// under the field. Submitting still goes through the full check; every page works without it.
"use strict";
(function () {
  var DELAY_MS = 700;

  function box(field) {
    var next = field.nextElementSibling;
    if (next && next.hasAttribute("data-confidentiality-hint")) return next;
    var hint = document.createElement("div");
    hint.setAttribute("data-confidentiality-hint", "");
    hint.className = "confidential-live";
    hint.setAttribute("role", "status");
    hint.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", hint);
    return hint;
  }

  function show(field, findings) {
    var hint = box(field);
    hint.textContent = "";
    if (!findings.length) return;
    var title = document.createElement("p");
    title.textContent = forumText("confidential_title", "This may identify a client (you can replace it when you post):");
    hint.appendChild(title);
    var list = document.createElement("ul");
    findings.forEach(function (finding) {
      var item = document.createElement("li");
      var mark = document.createElement("mark");
      mark.textContent = finding.text;
      item.appendChild(mark);
      item.appendChild(document.createTextNode(
        " " + finding.explanation + " \u2192 \u201c" + finding.suggestion + "\u201d"));
      list.appendChild(item);
    });
    hint.appendChild(list);
  }

  function check(field) {
    var text = field.value;
    window.forum.fetch(field.getAttribute("data-confidentiality"), {
      method: "POST", json: { text: text },
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (data && field.value === text) show(field, data.findings);
    }).catch(function () { /* the check on submit still runs */ });
  }

  window.forum.ready(function () {
    document.querySelectorAll("[data-confidentiality]").forEach(function (field) {
      var timer = null;
      field.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () { check(field); }, DELAY_MS);
      });
    });
  });
})();
