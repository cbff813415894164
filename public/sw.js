// Lianban's service worker: the inspector's pages work without a signal. The desk (/staff) and
// the scan page (/scan), their content-hashed assets, and the few answers an inspector needs
// offline (who is signed in, their tasks, the department's follow-ups) are kept on the device
// as last fetched; online, the network always answers first. Results recorded offline wait in
// the page's outbox (frontend/src/offline.rs) and are sent when the signal is back; the server
// records a task's result once, so a resend can never make a second one.
const SHELL = 'lianban-shell-v1';
const API = 'lianban-api-v1';
const PAGES = ['/staff', '/scan'];
const ASSETS = /^\/(st|sc)\//;
const OFFLINE_API = ['/api/staff/me', '/api/staff/supervision/tasks', '/api/staff/follow-ups'];

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  const keep = [SHELL, API];
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (!keep.includes(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function networkFirst(request, name) {
  const cache = await caches.open(name);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (offline) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw offline;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Signing out forgets the answers kept for the one who was signed in.
  if (request.method === 'POST' && url.pathname === '/api/staff/logout') {
    event.respondWith(fetch(request).finally(() => caches.delete(API)));
    return;
  }
  if (request.method !== 'GET') return;
  if (OFFLINE_API.includes(url.pathname)) {
    event.respondWith(networkFirst(request, API));
  } else if (request.mode === 'navigate' && PAGES.includes(url.pathname)) {
    event.respondWith(networkFirst(request, SHELL));
  } else if (ASSETS.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
