// In-place star ratings (the forms work without it): post through forum.js's submitForm
// (X-CSRFToken from <meta name="csrf-token">, Accept: application/json), update the figures.
// The stars become one ARIA radio group: one tab stop, arrow keys choose (the choice is sent
// a moment after the last key press), Space or Enter or a click sends at once.
"use strict";
(function () {
  var ARROW_SEND_MS = 600;

  function stars(form) {
    return Array.prototype.slice.call(form.querySelectorAll("button[data-stars]"));
  }

  /** Mark one star checked (or none) with the roving tab stop on it (or on the first). */
  function check(form, mine) {
    var buttons = stars(form);
    buttons.forEach(function (button) {
      var value = Number(button.getAttribute("data-stars"));
      button.setAttribute("aria-checked", value === mine ? "true" : "false");
      button.tabIndex = value === (mine || 1) ? 0 : -1;
    });
  }

  /** Turn a form's star buttons into a radio group (the no-script form stays underneath). */
  function radioGroup(form) {
    var group = form.querySelector(".rating-stars");
    var legend = form.querySelector(".rating-legend");
    var box = document.createElement("div");
    box.setAttribute("role", "radiogroup");
    box.className = "rating-radios";
    if (legend) box.setAttribute("aria-label", legend.textContent);
    var buttons = stars(form);
    group.insertBefore(box, buttons[0]);
    var mine = null;
    buttons.forEach(function (button) {
      box.appendChild(button);
      button.setAttribute("role", "radio");
      if (button.getAttribute("aria-pressed") === "true") mine = Number(button.getAttribute("data-stars"));
      button.removeAttribute("aria-pressed");
      button.removeAttribute("title");
    });
    check(form, mine);
    var timer = null;
    box.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      var at = buttons.indexOf(document.activeElement);
      var next = buttons[(at + step + buttons.length) % buttons.length];
      var value = Number(next.getAttribute("data-stars"));
      check(form, value);
      form.querySelectorAll("button[data-stars]").forEach(function (button) {
        button.classList.toggle("rating-star-on", Number(button.getAttribute("data-stars")) <= value);
      });
      next.focus();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { submit(form, next); }, ARROW_SEND_MS);
    });
  }

  function show(form, rating, text) {
    var box = form.closest("[data-rating]");
    var figures = box && box.querySelector("[data-rating-figures]");
    if (figures && text) figures.textContent = text;
    var mine = rating ? rating.mine : null;
    form.querySelectorAll("button[data-stars]").forEach(function (button) {
      var stars = Number(button.getAttribute("data-stars"));
      button.classList.toggle("rating-star-on", mine !== null && stars <= mine);
    });
    check(form, mine);
    var remove = form.querySelector("[data-rating-remove]");
    if (remove) remove.hidden = mine === null;
  }

  function status(form, message, isError) {
    var line = form.querySelector("[data-rating-status]");
    if (!line) return;
    line.textContent = message || "";
    line.classList.toggle("error", Boolean(isError));
  }

  function submit(form, submitter) {
    form.setAttribute("aria-busy", "true");
    return window.forum.submitForm(form, submitter).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error(response.status === 400
          ? forumText("session_expired", "Your session may have expired: reload the page and try again.")
          : forumText("rating_failed", "Could not save your rating (error {status}).")
            .replace("{status}", response.status));
      }
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error ? data.error.message : forumText("not_saved", "Could not save."));
        show(form, data.rating, data.text);
        status(form, data.message, false);
      });
    }).catch(function (error) {
      status(form, error.message, true);
    }).then(function () {
      form.removeAttribute("aria-busy");
    });
  }

  window.forum.ready(function () {
    if (!window.fetch || !window.FormData) return;
    document.querySelectorAll("form[data-rating-form]").forEach(radioGroup);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-rating-form")) return;
    if (!window.forum || !window.fetch || !window.FormData) return;
    event.preventDefault();
    submit(form, event.submitter);
  });
})();
