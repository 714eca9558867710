// followup: the little JavaScript htmx does not cover. Everything works without it.
(function () {
  "use strict";

  function valueOf(selector) {
    var el = document.querySelector(selector);
    return el ? el.value : "";
  }

  // "Copy to clipboard": the subject, a blank line, the body.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var parts = button.getAttribute("data-copy").split(",").map(function (s) { return valueOf(s.trim()); });
    var text = parts.filter(Boolean).join("\n\n");
    // Said aloud too (the status region), and only what really happened.
    var report = function (copied) {
      var original = button.getAttribute("data-label") || button.textContent;
      button.setAttribute("data-label", original);
      var message = copied ? (button.getAttribute("data-copied-text") || "Copied")
                           : "Could not copy: select the text and copy it yourself";
      button.textContent = copied ? message : "Copy failed";
      announce(message);
      setTimeout(function () { button.textContent = original; }, 2500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { report(true); },
        function () { report(fallbackCopy(text)); }
      );
    } else {
      report(fallbackCopy(text));
    }
  });

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }

  function announce(message) {
    var region = document.getElementById("live-status");
    if (!region) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = message; }, 50);
  }

  // A row's buttons go when htmx swaps the row for its new state: keep the keyboard there,
  // on the new row, and say what happened (its note).
  var pendingRow = null;
  // "Show N more" puts the next rows where the link was: the keyboard goes to the first of them.
  var lastBeforeMore = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt && event.detail.elt.closest ? event.detail.elt : null;
    var row = elt ? elt.closest("li.fu") : null;
    pendingRow = row ? row.id : null;
    var more = elt ? elt.closest("li.show-more") : null;
    lastBeforeMore = more ? more.previousElementSibling : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (lastBeforeMore) {
      var first = lastBeforeMore.nextElementSibling;
      lastBeforeMore = null;
      if (first) {
        first.setAttribute("tabindex", "-1");
        first.focus();
        announce("More shown.");
      }
      return;
    }
    if (!pendingRow) return;
    var row = document.getElementById(pendingRow);
    pendingRow = null;
    if (!row) return;
    row.setAttribute("tabindex", "-1");
    row.focus();
    var note = row.querySelector(".fu-note, .fu-error");
    if (note) announce(note.textContent);
  });

  // "Open in my mail app" follows what is typed, not only what was saved.
  function refreshMailto() {
    var link = document.getElementById("mailto-link");
    if (!link) return;
    var to = link.getAttribute("data-mailto-to") || "";
    link.href = "mailto:" + encodeURIComponent(to).replace("%40", "@") +
      "?subject=" + encodeURIComponent(valueOf("#id_subject")) +
      "&body=" + encodeURIComponent(valueOf("#id_body").replace(/\r?\n/g, "\r\n"));  // RFC 6068
  }
  document.addEventListener("input", function (event) {
    if (event.target.id === "id_subject" || event.target.id === "id_body") refreshMailto();
  });

  // "Open in WhatsApp" carries the message as typed too (wa.me/<digits>?text=…).
  document.addEventListener("input", function (event) {
    var link = document.getElementById("whatsapp-link");
    if (!link || event.target.id !== "id_body") return;
    link.href = "https://wa.me/" + link.getAttribute("data-wa-number") +
      "?text=" + encodeURIComponent(valueOf("#id_body"));
  });
})();
