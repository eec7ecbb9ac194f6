// A "Copier" button beside a read-only field (the API token shown once): copies its value and says so. Without
// the clipboard (an old browser, a page not served over HTTPS) the button stays hidden and the field is selected
// when focused, ready for Ctrl+C.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    const field = document.getElementById(button.dataset.copyTarget);
    if (!field) return;
    field.addEventListener("focus", function () { field.select(); });
    if (!navigator.clipboard) return;
    const label = button.textContent;
    const status = document.getElementById(button.dataset.copyStatus);
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = button.dataset.copiedText;
        if (status) status.textContent = button.dataset.copiedStatus;
        setTimeout(function () { button.textContent = label; }, 3000);
      }, function () { field.focus(); });
    });
  });
})();
