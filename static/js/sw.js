/* CityExchange service worker: keeps a delegate's own pages readable offline.
 *
 * The visit list, each itinerary, its PDF and its contacts sheet (under /my/ and /fr/my/) are
 * fetched from the network first; without a network, or when the portal answers 5xx, the saved
 * copy answers. A response is kept only when the server names its owner (X-Offline-Copy, an
 * opaque per-person key: trips/offline.py), in that person's cache alone ("cx-my-<key>"); storing
 * one person's copy drops every other person's, and so do signing out and a page that sends the
 * phone to the sign-in page. Each copy carries the time it was saved (X-Offline-Saved-At, and in
 * a page's data-offline-saved-at) for static/js/offline.js to show. Static files are served from
 * the cache first. Served at /sw.js so that its scope is the whole site. */
const STATIC = "cx-static-v1";
const COPY_PREFIX = "cx-my-";
const OWNER_HEADER = "X-Offline-Copy";
const SAVED_HEADER = "X-Offline-Saved-At";
const SAVED_MARK = 'data-offline-saved-at=""';
// A copy this young is not fetched again when a page asks for it to be kept.
const FRESH_FOR_MS = 5 * 60 * 1000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key !== STATIC && !key.startsWith(COPY_PREFIX))
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

function isDelegatePage(url) {
  return url.origin === self.location.origin
    && /^\/(fr\/)?my\/(visits\/\d+\/(itinerary\.pdf|contacts\/)?)?$/.test(url.pathname);
}

function isSignOut(url) {
  return url.origin === self.location.origin && /^\/(fr\/)?accounts\/logout\/$/.test(url.pathname);
}

/* The same page in the other language: a French delegate's start_url /my/ was saved as /fr/my/. */
function otherLanguage(url) {
  const other = new URL(url);
  other.pathname = other.pathname.startsWith("/fr/") ? other.pathname.slice(3) : "/fr" + other.pathname;
  other.search = "";
  return other.href;
}

async function copyCaches() {
  return (await caches.keys()).filter((key) => key.startsWith(COPY_PREFIX));
}

// Raised by every "forget them all" (a sign-out): a fetch that started before it keeps nothing,
// so a page list still being saved cannot bring back what the sign-out removed.
let generation = 0;

async function forget(exceptName) {
  if (exceptName === null) generation += 1;
  const names = await copyCaches();
  await Promise.all(names.filter((name) => name !== exceptName).map((name) => caches.delete(name)));
}

async function savedCopy(url) {
  for (const name of await copyCaches()) {
    const cache = await caches.open(name);
    const hit = await cache.match(url, { ignoreSearch: true, ignoreVary: true })
      || await cache.match(otherLanguage(url), { ignoreSearch: true, ignoreVary: true });
    if (hit) return hit;
  }
  return null;
}

/* Keep a network answer for a delegate page, or draw what it says about the phone's copies. */
async function remember(url, response, startedIn) {
  const owner = response.headers.get(OWNER_HEADER);
  if (startedIn !== generation) return;
  if (response.ok && owner) {
    const name = COPY_PREFIX + owner;
    await forget(name);
    const savedAt = new Date().toISOString();
    const headers = new Headers(response.headers);
    headers.set(SAVED_HEADER, savedAt);
    // The body is kept decoded, and a page's grows by the saved time.
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    const html = (headers.get("Content-Type") || "").startsWith("text/html");
    const body = html
      ? (await response.text()).replace(SAVED_MARK, 'data-offline-saved-at="' + savedAt + '"')
      : await response.arrayBuffer();
    if (startedIn !== generation) return;  // signed out while the body was read
    const cache = await caches.open(name);
    // Under the address asked for and the one answered (/my/ answered from /fr/my/).
    for (const key of new Set([url, response.url || url])) {
      await cache.put(key, new Response(body, { status: 200, statusText: "OK", headers: headers }));
    }
  } else if (response.ok || response.status === 403) {
    // A delegate page without an owner is the sign-in page: nobody's copies stay on the phone.
    await forget(null);
  } else if (response.status === 404 || response.status === 410) {
    // No longer this person's visit.
    for (const name of await copyCaches()) {
      const cache = await caches.open(name);
      await cache.delete(url, { ignoreSearch: true });
      await cache.delete(response.url || url, { ignoreSearch: true });
    }
  }
}

async function networkFirst(event) {
  const request = event.request;
  const startedIn = generation;
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const saved = await savedCopy(request.url);
    if (saved) return saved;
    throw error;
  }
  if (response.status >= 500) {
    const saved = await savedCopy(request.url);
    if (saved) return saved;
  }
  event.waitUntil(remember(request.url, response.clone(), startedIn));
  return response;
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
  const url = new URL(request.url);
  if (request.method === "POST" && isSignOut(url)) {
    // Signing out forgets the copies at once, even offline; the request itself goes on as usual.
    event.waitUntil(forget(null));
    return;
  }
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (isDelegatePage(url)) {
    event.respondWith(networkFirst(event));
  }
});

/* Fetch and keep the person's pages that a page names (its #offline-urls), one at a time so a
 * phone's first visit does not ask the server for every PDF at once. */
async function keepPages(urls, startedIn) {
  for (const path of urls) {
    if (startedIn !== generation) return;
    const url = new URL(path, self.location.origin);
    if (!isDelegatePage(url)) continue;
    const saved = await savedCopy(url.href);
    const savedAt = saved && Date.parse(saved.headers.get(SAVED_HEADER));
    if (savedAt && Date.now() - savedAt < FRESH_FOR_MS) continue;
    try {
      await remember(url.href, await fetch(url.href, { credentials: "same-origin" }), startedIn);
    } catch (error) {
      return;  // offline again: the rest waits for the next page seen online
    }
  }
}

/* The visit list names all the person's pages: a copy it no longer names (a visit they were
 * taken off) goes, whichever language it was saved in. */
async function dropUnlisted(urls, startedIn) {
  if (startedIn !== generation) return;
  const bare = (path) => new URL(path, self.location.origin).pathname.replace(/^\/fr\//, "/");
  const listed = new Set(urls.map(bare));
  for (const name of await copyCaches()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (!listed.has(bare(request.url))) await cache.delete(request);
    }
  }
}

async function keepAssets(urls) {
  const cache = await caches.open(STATIC);
  await Promise.all(urls.map((url) => cache.match(url).then((hit) => hit || fetch(url)
    .then((response) => (response.ok ? cache.put(url, response) : null))
    .catch(() => null))));
}

let keeping = Promise.resolve();

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "forget") {
    event.waitUntil(forget(null));
  } else if (data.type === "save") {
    const urls = Array.isArray(data.urls) ? data.urls : [];
    const assets = Array.isArray(data.assets) ? data.assets : [];
    // One run at a time: two pages opened in a row ask for the same pages, and the second run
    // then finds them fresh instead of fetching them again beside the first.
    const startedIn = generation;
    keeping = keeping.then(() => keepPages(urls, startedIn))
      .then(() => (data.complete ? dropUnlisted(urls, startedIn) : null))
      .catch(() => null);  // a failed run must not stop the next
    event.waitUntil(Promise.all([keeping, keepAssets(assets)]));
  }
});
