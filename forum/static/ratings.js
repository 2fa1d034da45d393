// In-place star ratings (the forms work without it): post through forum.js's submitForm
// (X-CSRFToken from <meta name="csrf-token">, Accept: application/json), update the figures.
// A widget is the thread's rating form or a card's stars, which are buttons of the page's one
// rating form (#forum-rating) naming the contribution. The stars become one ARIA radio group:
// one tab stop, arrow keys choose (the choice is sent a moment after the last key press),
// Space or Enter or a click sends at once.
"use strict";
(function () {
  var ARROW_SEND_MS = 600;

  function stars(widget) {
    return Array.prototype.slice.call(
      widget.querySelectorAll("button:not([data-rating-remove])"));
  }

  function starsOf(button) {
    return Number(button.getAttribute("data-stars") || button.value);
  }

  /** The page's one rating form, which the cards' buttons post (it holds their words). */
  function pageForm() {
    return document.getElementById("forum-rating");
  }

  /** Mark one star checked (or none) with the roving tab stop on it (or on the first). */
  function check(widget, mine) {
    stars(widget).forEach(function (button) {
      var value = starsOf(button);
      button.setAttribute("aria-checked", value === mine ? "true" : "false");
      button.tabIndex = value === (mine || 1) ? 0 : -1;
    });
  }

  function light(widget, mine) {
    stars(widget).forEach(function (button) {
      button.classList.toggle("rating-star-on", mine !== null && starsOf(button) <= mine);
    });
  }

  /** The line that says what happened (made here for cards, which do not carry one). */
  function statusLine(widget) {
    var box = widget.closest("[data-rating]") || widget;
    var line = box.querySelector("[data-rating-status]");
    if (!line) {
      line = document.createElement("p");
      line.className = "rating-status";
      line.setAttribute("data-rating-status", "");
      line.setAttribute("role", "status");
      widget.parentNode.insertBefore(line, widget.nextSibling);
    }
    return line;
  }

  /** Turn a widget's star buttons into a radio group (the no-script buttons stay underneath). */
  function radioGroup(widget) {
    var buttons = stars(widget);
    if (!buttons.length) return;
    var legend = widget.querySelector(".rating-legend");
    var page = pageForm();
    var name = legend ? legend.textContent : (page && page.getAttribute("data-legend"));
    var box = document.createElement("div");
    box.setAttribute("role", "radiogroup");
    box.className = "rating-radios";
    if (name) box.setAttribute("aria-label", name);
    buttons[0].parentNode.insertBefore(box, buttons[0]);
    var mine = null;
    buttons.forEach(function (button) {
      box.appendChild(button);
      button.setAttribute("role", "radio");
      button.classList.add("rating-star");
      if (!button.textContent.trim() && button.title) button.setAttribute("aria-label", button.title);
      if (button.getAttribute("aria-pressed") === "true") mine = starsOf(button);
      button.removeAttribute("aria-pressed");
      button.removeAttribute("title");
    });
    check(widget, mine);
    statusLine(widget);
    var timer = null;
    box.addEventListener("keydown", function (event) {
      var step = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 }[event.key];
      if (!step) return;
      event.preventDefault();
      var at = buttons.indexOf(document.activeElement);
      var next = buttons[(at + step + buttons.length) % buttons.length];
      var value = starsOf(next);
      check(widget, value);
      light(widget, value);
      next.focus();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { submit(widget, next); }, ARROW_SEND_MS);
    });
  }

  /** The widget's "Remove my rating" button (a card gets one the first time it is rated). */
  function removeButton(widget, needed) {
    var remove = widget.querySelector("[data-rating-remove]");
    var page = pageForm();
    if (!remove && needed && page) {
      var star = stars(widget)[0];
      remove = document.createElement("button");
      remove.setAttribute("form", page.id);
      remove.name = star.name;
      remove.value = "remove";
      remove.className = "link-button rating-remove";
      remove.setAttribute("data-rating-remove", "");
      remove.textContent = page.getAttribute("data-remove-label");
      widget.appendChild(remove);
    }
    return remove;
  }

  function show(widget, rating, text) {
    var box = widget.closest("[data-rating]");
    var figures = box && box.querySelector("[data-rating-figures]");
    if (figures && text) figures.textContent = text;
    var mine = rating ? rating.mine : null;
    light(widget, mine);
    check(widget, mine);
    var remove = removeButton(widget, mine !== null);
    if (remove) remove.hidden = mine === null;
  }

  function status(widget, message, isError) {
    var line = statusLine(widget);
    line.textContent = message || "";
    line.classList.toggle("error", Boolean(isError));
  }

  function submit(widget, submitter) {
    widget.setAttribute("aria-busy", "true");
    return window.forum.submitForm(submitter.form, submitter).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        throw new Error(response.status === 400
          ? forumText("session_expired", "Your session may have expired: reload the page and try again.")
          : forumText("rating_failed", "Could not save your rating (error {status}).")
            .replace("{status}", response.status));
      }
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error ? data.error.message : forumText("not_saved", "Could not save."));
        show(widget, data.rating, data.text);
        status(widget, data.message, false);
      });
    }).catch(function (error) {
      status(widget, error.message, true);
    }).then(function () {
      widget.removeAttribute("aria-busy");
    });
  }

  window.forum.ready(function () {
    if (!window.fetch || !window.FormData) return;
    document.querySelectorAll("[data-rating-form]").forEach(radioGroup);
  });

  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var widget = button && button.closest("[data-rating-form]");
    if (!widget || !button.form) return;
    if (!window.forum || !window.fetch || !window.FormData) return;
    event.preventDefault();
    submit(widget, button);
  });
})();
