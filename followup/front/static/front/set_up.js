// The first-run set-up: when the server could not suggest a zone (a hosted server, a machine
// set to UTC), offer the browser's own; then the country of that zone, unless one was chosen.
// Without JavaScript the fields are simply typed.
(function () {
  "use strict";
  var zoneField = document.querySelector("[data-suggest-zone]");
  var countryField = document.querySelector("[data-suggest-country]");
  var mapNode = document.getElementById("zone-country");
  if (!zoneField || !countryField || !mapNode) return;
  var zoneCountry = JSON.parse(mapNode.textContent);
  // A country the person picked on this page is theirs; the zone no longer changes it.
  var countryChosen = false;
  countryField.addEventListener("change", function () { countryChosen = true; });

  function suggestCountry() {
    var code = zoneCountry[zoneField.value.trim()];
    if (!countryChosen && code) countryField.value = code;
  }

  if (zoneField.value.trim() === "") {
    var browserZone = "";
    try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { browserZone = ""; }
    if (browserZone) zoneField.value = browserZone;
  }
  if (countryField.value === "") suggestCountry();
  zoneField.addEventListener("change", suggestCountry);
})();
