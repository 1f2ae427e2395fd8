// Progressive enhancement only: every page works without this file.
import { initAll } from "/static/vendor/govuk-frontend.min.js";

initAll();

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;

document.body.addEventListener("htmx:configRequest", (event) => {
  if (csrfToken) event.detail.headers["X-CSRFToken"] = csrfToken;
});

// A polite live region that exists from page load: a live region that arrives with swapped
// content is not reliably announced, so status messages in swapped content are copied here.
const liveRegion = document.createElement("div");
liveRegion.id = "app-live-region";
liveRegion.className = "govuk-visually-hidden";
liveRegion.setAttribute("role", "status");
liveRegion.setAttribute("aria-live", "polite");
document.body.appendChild(liveRegion);

function announce(text) {
  liveRegion.textContent = "";
  // Set a moment later, so the same message twice in a row is announced twice.
  window.setTimeout(() => {
    liveRegion.textContent = text;
  }, 50);
}

function moveFocusTo(element) {
  if (!element.hasAttribute("tabindex")) element.setAttribute("tabindex", "-1");
  element.focus();
}

function focusWasLost() {
  const active = document.activeElement;
  return !active || active === document.body || !active.isConnected;
}

function find(root, selector) {
  return root.matches(selector) ? root : root.querySelector(selector);
}

// After a swap: start GOV.UK components inside the new content only (an error summary and a
// role="alert" notification banner take focus as they do on a full page load), make sure an
// error summary has focus, and announce any other status message.
// The event is dispatched on the new content itself (hx-swap="outerHTML") or on the target
// (innerHTML).
document.body.addEventListener("htmx:afterSwap", (event) => {
  const swapped = event.target;
  if (!(swapped instanceof Element) || !swapped.isConnected) return;
  initAll({ scope: swapped });
  const summary = find(swapped, ".govuk-error-summary");
  if (summary) {
    moveFocusTo(summary);
    return;
  }
  const alert = find(swapped, '[role="alert"]');
  if (alert) {
    if (!alert.contains(document.activeElement)) moveFocusTo(alert);
    return;
  }
  const status = find(swapped, '[role="status"], .govuk-notification-banner--success');
  if (status) {
    announce(status.textContent.replace(/\s+/g, " ").trim());
    if (focusWasLost()) moveFocusTo(status);
  }
});
