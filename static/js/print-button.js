// The mission order's "Imprimer" button: shown only where a script runs (without one, the browser’s own print command).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
