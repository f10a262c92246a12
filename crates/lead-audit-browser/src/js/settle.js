// Waits until the page shows content and neither the DOM changed nor a fetch/XHR was in
// flight for `quietMs` (or until `capMs`), then returns the DOM, the document status and the
// asked-for globals.
async function (paths, capMs, quietMs) {
  const start = Date.now();
  await new Promise((resolve) => {
    let last = Date.now();
    const observer = new MutationObserver(() => { last = Date.now(); });
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    // Rendered text (script and noscript excluded) or a link; computed only when quiet.
    const hasContent = () => {
      const body = document.body;
      return !!body && (body.innerText.trim().length > 0 || !!body.querySelector("a[href]"));
    };
    const tick = () => {
      const now = Date.now();
      // A request in flight counts as activity: its response is usually rendered next.
      if ((window.__leadAuditInflight || 0) > 0) last = now;
      if (now - start >= capMs || (now - last >= quietMs && hasContent())) {
        observer.disconnect();
        resolve();
      } else {
        setTimeout(tick, 20);
      }
    };
    tick();
  });
  const js = [];
  for (const path of paths) {
    try {
      let value = window;
      for (const key of path.split(".")) {
        if (value === undefined || value === null) { value = undefined; break; }
        value = value[key];
      }
      if (value === undefined || value === null) continue;
      const type = typeof value;
      // Objects and functions only say "present", as fingerprints expect.
      const text = type === "string" ? value
        : (type === "number" || type === "boolean" || type === "bigint") ? String(value)
        : "true";
      js.push([path, text.slice(0, 1000)]);
    } catch (e) {
      // A throwing getter is as good as absent.
    }
  }
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    url: location.href,
    status: (nav && nav.responseStatus) || null,
    // The doctype goes first, as in the page: without it the DOM reads as quirks mode.
    html: (document.doctype ? new XMLSerializer().serializeToString(document.doctype) : "")
      + (document.documentElement ? document.documentElement.outerHTML : ""),
    js,
  };
}
