// Progressive enhancement only: every page works without this file.
import { initAll } from "/static/vendor/govuk-frontend.min.js";

initAll();

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;

document.body.addEventListener("htmx:configRequest", (event) => {
  if (csrfToken) event.detail.headers["X-CSRFToken"] = csrfToken;
});

// After a swap, start GOV.UK components inside the new content only, and move focus to an
// error summary if the server sent one back.
document.body.addEventListener("htmx:afterSwap", (event) => {
  initAll({ scope: event.detail.elt });
  const summary = event.detail.elt.querySelector(".govuk-error-summary");
  if (summary) summary.focus();
});
