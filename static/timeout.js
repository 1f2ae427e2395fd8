// The GOV.UK timeout warning: two minutes before the idle sign-out, offer to stay signed in.
const dialog = document.getElementById("timeout-warning");

if (dialog && typeof dialog.showModal === "function") {
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000;
  const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content;
  let warnTimer;
  let endTimer;

  const schedule = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(() => dialog.showModal(), Math.max(idleMs - warnMs, 0));
    endTimer = setTimeout(() => { window.location.href = "/login?timed_out=1"; }, idleMs);
  };

  dialog.querySelector('[data-timeout-action="stay"]').addEventListener("click", async () => {
    await fetch("/session/keep-alive", {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken || "" },
      credentials: "same-origin",
    });
    dialog.close();
    schedule();
  });
  dialog.addEventListener("cancel", () => schedule());
  document.body.addEventListener("htmx:afterRequest", () => schedule());
  schedule();
}
