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

// Flag links: each card's "Flag" link leads to the flag page (which works without scripts);
// here it becomes a "Flag" box which, opened, gets the page's one flag form's fields
// (#forum-flag-fields), sent to that link's address.
window.forum.ready(function () {
  document.querySelectorAll("a[data-flag-link]").forEach(function (link) {
    var details = document.createElement("details");
    details.className = "flag-box";
    details.setAttribute("data-flag-box", link.getAttribute("href"));
    var summary = document.createElement("summary");
    summary.textContent = "Flag";
    details.appendChild(summary);
    link.replaceWith(details);
  });
});

document.addEventListener("toggle", function (event) {
  var details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.hasAttribute("data-flag-box") ||
      !details.open) return;
  var fields = document.getElementById("forum-flag-fields");
  var form = document.getElementById("forum-flag");
  if (!fields || !form) return;
  document.querySelectorAll("details[data-flag-box][open]").forEach(function (other) {
    if (other !== details) other.open = false;
  });
  form.setAttribute("action", details.getAttribute("data-flag-box"));
  fields.hidden = false;
  details.appendChild(fields);
}, true);
