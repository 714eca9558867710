// The Pipeline's drag and drop: dropping a card on another column submits the page's move form
// (a plain POST with its CSRF token, the one the keyboard's "Move to…" page posts too), so the
// server moves it through the one stage-change service and the board comes back as it was
// filtered. Without JavaScript, "Move to…" does it.
(function () {
  "use strict";

  var dragged = null;

  function columnOf(event) {
    return event.target.closest ? event.target.closest(".column[data-stage]") : null;
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".app-card[draggable]") : null;
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-pk"));
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".column.drop-target").forEach(function (c) {
      c.classList.remove("drop-target");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = columnOf(event);
    if (!column || !dragged) return;
    event.preventDefault();  // allows the drop
    event.dataTransfer.dropEffect = "move";
    column.classList.add("drop-target");
  });

  document.addEventListener("dragleave", function (event) {
    var column = columnOf(event);
    if (column && !column.contains(event.relatedTarget)) column.classList.remove("drop-target");
  });

  document.addEventListener("drop", function (event) {
    var column = columnOf(event);
    if (!column || !dragged) return;
    event.preventDefault();
    var stage = column.getAttribute("data-stage");
    var card = dragged;
    column.classList.remove("drop-target");
    if (card.getAttribute("data-stage") === stage) return;
    var form = document.getElementById("pipeline-move");
    if (!form) return;
    form.elements.application.value = card.getAttribute("data-pk");
    form.elements.stage.value = stage;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
})();
