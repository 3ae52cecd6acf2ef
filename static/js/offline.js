/* Registers the service worker, asks it to keep this itinerary and its PDF, and says when
 * the page was last updated, especially when the phone is offline. No inline script: the
 * page's data-* attributes carry what this needs. */
(function () {
  "use strict";
  const status = document.getElementById("offline-status");

  function describe() {
    if (!status) return;
    const generated = new Date(status.dataset.generated);
    const when = generated.toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "medium", timeStyle: "short",
    });
    const time = status.querySelector("time");
    if (time) time.textContent = when;
    status.classList.toggle("alert", !navigator.onLine);
    status.classList.toggle("alert-warning", !navigator.onLine);
    if (!navigator.onLine && status.dataset.offlineText) {
      status.firstChild.textContent = status.dataset.offlineText + " ";
    }
  }

  describe();
  window.addEventListener("online", describe);
  window.addEventListener("offline", describe);

  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(() => navigator.serviceWorker.ready).then((registration) => {
    const urls = status && status.dataset.cacheUrls ? status.dataset.cacheUrls.split(" ").filter(Boolean) : [];
    const assets = Array.from(document.querySelectorAll("link[rel=stylesheet][href], script[src]"))
      .map((element) => element.href || element.src);
    if (registration.active) {
      registration.active.postMessage({ type: "save", urls: urls, assets: assets });
    }
  }).catch(() => {});
})();
