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
