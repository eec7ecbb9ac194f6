// The triage queue (templates/admin/requests_app/helprequest/change_list.html) needs the screen's width for its
// columns. Loaded after Django's nav_sidebar.js and filters.js, this script:
// - closes the navigation sidebar on this page unless the agent opened it here. Their choice on this page is kept
//   under its own key and the other admin pages keep theirs; Django's own button does the closing, so that its
//   state and aria-expanded follow.
// - folds the filters away below 1280 px, where the style sheet puts them above the list.
(function () {
  "use strict";
  const toggle = document.getElementById("toggle-nav-sidebar");
  const main = document.getElementById("main");
  if (toggle && main) {
    const KEY = "entraide.queue.navSidebarIsOpen";
    const SHARED = "django.admin.navSidebarIsOpen";
    const shared = localStorage.getItem(SHARED);
    const keepShared = () =>
      shared === null ? localStorage.removeItem(SHARED) : localStorage.setItem(SHARED, shared);
    if (main.classList.contains("shifted") !== (localStorage.getItem(KEY) === "true")) {
      toggle.click();
      keepShared();
    }
    toggle.addEventListener("click", () => {
      localStorage.setItem(KEY, String(main.classList.contains("shifted")));
      keepShared();
    });
  }

  const filters = document.querySelector("#changelist-filter > details");
  if (filters && !window.matchMedia("(min-width: 1280px)").matches) {
    filters.open = false;
  }
})();
