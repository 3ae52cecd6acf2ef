/* CityExchange service worker: keeps a delegate's itinerary pages and PDFs readable offline.
 * Pages under /my/ and /fr/my/ are fetched from the network first and saved; without a network
 * the saved copy answers. Static files are served from the cache first. Served at /sw.js so
 * that its scope is the whole site. */
const PAGES = "cx-pages-v1";  // bump the version when what is saved changes shape
const STATIC = "cx-static-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => ![PAGES, STATIC].includes(key)).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function isDelegatePage(url) {
  return /^\/(fr\/)?my\/visits\/\d+\/(itinerary\.pdf)?$/.test(url.pathname) || /^\/(fr\/)?my\/$/.test(url.pathname);
}

async function networkFirst(request) {
  const cache = await caches.open(PAGES);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      await cache.put(request, response.clone());
    } else if (response.redirected || response.status === 404) {
      // Signed out, or no longer this person's visit: keep nothing of it on the phone.
      await (response.redirected ? caches.delete(PAGES) : cache.delete(request, { ignoreSearch: true }));
    }
    return response;
  } catch (error) {
    const saved = await cache.match(request, { ignoreSearch: true, ignoreVary: true });
    if (saved) return saved;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(STATIC);
  const saved = await cache.match(request);
  if (saved) return saved;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (isDelegatePage(url)) {
    event.respondWith(networkFirst(request));
  }
});

/* Save what the page asks for unless it is saved already (pages refresh themselves network-first). */
function keep(cacheName, urls) {
  if (!Array.isArray(urls)) return Promise.resolve();
  return caches.open(cacheName).then((cache) =>
    Promise.all(urls.map((url) =>
      cache.match(url, { ignoreVary: true }).then((hit) => hit || fetch(url, { credentials: "same-origin" })
        .then((response) => (response.ok && !response.redirected ? cache.put(url, response) : null))
        .catch(() => null))
    ))
  );
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGES));
  } else if (data.type === "save") {
    event.waitUntil(Promise.all([keep(PAGES, data.urls), keep(STATIC, data.assets)]));
  }
});
