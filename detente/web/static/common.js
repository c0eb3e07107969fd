// Shared by every dashboard page: the navigation bar and a JSON fetch that surfaces API errors.
const PAGES = [
  ["index.html", "Dyad timeline"],
  ["map.html", "Tension map"],
  ["alliances.html", "Alliances"],
  ["alerts.html", "Alerts"],
  ["forecast.html", "Early warning"],
  ["simulate.html", "Pathways"],
  ["ops.html", "Operations"],
  ["sources.html", "Sources"],
  ["coded.html", "Coded events"],
];

function renderNav() {
  const nav = document.createElement("nav");
  nav.className = "topnav";
  const here = location.pathname.split("/").pop() || "index.html";
  nav.innerHTML = '<span class="brand">détente</span>' + PAGES.map(([href, label]) =>
    `<a href="${href}"${href === here ? ' class="active"' : ""}>${label}</a>`).join("");
  document.body.prepend(nav);
}

async function api(path, options = {}) {
  const res = await fetch(path, options);
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text();
  if (!res.ok) {
    const e = body && body.error ? body.error : { message: String(body) };
    throw new Error(e.message + (e.hint ? " " + e.hint : ""));
  }
  return body;
}

function showError(el, err) {
  el.textContent = String(err.message || err);
  el.className = "error";
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

document.addEventListener("DOMContentLoaded", renderNav);
