/* The officer's check-in board keeps itself current: every 30 seconds it fetches the page
 * again and swaps in the counts and the rows, unless the officer paused it. No full reload,
 * so reading or scrolling is not interrupted; without JavaScript the page is still complete. */
(function () {
  "use strict";
  const board = document.getElementById("check-in-board");
  const toggle = document.getElementById("check-in-refresh-toggle");
  const stamp = document.getElementById("check-in-refreshed");
  if (!board || !toggle) return;
  const INTERVAL = 30000;
  let paused = false;

  async function refresh() {
    if (paused || document.hidden) return;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const id of ["check-in-board", "check-in-counts"]) {
        const fresh = page.getElementById(id);
        const current = document.getElementById(id);
        if (fresh && current) current.replaceWith(fresh);
      }
      if (stamp) stamp.textContent = new Date().toLocaleTimeString(document.documentElement.lang || undefined);
    } catch (error) {
      /* offline for a moment: the next round tries again */
    }
  }

  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.setAttribute("aria-pressed", String(paused));
    toggle.textContent = paused ? toggle.dataset.resumeText : toggle.dataset.pauseText;
    if (!paused) refresh();
  });
  window.setInterval(refresh, INTERVAL);
})();
