// @mention suggestions as you type: in every textarea[data-mention-suggest], typing "@an" lists
// members whose names start with "an" (GET members/suggest?q=an); arrow keys move, Enter or Tab
// picks, Escape closes, a click picks. Without JavaScript the textarea simply suggests nothing.
"use strict";
(function () {
  var MENTION = /(?:^|[^\p{L}\p{N}_@\/.])@([\p{L}\p{N}][\p{L}\p{N}_.\-]{0,39})$/u;
  var counter = 0;

  function setup(input) {
    counter += 1;
    var listId = "mention-suggestions-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "mention-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", forumText("mention_list", "Members to mention"));
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    var timer = null;
    var pending = null;
    var active = -1;
    var typed = null; // {start, end} of "@prefix" in the text

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      active = -1;
      typed = null;
      input.removeAttribute("aria-activedescendant");
      while (list.firstChild) { list.removeChild(list.firstChild); }
    }

    function highlight(index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      Array.prototype.forEach.call(items, function (item, i) {
        item.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function choose(name) {
      if (!typed) { return; }
      var text = input.value;
      var insert = "@" + name + " ";
      input.value = text.slice(0, typed.start) + insert + text.slice(typed.end);
      var caret = typed.start + insert.length;
      input.setSelectionRange(caret, caret);
      close();
      input.focus();
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }

    function fill(members) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      members.forEach(function (member, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = "@" + member.name;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus (and the caret) in the textarea
          choose(member.name);
        });
        list.appendChild(option);
      });
      list.hidden = members.length === 0;
      status.textContent = members.length ?
        forumText(members.length === 1 ? "mention_one" : "mention_many",
                  "{count} members to mention: arrow keys to choose, Enter to insert.")
          .replace("{count}", members.length) : "";
      if (members.length) { highlight(0); }
    }

    function lookup() {
      var before = input.value.slice(0, input.selectionStart);
      var match = MENTION.exec(before);
      if (!match || input.selectionStart !== input.selectionEnd) { close(); return; }
      typed = { start: before.length - match[1].length - 1, end: before.length };
      if (pending) { pending.abort(); }
      pending = new AbortController();
      var url = input.getAttribute("data-mention-suggest") + "?q=" + encodeURIComponent(match[1]);
      var asked = typed;
      fetch(url, { signal: pending.signal, headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { members: [] }; })
        .then(function (data) { if (typed === asked) { fill(data.members || []); } })
        .catch(function () { /* offline or aborted: typing goes on without suggestions */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
        event.preventDefault();
        choose(options()[active].textContent.slice(1));
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 0); });
  }

  function init() {
    Array.prototype.forEach.call(
      document.querySelectorAll("textarea[data-mention-suggest]"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
