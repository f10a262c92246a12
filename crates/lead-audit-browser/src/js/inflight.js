// Installed before any page script: counts fetch/XHR requests in flight, so the settle wait
// can tell a page still loading its data from one that is done.
(() => {
  let inflight = 0;
  Object.defineProperty(window, "__leadAuditInflight", { get: () => inflight });
  const fetch = window.fetch;
  if (typeof fetch === "function") {
    window.fetch = function (...args) {
      inflight++;
      let p;
      try {
        p = fetch.apply(this, args);
      } catch (e) {
        inflight--;
        throw e;
      }
      return p.finally(() => { inflight--; });
    };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    let done = false;
    const finish = () => { if (!done) { done = true; inflight--; } };
    inflight++;
    this.addEventListener("loadend", finish);
    try {
      return send.apply(this, args);
    } catch (e) {
      finish();
      throw e;
    }
  };
})();
