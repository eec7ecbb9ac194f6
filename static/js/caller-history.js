// The hotline console: as the caller's number is typed in the form, their earlier requests appear under
// "Qui appelle ?" without leaving the page, drawn by the server (requests:intake_history, the same panel as a
// lookup's). A known caller's details can then be taken into the form's empty fields. Without this script, the
// lookup above does the same by loading the page again.
(function () {
  "use strict";
  const panel = document.getElementById("historique-appelant");
  const phone = document.querySelector("[data-caller-phone]");
  const lookup = document.querySelector("form[role='search'] input[name='telephone']");
  if (!panel || !phone) return;
  let shown = comparable(panel.dataset.phone || "");
  let timer = null;

  // "06 12 34 56 78", "+33 6 12 34 56 78" and the panel's "+33612345678" compare alike.
  function comparable(number) {
    const digits = number.replace(/\D/g, "");
    return digits.startsWith("0") ? "33" + digits.slice(1) : digits;
  }

  function complete(number) {
    return number.replace(/\D/g, "").length >= 10;
  }

  function show(number) {
    const key = comparable(number);
    if (!complete(number) || key === shown) return;
    shown = key;
    fetch(panel.dataset.url + "?telephone=" + encodeURIComponent(number), {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (key !== shown) return; // the number changed while this answer was on its way
        panel.innerHTML = html; // the server's own template, escaped by Django
        panel.dataset.phone = number;
        if (lookup) lookup.value = number; // "de ce numéro" names the number in the lookup above
      })
      .catch(function () { shown = ""; /* the lookup above still works */ });
  }

  phone.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { show(phone.value); }, 400);
  });
  phone.addEventListener("change", function () {
    clearTimeout(timer);
    show(phone.value);
  });

  // "Reprendre ses coordonnées": fills the fields still empty and the relation; what the operator typed stays.
  panel.addEventListener("click", function (event) {
    const button = event.target.closest("[data-caller-details]");
    if (!button) return;
    const details = JSON.parse(button.dataset.callerDetails);
    Object.keys(details).forEach(function (name) {
      phone.form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "radio") {
          input.checked = input.value === details[name];
        } else if (!input.value) {
          input.value = details[name];
        }
      });
    });
    const done = document.createElement("p");
    done.className = "small mb-0";
    done.textContent = button.dataset.doneText; // read out by the panel's live region
    button.replaceWith(done);
    // Back to the form, on the first detail to check with the caller.
    phone.form.querySelector("[name='requester_name']").focus();
  });
})();
