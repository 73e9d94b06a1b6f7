// webpar's optional service worker (init({ serviceWorker: true })): for an app on a host whose
// headers it cannot set, it gives webpar's threads frame (webpar-frame.html) the header that
// makes it cross-origin isolated, Document-Isolation-Policy, on the frame's response. It is
// registered with the package's own folder as its scope, so it controls no page of the app:
// only the frame document's request, and the files the frame loads, pass through it.
const HEADER = "Document-Isolation-Policy";
const VALUE = "isolate-and-credentialless";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== location.origin || !url.pathname.endsWith("/webpar-frame.html")) return;
  event.respondWith(fetch(event.request).then((response) => {
    // An error or a redirect goes back as it came; only the document itself gets the header.
    if (!response.ok || response.type === "opaqueredirect") return response;
    const headers = new Headers(response.headers);
    headers.set(HEADER, VALUE);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }));
});
