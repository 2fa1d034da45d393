// Moderators' quick actions: ask before destructive ones; members' flag boxes (forms work without this script).
"use strict";
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = (button && button.getAttribute("data-confirm")) ||
    event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Flag boxes: each card's "Flag" box links to the flag page (which works without scripts);
// opened, it gets the page's one flag form's fields (#forum-flag-fields), sent to that page
// (the link's address).
document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.hasAttribute("data-flag-box")) return;
  var fields = document.getElementById("forum-flag-fields");
  var form = document.getElementById("forum-flag");
  var link = details.querySelector("a[href]");
  if (!fields || !form || !link) return;
  if (!details.open) {
    if (link) link.hidden = false;
    return;
  }
  document.querySelectorAll("details[data-flag-box][open]").forEach(function (other) {
    if (other !== details) other.open = false;
  });
  form.setAttribute("action", link.getAttribute("href"));
  if (link) link.hidden = true;
  fields.hidden = false;
  details.appendChild(fields);
}, true);
