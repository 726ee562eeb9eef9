// Registers the app's service worker (dist/service-worker.js, see js/service_worker.js), which
// keeps the app usable offline after one visit. It registers once the page has loaded, so that
// caching the app does not compete with the first download of the page it caches, and reports a
// failure (no service workers here, a file:// page) as a warning: the app works without it.
if ('serviceWorker' in navigator) {
  addEventListener('load', () => {
    navigator.serviceWorker.register('./service-worker.js').catch((error) => {
      console.warn(`qoscope will not work offline here: ${error.message}`);
    });
  });
}
