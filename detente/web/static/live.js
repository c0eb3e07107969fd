// Shared by the dashboard pages: when the data was last updated, and a "detente:data-changed" event when the
// server's data changes (an ingest, the feed follower), so a page can reload what it shows without a restart.
(function () {
  const EVERY_MS = window.DETENTE_LIVE_MS || 15000;  // tests poll faster
  let generation = null;

  function badge() {
    let el = document.getElementById("live-status");
    if (!el) {
      el = document.createElement("div");
      el.id = "live-status";
      el.className = "muted";
      el.style.cssText = "position:fixed;right:12px;bottom:8px;font-size:12px;background:var(--bg,#fff);padding:2px 6px";
      document.body.appendChild(el);
    }
    return el;
  }

  async function poll() {
    try {
      const res = await fetch("/api/status", { cache: "no-store" });
      if (!res.ok) return;
      const s = await res.json();
      const when = s.last_ingest ? new Date(s.last_ingest + "Z").toLocaleString() : "never";
      badge().textContent = `data updated ${when} · ${Number(s.events).toLocaleString()} events` +
        (s.following ? " · following GDELT" : "");
      if (generation !== null && s.generation !== generation) {
        window.dispatchEvent(new CustomEvent("detente:data-changed", { detail: s }));
      }
      generation = s.generation;
    } catch (_err) {
      // the server is restarting: try again at the next tick
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    poll();
    setInterval(poll, EVERY_MS);
  });
})();
