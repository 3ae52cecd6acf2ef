/* The delegate's pages offline (with static/js/sw.js): registers the service worker, asks it to
 * keep the person's pages that this page lists (#offline-urls, written by the server from the
 * person's own visits), and, on a copy the phone saved, says when it was saved.
 *
 * The saved time is shown in the phone's own zone: it answers "how old is this copy?", so it
 * is read against the clock the phone shows, wherever the delegate is (at home before the
 * visit, or between two of its zones); the itinerary's own times stay in each venue's zone.
 * No inline script: the page's data-* attributes carry the words, in the page's language. */
(function () {
  "use strict";
  if (window.cityExchangeOffline) return;  // the include and a page's own script tag may both load it
  window.cityExchangeOffline = true;

  /* "3 Nov 2019, 14:05 CST": the date and time in the page's language, then the zone's
   * abbreviation where one is known (CST, CET), else its offset (UTC−6). */
  function savedWhen(date) {
    const language = document.documentElement.lang || "en";
    const dateLanguage = language === "en" ? "en-GB" : language;
    const when = new Intl.DateTimeFormat(dateLanguage, {
      day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).format(date);
    const zoneName = (locale) => {
      const part = new Intl.DateTimeFormat(locale, { timeZoneName: "short" }).formatToParts(date)
        .find((piece) => piece.type === "timeZoneName");
      return part ? part.value : "";
    };
    const abbreviation = ["en-US", "en-GB"].map(zoneName).find((name) => name && !/^(GMT|UTC)[+−-]/.test(name));
    return when + " " + (abbreviation || zoneName(language));
  }

  function showSaved() {
    const banner = document.getElementById("offline-saved");
    if (!banner || !banner.dataset.offlineSavedAt) return;
    const saved = new Date(banner.dataset.offlineSavedAt);
    if (Number.isNaN(saved.getTime())) return;
    const words = navigator.onLine ? banner.dataset.unreachableText : banner.dataset.offlineText;
    banner.textContent = (words || "{when}").replace("{when}", savedWhen(saved));
    banner.hidden = false;
  }

  function pagesToKeep() {
    const list = document.getElementById("offline-urls");
    try {
      const urls = list ? JSON.parse(list.textContent) : [];
      return Array.isArray(urls) ? urls.filter((url) => typeof url === "string") : [];
    } catch (error) {
      return [];
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showSaved);
  } else {
    showSaved();
  }
  window.addEventListener("online", showSaved);
  window.addEventListener("offline", showSaved);

  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const assets = Array.from(document.querySelectorAll("link[rel=stylesheet][href], script[src]"))
        .map((element) => element.href || element.src)
        .filter((url) => new URL(url).pathname.startsWith("/static/"));
      if (registration.active) {
        const complete = Boolean(document.querySelector("[data-offline-complete]"));
        registration.active.postMessage({ type: "save", urls: pagesToKeep(), complete: complete, assets: assets });
      }
    })
    .catch(() => {});
})();
