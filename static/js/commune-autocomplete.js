// Suggests communes as the person types, through the page's <datalist>. Without this script the field
// still works: the server understands a name, "Name (postal code)" or a postal code.
(function () {
  "use strict";
  const input = document.querySelector("[data-commune-search]");
  const list = document.getElementById("communes-suggestions");
  if (!input || !list) return;
  let timer = null;
  let lastQuery = "";

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });

  function suggest() {
    const query = input.value.trim();
    if (query.length < 2 || query === lastQuery) return;
    lastQuery = query;
    fetch("/communes/recherche/?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        list.replaceChildren();
        data.results.forEach(function (commune) {
          const option = document.createElement("option");
          option.value = commune.label;
          // Browsers filter suggestions on what was typed: keep the typed text in the label so that a
          // name typed without accents ("vandoeuvre") still shows "Vandœuvre-lès-Nancy (54500)".
          option.label = query;
          list.appendChild(option);
        });
      })
      .catch(function () { /* suggestions are a comfort; typing still works */ });
  }
})();
