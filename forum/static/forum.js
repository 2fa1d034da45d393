// The forum's own small script: shared helpers for the feature scripts (ratings.js, tags.js,
// moderation.js). Progressive enhancement only: every page works without JavaScript.
"use strict";

(function () {
  /** The CSRF token the layout puts in <meta name="csrf-token">. */
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /**
   * fetch() for the forum's own endpoints: same-origin cookies, JSON accepted, and the
   * X-CSRFToken header on every unsafe method. Pass {json: value} to send a JSON body.
   */
  function forumFetch(url, options) {
    var opts = Object.assign({ credentials: "same-origin" }, options || {});
    var headers = new Headers(opts.headers || {});
    var method = (opts.method || "GET").toUpperCase();
    if (["GET", "HEAD", "OPTIONS"].indexOf(method) === -1 && !headers.has("X-CSRFToken")) {
      headers.set("X-CSRFToken", csrfToken());
    }
    if (!headers.has("Accept")) {
      headers.set("Accept", "application/json");
    }
    if (Object.prototype.hasOwnProperty.call(opts, "json")) {
      headers.set("Content-Type", "application/json");
      opts.body = JSON.stringify(opts.json);
      delete opts.json;
    }
    headers.set("X-Requested-With", "fetch");
    opts.method = method;
    opts.headers = headers;
    return fetch(url, opts);
  }

  /** Submit a <form> in the background (its own fields, CSRF token included, plus the button). */
  function submitForm(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) {
      body.append(submitter.name, submitter.value);
    }
    return forumFetch(form.getAttribute("action") || window.location.href, {
      method: form.getAttribute("method") || "POST",
      body: body,
    });
  }

  /** Say something to screen-reader users through one shared polite live region. */
  function announce(message) {
    var region = document.getElementById("forum-live");
    if (!region) {
      region = document.createElement("div");
      region.id = "forum-live";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      (document.querySelector(".forum") || document.body).appendChild(region);  // styled there
    }
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  /** Run fn once the document is parsed (scripts are deferred, so usually at once). */
  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /** A sentence in the reader's language, from <meta name="forum-messages"> (else the fallback). */
  var messages = null;
  function forumText(key, fallback) {
    if (messages === null) {
      var source = document.querySelector('meta[name="forum-messages"]');
      try {
        messages = source ? JSON.parse(source.getAttribute("content")) : {};
      } catch (e) { messages = {}; }
    }
    return messages[key] || fallback;
  }

  window.forumFetch = forumFetch;
  window.forumText = forumText;
  window.forum = {
    csrfToken: csrfToken,
    fetch: forumFetch,
    submitForm: submitForm,
    announce: announce,
    ready: ready,
  };
})();
