// The composer in place: Preview without leaving the page, drafts saved as you type (debounced),
// and "Reply" that links back to a contribution and quotes the passage selected in it.
// Progressive enhancement only: without JavaScript the same buttons and links are plain form
// steps and URLs (forum/web/composer.py).
"use strict";

(function () {
  var SAVE_AFTER_MS = 1500;
  var DRAFT_FIELDS = ["title", "lead", "prompts", "call_to_action", "tags", "body", "prompt",
                      "reply_to"];

  /** The form's draft fields by name (only those it has). */
  function draftFields(form) {
    var fields = {};
    DRAFT_FIELDS.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && typeof input.value === "string") fields[name] = input.value;
    });
    return fields;
  }

  /** Show a status line in the form's draft notice (a polite live region). */
  function draftStatus(form, message) {
    var notice = form.querySelector("[data-draft-status]");
    if (!notice) return;
    notice.hidden = false;
    notice.textContent = message;
  }

  /** The time now as HH:MM, for "Draft saved at 14:05". */
  function clock() {
    var now = new Date();
    return ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }

  /** Save the form's draft on the server now; status says what happened. */
  function saveDraft(form) {
    var url = form.getAttribute("data-draft-url");
    return window.forum.fetch(url, { method: "PUT", json: { fields: draftFields(form) } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (draft) {
        draftStatus(form, draft.updated_at
          ? forumText("draft_saved_at", "Draft saved at {time}.").replace("{time}", clock())
          : forumText("draft_empty", "The form is empty, so no draft is kept."));
      })
      .catch(function () {
        draftStatus(form, forumText("draft_failed",
          "The draft could not be saved just now; try again in a moment."));
      });
  }

  /** A question's prompts ("Label: text", the label bold) and call to action in the preview,
   *  as plain text nodes (never HTML); hidden when there are none. */
  function showQuestionParts(panel, data) {
    var list = panel.querySelector("[data-preview-prompts]");
    var call = panel.querySelector("[data-preview-cta]");
    if (list) {
      list.textContent = "";
      (data.prompts || []).forEach(function (prompt) {
        var item = document.createElement("li");
        var label = document.createElement("strong");
        item.setAttribute("dir", "auto");
        label.textContent = prompt.label + ":";
        item.appendChild(label);
        item.appendChild(document.createTextNode(" " + prompt.text));
        list.appendChild(item);
      });
      list.hidden = !list.firstChild;
    }
    if (call) {
      call.textContent = data.call_to_action || "";
      call.hidden = !data.call_to_action;
    }
  }

  /** Render the form's Markdown field through the server's sanitizer into the preview panel. */
  function preview(form) {
    var source = form.elements.namedItem("body") || form.elements.namedItem("lead");
    var panel = form.querySelector("[data-preview-panel]");
    if (!source || !panel) return;
    var request = { text: source.value };
    var prompts = form.elements.namedItem("prompts");
    var callToAction = form.elements.namedItem("call_to_action");
    if (prompts) {  // a question: its prompts and call to action, checked as posting would
      request.prompts = prompts.value;
      request.call_to_action = callToAction ? callToAction.value : "";
    }
    window.forum.fetch(form.getAttribute("data-preview-url"), {
      method: "POST", json: request,
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      var body = panel.querySelector("[data-preview-body]");
      var title = panel.querySelector("[data-preview-title]");
      var titleInput = form.elements.namedItem("title");
      if (title && titleInput) title.textContent = titleInput.value;
      panel.hidden = false;
      showQuestionParts(panel, result.ok ? result.data : {});
      if (!result.ok) {
        body.textContent = result.data.error ? result.data.error.message : forumText("no_preview", "No preview.");
      } else if (result.data.html) {
        body.innerHTML = result.data.html;  // sanitized by the server (forum/markup.py)
      } else if ((result.data.prompts || []).length || result.data.call_to_action) {
        body.textContent = "";
      } else {
        body.innerHTML = '<p class="empty"></p>';
        body.firstChild.textContent = forumText("preview_empty", "Nothing to preview yet.");
      }
      body.focus();
      window.forum.announce("Preview updated.");
    });
  }

  /** Wire one composer form: the Preview and Save draft buttons, and saving as you type. */
  function setUpForm(form) {
    var timer = null;
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-preview-button")) {
        event.preventDefault();
        preview(form);
      } else if (button.hasAttribute("data-draft-button") && form.hasAttribute("data-draft-url")) {
        event.preventDefault();
        window.clearTimeout(timer);
        saveDraft(form);
      }
    });
    if (!form.hasAttribute("data-draft-url")) return;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { saveDraft(form); }, SAVE_AFTER_MS);
    });
    form.addEventListener("submit", function () { window.clearTimeout(timer); });
  }

  // The last passage selected inside a contribution's text, and which contribution it was in.
  var selected = { replyId: null, text: "" };

  function rememberSelection() {
    var selection = window.getSelection();
    var text = selection ? selection.toString().trim() : "";
    if (!text) return;
    var node = selection.anchorNode;
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    var body = element && element.closest(".reply-body");
    var card = body && body.closest("li.reply");
    if (card) selected = { replyId: card.id.replace("reply-", ""), text: text };
  }

  /** "> " before every line of a passage, then a blank line: a Markdown quote. */
  function quote(text) {
    return text.split(/\r?\n/).map(function (line) { return "> " + line; }).join("\n") + "\n\n";
  }

  /** The name of the author of the contribution a "Reply" link is on (as its card shows it). */
  function authorOf(link) {
    var author = link.closest("li.reply") && link.closest("li.reply").querySelector(".author");
    return link.getAttribute("data-reply-author") || (author ? author.textContent.trim() : "");
  }

  /** Point the reply form at a contribution: link back, and quote what was selected in it. */
  function startReply(link, form) {
    var replyId = link.getAttribute("data-reply-to");
    var name = authorOf(link);
    form.elements.namedItem("reply_to").value = replyId;
    var note = form.querySelector("[data-replying-to]");
    if (!note) {
      note = document.createElement("p");
      note.className = "replying-to";
      note.setAttribute("data-replying-to", "");
      form.insertBefore(note, form.querySelector(".field"));
    }
    var parts = forumText("in_reply_to", "In reply to {contribution}.").split("{contribution}");
    note.textContent = parts[0];
    var back = document.createElement("a");
    back.href = "#reply-" + replyId;
    back.textContent = forumText("someones_contribution", "{name}’s contribution")
      .replace("{name}", name);
    note.appendChild(back);
    note.appendChild(document.createTextNode((parts[1] || "") + " "));
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link-button";
    cancel.textContent = forumText("dont_reply", "Don’t reply to it");
    cancel.addEventListener("click", function () {
      form.elements.namedItem("reply_to").value = "";
      note.remove();
      form.dispatchEvent(new Event("input"));
    });
    note.appendChild(cancel);
    var body = form.elements.namedItem("body");
    if (selected.replyId === replyId && selected.text) {
      body.value = quote(selected.text) + body.value;
      selected = { replyId: null, text: "" };
    }
    body.focus();
    body.setSelectionRange(body.value.length, body.value.length);
    form.dispatchEvent(new Event("input"));
    window.forum.announce("Replying to " + name + ".");
  }

  window.forum.ready(function () {
    document.querySelectorAll("form[data-composer]").forEach(setUpForm);
    var replyForm = document.querySelector("form.reply-form[data-draft-url]");
    if (!replyForm) return;
    document.addEventListener("selectionchange", rememberSelection);
    document.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-reply-to]");
      if (!link) return;
      event.preventDefault();
      startReply(link, replyForm);
    });
  });
})();
