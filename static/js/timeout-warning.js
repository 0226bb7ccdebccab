// The sign-out warning (WCAG 2.2.1 Timing Adjustable): shortly before the session ends for inactivity, a modal
// dialog says so and offers "Stay signed in", which asks the server to start the inactivity timeout again. When the
// time runs out anyway, the page asks the server whether the session really ended, and if so reloads, so the person
// is asked to sign in and brought back here.
// The limit counted from sign-in cannot be extended: the dialog then says when it ends.
const dialog = document.getElementById("timeout-warning");
if (dialog && typeof dialog.showModal === "function") {
  const seconds = (name) => Number(dialog.dataset[name]) * 1000;
  const warning = seconds("warningSeconds");
  const absoluteEnd = Date.now() + seconds("absoluteSecondsLeft");
  let idleEnd = Date.now() + seconds("idleSeconds");
  const stay = dialog.querySelector("[data-timeout-stay]");
  const idleText = dialog.querySelector("[data-timeout-idle]");
  const absoluteText = dialog.querySelector("[data-timeout-absolute]");
  const close = dialog.querySelector("[data-timeout-close]");
  const timeLeft = dialog.querySelectorAll("[data-timeout-left]");
  let shownFor = null; // the end the dialog last warned of: once closed, it does not come back for the same end

  const minutes = (ms) => {
    const count = Math.max(1, Math.ceil(ms / 60000));
    return count === 1 ? "1 minute" : `${count} minutes`;
  };
  // When the time is up, ask the server (without saying "stay"): another tab may have kept the session alive, and
  // this page must then neither sign it out nor lose what was typed here. If it has ended, come back to this page,
  // which asks for sign-in (or, past the limit from sign-in, says why) and returns here afterwards.
  let asking = false;
  const timeUp = async () => {
    if (asking) return;
    asking = true;
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        credentials: "same-origin", redirect: "manual", headers: { Accept: "application/json" },
      });
      if (response.ok && absoluteEnd > Date.now()) {
        idleEnd = Date.now() + (await response.json()).idle_seconds * 1000;
        if (dialog.open) dialog.close();
        asking = false;
        return;
      }
    } catch (error) {
      // No answer: go to the page, which answers for itself.
    }
    location.assign(location.pathname + location.search);
  };
  const token = () => dialog.querySelector("input[name=csrfmiddlewaretoken]").value;
  const stayed = async () => {
    try {
      const response = await fetch(dialog.dataset.keepAliveUrl, {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "X-CSRFToken": token(), Accept: "application/json" },
      });
      if (!response.ok) return timeUp();
      idleEnd = Date.now() + (await response.json()).idle_seconds * 1000;
    } catch (error) {
      return; // Offline for a moment: the warning comes back while there is still time.
    }
    dialog.close();
  };
  const check = () => {
    const end = Math.min(idleEnd, absoluteEnd);
    const left = end - Date.now();
    if (left <= 0) return timeUp();
    if (left > warning || dialog.open || shownFor === end) return;
    shownFor = end;
    const absolute = absoluteEnd <= idleEnd;
    idleText.hidden = absolute;
    absoluteText.hidden = !absolute;
    stay.hidden = absolute;
    close.hidden = !absolute;
    timeLeft.forEach((element) => { element.textContent = minutes(left); });
    dialog.showModal();
  };
  stay.addEventListener("click", stayed);
  // Escape closes a modal dialog: take it as "Stay signed in", as the only other way out is to be signed out.
  dialog.addEventListener("cancel", (event) => { event.preventDefault(); if (!stay.hidden) stayed(); else dialog.close(); });
  close.addEventListener("click", () => dialog.close());
  window.setInterval(check, 1000);
}
