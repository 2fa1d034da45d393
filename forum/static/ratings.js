// In-place star ratings (the forms work without it): post through forum.js's submitForm
// (X-CSRFToken from <meta name="csrf-token">, Accept: application/json), update the figures.
"use strict";
(function () {
  function show(form, rating, text) {
    var box = form.closest("[data-rating]");
    var figures = box && box.querySelector("[data-rating-figures]");
    if (figures && text) figures.textContent = text;
    var mine = rating ? rating.mine : null;
    form.querySelectorAll("button[data-stars]").forEach(function (button) {
      var stars = Number(button.getAttribute("data-stars"));
      button.classList.toggle("rating-star-on", mine !== null && stars <= mine);
      button.setAttribute("aria-pressed", stars === mine ? "true" : "false");
    });
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
          ? "Your session may have expired: reload the page and try again."
          : "Could not save your rating (error " + response.status + ").");
      }
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error ? data.error.message : "Could not save.");
        show(form, data.rating, data.text);
        status(form, data.message, false);
      });
    }).catch(function (error) {
      status(form, error.message, true);
    }).then(function () {
      form.removeAttribute("aria-busy");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-rating-form")) return;
    if (!window.forum || !window.fetch || !window.FormData) return;
    event.preventDefault();
    submit(form, event.submitter);
  });
})();
