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
    var done = function () {
      var original = button.textContent;
      button.textContent = button.getAttribute("data-copied-text") || "Copied";
      setTimeout(function () { button.textContent = original; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
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
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    document.body.removeChild(area);
  }

  // "Open in my mail app" follows what is typed, not only what was saved.
  function refreshMailto() {
    var link = document.getElementById("mailto-link");
    if (!link) return;
    var to = link.getAttribute("data-mailto-to") || "";
    link.href = "mailto:" + encodeURIComponent(to).replace("%40", "@") +
      "?subject=" + encodeURIComponent(valueOf("#id_subject")) +
      "&body=" + encodeURIComponent(valueOf("#id_body"));
  }
  document.addEventListener("input", function (event) {
    if (event.target.id === "id_subject" || event.target.id === "id_body") refreshMailto();
  });
})();
