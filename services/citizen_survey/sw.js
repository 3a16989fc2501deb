// Keeps the survey's own files on the phone, so that a survey once opened opens again with no
// connection: each file is answered from the phone at once and refreshed from the gateway
// behind it. Requests to GraphQL are never kept here (the page keeps what it needs).

const CACHE = "smartcity-survey-v1";
const FILES = [
  "/survey/",
  "/survey/survey.js",
  "/survey/survey.css",
  "/survey/i18n/id.json",
  "/survey/i18n/en.json",
  "/common/keep.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  const path = url.pathname === "/survey/index.html" ? "/survey/" : url.pathname;
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !FILES.includes(path)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(path);
      const fresh = fetch(event.request)
        .then((response) => {
          if (response.ok) cache.put(path, response.clone());
          return response;
        })
        .catch(() => kept);
      if (kept) event.waitUntil(fresh);
      return kept ?? fresh;
    }),
  );
});
