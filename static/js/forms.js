// After a failed submission, move focus to the error summary so that screen readers announce it and
// keyboard users start from the list of links to the fields in error.
(function () {
  "use strict";
  const summary = document.querySelector(".entraide-error-summary");
  if (summary) summary.focus();
})();
