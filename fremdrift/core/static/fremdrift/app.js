// Fremdrift's own behaviour, as a static file: the Content-Security-Policy allows no inline
// script and no event-handler attribute.
document.documentElement.classList.remove("no-js");

document.addEventListener("click", (event) => {
  const print = event.target.closest("[data-print]");
  if (print) {
    window.print();
    return;
  }
  // A save button sends its form once, even when clicked twice.
  const once = event.target.closest("[data-submit-once]");
  if (once) {
    if (once.dataset.sent) {
      event.preventDefault();
    } else {
      once.dataset.sent = "1";
    }
  }
});

// Det Fælles Designsystem's error summary: a page that answers a form with errors moves the
// focus to the summary at its top, so a screen reader reads it and a link leads to the field.
// Only the first one.
function focusErrorSummary(root) {
  const summary = root.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => focusErrorSummary(document));
} else {
  focusErrorSummary(document);
}
document.addEventListener("htmx:afterSwap", (event) => focusErrorSummary(event.detail.elt));
// A link in the summary moves the focus to its field, not only the view.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (target) {
    event.preventDefault();
    // A group (an item's fieldset) is not focusable itself: its first field is.
    const field = target.matches("input, select, textarea, [tabindex]")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea") || target;
    target.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  }
});
