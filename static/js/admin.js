// What the Django admin's own widgets leave out, for staff who work with a keyboard or a screen reader.
(function () {
  "use strict";
  const searchLabel = document.documentElement.lang.startsWith("fr") ? "Rechercher" : "Search";

  // select2 (the admin's autocomplete) draws its search box without a name.
  function nameSearchBoxes() {
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach((box) => {
      box.setAttribute("aria-label", searchLabel);
    });
  }

  // A box that scrolls sideways on a narrow screen (an inline table, the candidates) must take the focus, or a
  // keyboard cannot scroll it.
  function focusScrollingBoxes() {
    document.querySelectorAll(".inline-group, .entraide-scroll").forEach((box) => {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.tabIndex = 0;
    });
  }

  nameSearchBoxes();
  focusScrollingBoxes();
  new MutationObserver(nameSearchBoxes).observe(document.body, { childList: true, subtree: true });
  window.addEventListener("resize", focusScrollingBoxes);
})();
