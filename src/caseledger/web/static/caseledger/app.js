// Small progressive enhancements; every page also works without this file.
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]")) el.form.submit();
});

// A revealed value lasts CASELEDGER_REVEAL_SECONDS on screen, then the mask comes back.
document.querySelectorAll("[data-hide-after]").forEach((el) => {
  const seconds = Number(el.dataset.hideAfter);
  if (!(seconds > 0)) return;
  setTimeout(() => {
    el.textContent = el.dataset.masked;
    el.classList.add("expired");
  }, seconds * 1000);
});

// Print buttons on the printable pages (no inline handlers: the CSP forbids them).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
