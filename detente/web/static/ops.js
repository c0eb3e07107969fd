// The operations dashboard: log in, then see your party's view of every instrument.
const OPS = "/api/ops";
let token = sessionStorage.getItem("ops-token") || "";
let me = null;
// Roles the API lets write (detente.ops.access.WRITERS): create agreements, add parties to hotlines.
const AGREEMENT_ROLES = ["admin", "officer"];
// Id of an agreement to select in the incident form's picker at the next refresh (one just created).
let pickAgreement = null;
// Refreshes overlap (every action starts one); only the newest may draw, so a slow older one never paints
// stale data over a newer one.
let refreshGen = 0;
let lastCalendar = { engagements: [], notes: [] };
function thisMonth() { const d = new Date(); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)); }
let calMonth = thisMonth();

function isoDay(d) { return d.toISOString().slice(0, 10); }

// A month grid (Monday first) of engagements, coloured by track, and of notified military activities.
function renderCalendar() {
  const { engagements, notes } = lastCalendar;
  const items = [
    ...engagements.map((e) => ({ start: e.start_date, end: e.end_date, cls: `track-${e.track}`,
      text: e.title, title: `${e.title} · ${e.kind} · Track ${e.track} · ${e.status}` })),
    ...notes.map((n) => ({ start: n.start_date, end: n.end_date, cls: "cbm",
      text: n.title || n.activity_type, title: `${n.title || n.activity_type} · ${partyName(n.party_id)} · ${n.troops} troops` })),
  ];
  const y = calMonth.getUTCFullYear(), m = calMonth.getUTCMonth();
  document.getElementById("cal-title").textContent =
    calMonth.toLocaleString("en", { month: "long", year: "numeric", timeZone: "UTC" });
  const first = new Date(Date.UTC(y, m, 1));
  const start = new Date(first.getTime() - ((first.getUTCDay() + 6) % 7) * 86400000);
  const today = isoDay(new Date());
  const cells = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((d) => `<div class="dow">${d}</div>`);
  for (let i = 0; i < 42; i++) {
    const d = new Date(start.getTime() + i * 86400000);
    const day = isoDay(d);
    const here = items.filter((x) => x.start <= day && day <= x.end);
    const shown = here.slice(0, 3).map((x) =>
      `<span class="cal-item ${esc(x.cls)}" title="${esc(x.title)}">${esc(x.text)}</span>`).join("");
    const more = here.length > 3 ? `<span class="muted">+${here.length - 3} more</span>` : "";
    const cls = ["day", d.getUTCMonth() === m ? "" : "other", day === today ? "today" : ""].join(" ").trim();
    cells.push(`<div class="${cls}" data-day="${day}"><div class="num">${d.getUTCDate()}</div>${shown}${more}</div>`);
  }
  document.getElementById("calendar").innerHTML = cells.join("");
}

function moveMonth(delta) {
  calMonth = delta === 0 ? thisMonth() : new Date(Date.UTC(calMonth.getUTCFullYear(), calMonth.getUTCMonth() + delta, 1));
  renderCalendar();
}

async function authed(path, options = {}) {
  const headers = Object.assign({}, options.headers || {}, { Authorization: "Bearer " + token });
  if (options.body && typeof options.body !== "string") {
    headers["Content-Type"] = "application/json";
    options = Object.assign({}, options, { body: JSON.stringify(options.body) });
  }
  const body = await api(OPS + path, Object.assign({}, options, { headers }));
  // every answer that carries a log receipt (a write to a log, GET .../receipt) leaves it kept
  if (body && typeof body === "object") keepReceipt(body.domain === RECEIPT_DOMAIN ? body : body.receipt);
  return body;
}

// Log receipts (detente/ops/receipts.py): kept per party in this browser, downloadable, checked again on demand.
const RECEIPT_DOMAIN = "detente-log-receipt-v1";
const LOG_PATHS = { agreement: "agreements", notification: "notifications", movement: "movements" };
const receiptChecks = {};  // signature -> {ok, text}: the last check of each kept receipt

// Only a receipt of the exact shape the workspace signs is kept or shown: a file handed to a party (a crafted
// "receipt" with markup in its fields) must not put anything on the page or into this browser's storage.
function isReceipt(r) {
  const hex = (v, n) => typeof v === "string" && new RegExp(`^[0-9a-f]{${n}}$`).test(v);
  const count = (v) => Number.isSafeInteger(v) && v >= 0;
  return !!r && typeof r === "object" && !Array.isArray(r) && r.domain === RECEIPT_DOMAIN &&
    Object.prototype.hasOwnProperty.call(LOG_PATHS, r.log) && count(r.id) && count(r.seq) && count(r.party) &&
    hex(r.hash, 64) && hex(r.public_key, 64) && (r.key_id === undefined || hex(r.key_id, 16)) &&
    typeof r.signed_at === "string" && /^\d{4}-\d\d-\d\dT[0-9:.]+$/.test(r.signed_at) &&
    typeof r.signature === "string" && /^[A-Za-z0-9+/=]{1,200}$/.test(r.signature);
}

function receiptsKey() { return "ops-receipts:" + me.party.id; }

function keptReceipts() {
  if (!me) return [];
  try {
    const all = JSON.parse(localStorage.getItem(receiptsKey()) || "[]");
    return Array.isArray(all) ? all.filter(isReceipt) : [];
  } catch (e) { return []; }
}

function keepReceipt(r) {
  if (!me || !isReceipt(r)) return false;
  const all = keptReceipts();
  if (!all.some((x) => x.signature === r.signature)) {
    all.push(r);
    localStorage.setItem(receiptsKey(), JSON.stringify(all));
  }
  renderReceipts();
  return true;
}

function download(name, value) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2) + "\n"], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function receiptName(r) { return `receipt-${r.log}-${r.id}-seq${r.seq}-${r.signed_at.slice(0, 19).replace(/:/g, "")}.json`; }

// POST .../verify with the receipt: the log's own check and that it still holds the entry the receipt attests
async function checkReceipt(r) {
  try {
    const v = await authed(`/${LOG_PATHS[r.log]}/${r.id}/verify`, { method: "POST", body: { receipt: r } });
    receiptChecks[r.signature] = v.ok
      ? { ok: true, text: `holds ✓ (log intact to entry ${r.seq})` } : { ok: false, text: "✗ " + v.reason };
  } catch (e) {
    receiptChecks[r.signature] = { ok: false, text: "✗ " + e.message };
  }
  renderReceipts();
  return receiptChecks[r.signature];
}

function renderReceipts() {
  const tbody = document.getElementById("receipts");
  if (!tbody || !me) return;
  const all = keptReceipts();
  tbody.innerHTML = all.map((r, i) => {
    const c = receiptChecks[r.signature];
    const check = c ? `<span class="${c.ok ? "ok" : "error"}">${esc(c.text)}</span>` : '<span class="muted">not checked</span>';
    return `<tr data-receipt="${i}" data-log="${esc(r.log)}" data-id="${esc(r.id)}"><td>${esc(r.log)} ${esc(r.id)}</td>` +
      `<td>${esc(r.seq)} · ${esc(r.hash.slice(0, 12))}…</td><td>${esc(r.key_id || r.public_key.slice(0, 16))}</td>` +
      `<td>${esc(r.signed_at.slice(0, 19))}</td><td class="receipt-check">${check}</td>` +
      `<td><button class="small check-receipt" data-i="${i}">Check</button> ` +
      `<button class="small download-receipt" data-i="${i}">Download</button> ` +
      `<button class="small forget-receipt" data-i="${i}">Forget</button></td></tr>`;
  }).join("") || '<tr><td colspan="6" class="muted">No receipts kept yet.</td></tr>';
  tbody.querySelectorAll("button.check-receipt").forEach((b) => b.addEventListener("click", async () => {
    const c = await checkReceipt(all[Number(b.dataset.i)]);
    status(c.ok ? "Receipt checked: the log still holds it." : "Receipt check failed: " + c.text, !c.ok);
  }));
  tbody.querySelectorAll("button.download-receipt").forEach((b) => b.addEventListener("click", () =>
    download(receiptName(all[Number(b.dataset.i)]), all[Number(b.dataset.i)])));
  tbody.querySelectorAll("button.forget-receipt").forEach((b) => b.addEventListener("click", () => {
    if (!confirm("Forget this receipt in this browser? Download it first if you want to keep it.")) return;
    const left = all.filter((_, i) => i !== Number(b.dataset.i));
    localStorage.setItem(receiptsKey(), JSON.stringify(left));
    renderReceipts();
  }));
}

// A receipt file kept earlier (one receipt, or the list "Download all" wrote): keep it here again and check each.
async function loadReceiptFile(ev) {
  const file = ev.target.files[0];
  ev.target.value = "";
  if (!file) return;
  let got;
  try { got = JSON.parse(await file.text()); } catch (e) { status(`${file.name} is not JSON.`, true); return; }
  const list = (Array.isArray(got) ? got : [got]);
  const good = list.filter(isReceipt);
  if (!good.length) { status(`${file.name} holds no log receipt.`, true); return; }
  const results = [];
  for (const r of good) {
    if (r.party === me.party.id) keepReceipt(r);
    results.push(await checkReceipt(r));
  }
  const bad = results.filter((c) => !c.ok);
  status(bad.length ? `Receipt check failed: ${bad[0].text}` : `${results.length} receipt(s) checked: the logs still hold them.`,
    bad.length > 0);
}

async function getReceipt(log, id) {
  await act(() => authed(`/${LOG_PATHS[log]}/${id}/receipt`), "Receipt kept (see Log receipts).");
}

// Every page of a list (the API pages with ?cursor=&limit= and names the next page in X-Next-Cursor),
// up to maxPages pages of 500.
async function authedAll(path, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes("?") ? "&" : "?";
    const url = OPS + path + sep + "limit=500" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    const res = await fetch(url, { headers: { Authorization: "Bearer " + token } });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error ? body.error.message + (body.error.hint ? " " + body.error.hint : "") : res.statusText);
    items.push(...body);
    cursor = res.headers.get("X-Next-Cursor");
    if (!cursor) break;
  }
  return items;
}

function status(text, isError) {
  const el = document.getElementById("status");
  el.textContent = text;
  el.className = isError ? "error" : "muted";
}

async function act(fn, done) {
  try {
    await fn();
    if (done) status(done);
    await refresh();
  } catch (e) {
    status(e.message, true);
  }
}

function tag(kind, text) { return `<span class="tag ${esc(kind)}">${esc(text)}</span>`; }

// How far the cited rule is verified: ✓ verified, ? marked to check, * not yet checked.
function citeMark(f) {
  const status = f.status || (f.verified ? "verified" : "unverified");
  return { verified: " ✓", to_check: "?" }[status] || "*";
}

function figuresText(r) {
  const parts = [];
  if (r.days) parts.push(`${r.days} days`);
  if (r.deadline) parts.push(`by ${r.deadline}`);
  for (const key of ["any_of", "over", "at_most"]) {
    const figs = r[key] || {};
    const text = Object.entries(figs).map(([m, n]) => `${m.replace(/_/g, " ")} ${n.toLocaleString("en")}`).join(" or ");
    if (text) parts.push(key === "at_most" ? `up to ${text}` : key === "over" ? `over ${text}` : text);
  }
  if (r.max_count) parts.push(`at most ${r.max_count} per ${r.window_years} yr`);
  if (r.max_simultaneous) parts.push(`at most ${r.max_simultaneous} at once`);
  return parts.join("; ");
}

async function renderRuleset() {
  const rs = await authed("/rulesets/vienna_document_2011");
  const c = rs.status_counts;
  document.getElementById("ruleset-counts").textContent =
    `(${c.verified} verified, ${c.to_check} to check, ${c.unverified} unverified)`;
  document.getElementById("ruleset-rules").innerHTML = rs.rules.map((r) => {
    const v = r.verification;
    const who = v ? `${v.verified_by} · ${v.edition} · ${v.verified_on}` : r.to_check;
    return `<tr data-rule="${esc(r.rule)}"><td>${esc(r.rule)}</td><td>${esc(r.paragraph)}</td>` +
      `<td>${esc(figuresText(r))}</td><td>${tag(r.status, r.status.replace("_", " "))}</td><td>${esc(who)}</td></tr>`;
  }).join("");
}

function partyName(id) {
  const p = (window.PARTIES || []).find((x) => x.id === id);
  return p ? p.name : "party " + id;
}

async function login(ev) {
  ev.preventDefault();
  const f = ev.target;
  try {
    const r = await api(OPS + "/login", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: f.username.value, password: f.password.value }),
    });
    token = r.token;
    sessionStorage.setItem("ops-token", token);
    await start();
  } catch (e) {
    showError(document.getElementById("login-error"), e);
  }
}

async function start() {
  try {
    me = await authed("/me");
  } catch (e) {
    sessionStorage.removeItem("ops-token");
    token = "";
    return;
  }
  window.PARTIES = await authedAll("/parties");
  document.getElementById("login").hidden = true;
  document.getElementById("workspace").hidden = false;
  document.getElementById("whoami").innerHTML =
    `<strong>${esc(me.username)}</strong> (${esc(me.role)}) · ${esc(me.party.name)} <span class="muted">${esc(me.party.kind)}</span>`;
  document.getElementById("agreement-block").hidden = !AGREEMENT_ROLES.includes(me.role);
  await refresh();
}

async function refresh() {
  const gen = ++refreshGen;
  const [notices, notes, channels, agreements, stats, movements, engagements] = await Promise.all([
    authed("/notices"), authedAll("/notifications"), authedAll("/channels"), authedAll("/agreements"),
    authed("/ceasefire/stats"), authedAll("/movements"), authedAll("/engagements"),
  ]);  // the inbox shows its newest page; the other lists follow their cursors
  const [messages, incidents] = await Promise.all([
    Promise.all(channels.map((c) => authedAll(`/channels/${c.id}/messages`))),
    Promise.all(agreements.map((a) => authedAll(`/agreements/${a.id}/incidents`))),
  ]);
  const users = me.role === "admin" ? await authedAll("/users") : null;
  if (gen !== refreshGen) return;  // a newer refresh is under way: it will draw
  renderUsers(users);
  if (!document.getElementById("ruleset-rules").children.length) renderRuleset().catch(() => {});
  document.getElementById("notices").innerHTML = notices.map((n) =>
    `<li>${tag(n.kind, n.kind)} ${esc(n.text)} <span class="muted">${esc(n.created_at.slice(0, 16))}</span></li>`).join("")
    || '<li class="muted">No notices.</li>';
  renderNotifications(notes);
  renderChannels(channels, messages);
  renderAgreements(agreements, incidents);
  fillPickers(agreements);
  document.getElementById("stats").textContent = Object.entries(stats.per_party)
    .map(([p, n]) => `${p}: ${n}`).join(", ") || "none verified";
  renderMovements(movements);
  renderReceipts();
  lastCalendar = { engagements, notes };
  renderCalendar();
  document.getElementById("engagements").innerHTML = engagements.map((e) => {
    // an invited party confirms it takes part; only confirmed parties feed the trust data
    const mine = e.participants.find((p) => p.id === me.party.id);
    const confirm = mine && !mine.confirmed && AGREEMENT_ROLES.includes(me.role)
      ? `<button class="small confirm-engagement" data-id="${e.id}" data-version="${esc(e.version)}">Confirm we take part</button>` : "";
    const sure = e.participants.filter((p) => p.confirmed).map((p) => p.name).join(", ");
    return `<tr><td>${esc(e.title)}</td><td>${esc(e.kind)} · Track ${esc(e.track)}</td><td>${esc(e.start_date)} – ${esc(e.end_date)}</td>` +
      `<td>${esc(e.place)}</td><td>${esc(e.status)}</td><td>${esc(sure)} ${confirm}</td></tr>`;
  }).join("");
  document.querySelectorAll("button.confirm-engagement").forEach((b) => b.addEventListener("click", () =>
    // the confirmation covers the version shown here: an edit since then is refused, not confirmed unseen
    act(() => authed(`/engagements/${b.dataset.id}/confirm`, { method: "POST", body: { version: b.dataset.version } }),
      "Confirmed.")));
}

// Admins see their party's users and can disable or re-enable them (not themselves).
function renderUsers(users) {
  document.getElementById("users-card").hidden = users === null;
  if (users === null) return;
  document.getElementById("users").innerHTML = users.map((u) => {
    const button = u.id === me.id ? '<span class="muted">you</span>'
      : `<button class="small toggle-user" data-id="${u.id}" data-active="${u.active}">` +
        `${u.active ? "Disable" : "Enable"}</button>`;
    return `<tr data-user="${u.id}"><td>${esc(u.username)}</td><td>${esc(u.role)}</td>` +
      `<td>${u.active ? "active" : "disabled"}</td><td>${button}</td></tr>`;
  }).join("");
  document.querySelectorAll("button.toggle-user").forEach((b) => b.addEventListener("click", () => {
    const active = b.dataset.active !== "true";
    act(() => authed(`/users/${b.dataset.id}`, { method: "PATCH", body: { active } }),
      active ? "User enabled." : "User disabled; their sessions have ended.");
  }));
}

function renderNotifications(notes) {
  document.getElementById("notifications").innerHTML = notes.map((n) => {
    const own = n.party_id === me.party.id;
    const findings = n.findings.filter((f) => f.severity !== "info" || f.code !== "notifiable")
      .map((f) => tag(f.severity, f.code + " ¶" + f.paragraph + citeMark(f))).join(" ");
    let action = "";
    if (own) {
      const acks = (n.recipients || []).filter((r) => r.acknowledged_at).map((r) => r.name);
      action = `<span class="muted">acknowledged by: ${esc(acks.join(", ") || "nobody yet")}</span>`;
    } else if (n.acknowledged_by_you) {
      action = '<span class="muted">acknowledged</span>';
    } else {
      action = `<button class="small ack-notification" data-id="${n.id}">Acknowledge</button>`;
    }
    return `<tr data-notification="${n.id}"><td>${esc(n.title || n.activity_type)} <span class="muted">${esc(partyName(n.party_id))}` +
      ` · ${esc(n.area)}</span></td><td>${esc(n.start_date)} – ${esc(n.end_date)}</td><td>${n.troops}</td>` +
      `<td>${findings}</td><td>${action} ${receiptButton("notification", n.id)}</td></tr>`;
  }).join("");
  wireReceiptButtons(document.getElementById("notifications"));
  document.querySelectorAll(".ack-notification").forEach((b) => b.addEventListener("click", () =>
    act(() => authed(`/notifications/${b.dataset.id}/acknowledge`, { method: "POST" }), "Acknowledged.")));
}

function receiptButton(log, id) {
  return `<button class="small get-receipt" data-log="${log}" data-id="${id}" title="The workspace's signature over this log's head, for your party">Receipt</button>`;
}

function wireReceiptButtons(root) {
  root.querySelectorAll("button.get-receipt").forEach((b) => b.addEventListener("click", () =>
    getReceipt(b.dataset.log, b.dataset.id)));
}

function renderChannels(channels, messages) {
  // what someone is typing into a hotline form survives the redraw
  const typed = {};
  document.querySelectorAll("form.send").forEach((f) => {
    typed[f.dataset.id] = { body: f.body.value, minutes: f.minutes.value };
  });
  const parts = [];
  for (const [i, c] of channels.entries()) {
    const msgs = messages[i];
    const items = msgs.map((m) => {
      // each recipient party has its own receipt; the message's status is its slowest addressee's
      const own = (m.receipts || []).find((r) => r.party_id === me.party.id);
      const buttons = own && own.status === "delivered"
        ? `<button class="small step" data-id="${m.id}" data-step="read">Mark read</button>` : "";
      const ack = own && ["delivered", "read"].includes(own.status)
        ? `<button class="small step" data-id="${m.id}" data-step="acknowledge">Acknowledge</button>` : "";
      const esc8 = m.escalated_at ? tag("escalation", "escalated") : "";
      const due = m.reply_by ? ` · reply by ${esc(m.reply_by.slice(0, 16))}` : "";
      const receipts = (m.receipts || []).map((r) =>
        `<span class="receipt" data-party="${r.party_id}">${esc(partyName(r.party_id))}: ${esc(r.status)}` +
        `${r.addressee ? "" : " (follows)"}</span>`).join(" · ");
      return `<div class="msg" data-message="${m.id}"><div class="meta">${esc(partyName(m.sender_party_id))} · ` +
        `${esc(m.sent_at.slice(0, 19))}${due} · <span class="state">${esc(m.status)}</span> ${esc8}</div>${esc(m.body)} ` +
        `${buttons} ${ack}<div class="meta receipts">${receipts}</div></div>`;
    }).join("");
    const outside = (window.PARTIES || []).filter((p) => !c.parties.some((q) => q.id === p.id));
    const addParty = AGREEMENT_ROLES.includes(me.role) && outside.length
      ? `<form class="controls add-party" data-id="${c.id}"><label>Bring in <select name="party_id">` +
        outside.map((p) => `<option value="${p.id}">${esc(p.name)}</option>`).join("") +
        `</select></label><button type="submit" class="small">Add to hotline</button></form>` : "";
    parts.push(`<div class="channel" data-channel="${c.id}"><h3>${esc(c.name)} <span class="muted">` +
      `${esc(c.parties.map((p) => p.name).join(" · "))} · chain ${esc(c.head.slice(0, 12))}…</span> ` +
      `<button class="small verify-chain" data-id="${c.id}">Verify chain</button></h3>${addParty}${items}` +
      `<form class="controls send" data-id="${c.id}"><label>Message <input name="body" required></label>` +
      `<label>Reply within (min) <input name="minutes" type="number" min="0" value=""></label>` +
      `<button type="submit">Send</button></form></div>`);
  }
  document.getElementById("channels").innerHTML = parts.join("") || '<p class="muted">No channels.</p>';
  document.querySelectorAll("form.send").forEach((f) => {
    const kept = typed[f.dataset.id];
    if (kept) { f.body.value = kept.body; f.minutes.value = kept.minutes; }
  });
  document.querySelectorAll("form.send").forEach((f) => f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { body: f.body.value };
    if (f.minutes.value !== "") body.reply_within_minutes = Number(f.minutes.value);
    act(async () => {
      await authed(`/channels/${f.dataset.id}/messages`, { method: "POST", body });
      // sent: clear the form as it is now (a redraw may have replaced the one that was submitted)
      const now = document.querySelector(`form.send[data-id="${f.dataset.id}"]`) || f;
      now.body.value = ""; now.minutes.value = "";
    }, "Sent.");
  }));
  document.querySelectorAll("form.add-party").forEach((f) => f.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const body = { party_id: Number(f.party_id.value) };
    act(() => authed(`/channels/${f.dataset.id}/parties`, { method: "POST", body }), "Party added to the hotline.");
  }));
  document.querySelectorAll("button.step").forEach((b) => b.addEventListener("click", () =>
    act(() => authed(`/messages/${b.dataset.id}/${b.dataset.step}`, { method: "POST" }), "Updated.")));
  document.querySelectorAll("button.verify-chain").forEach((b) => b.addEventListener("click", async () => {
    try {
      const v = await authed(`/channels/${b.dataset.id}/verify`);
      status(v.ok ? `Chain intact: ${v.entries} entries.` : `Chain broken: ${v.reason}`, !v.ok);
    } catch (e) { status(e.message, true); }
  }));
}

function renderAgreements(agreements, incidentLists) {
  const parts = [];
  for (const [i, a] of agreements.entries()) {
    const incidents = incidentLists[i];
    const isMonitor = me.role === "monitor" && a.monitors.some((m) => m.id === me.party.id);
    const rows = incidents.map((i) => {
      const verify = isMonitor && i.status === "reported"
        ? `<button class="small verify-incident" data-id="${i.id}" data-status="verified">Verify</button> ` +
          `<button class="small verify-incident" data-id="${i.id}" data-status="rejected">Reject</button>` : "";
      return `<tr data-incident="${i.id}"><td>${esc(i.occurred_at.slice(0, 16))}</td><td>${esc(i.place)}</td>` +
        `<td>${esc(partyName(i.reporting_party_id))} → ${esc(partyName(i.violator_party_id))}</td>` +
        `<td class="incident-status">${esc(i.status)}</td><td>${verify}</td></tr>`;
    }).join("");
    // a party the agreement names confirms it; its verified violations reach the public alerts once all have
    const mine = a.parties.find((p) => p.id === me.party.id);
    const confirm = mine && !mine.confirmed && AGREEMENT_ROLES.includes(me.role)
      ? `<p><button class="small confirm-agreement" data-id="${a.id}">Confirm we are bound by it</button></p>` : "";
    const unconfirmed = a.parties.filter((p) => !p.confirmed).map((p) => p.name);
    const waiting = unconfirmed.length ? ` · not yet confirmed by: ${esc(unconfirmed.join(", "))}` : "";
    parts.push(`<div class="agreement" data-agreement="${a.id}">` +
      `<h3>${esc(a.name)} <span class="muted">from ${esc(a.start_date)} · parties: ${esc(a.parties.map((p) => p.name).join(", "))}` +
      ` · monitors: ${esc(a.monitors.map((m) => m.name).join(", "))}${waiting}</span> ${receiptButton("agreement", a.id)}</h3>${confirm}` +
      `<ul class="muted terms">${a.terms.map((t) => `<li>${esc(t)}</li>`).join("")}</ul>` +
      `<table><thead><tr><th>When</th><th>Where</th><th>Reporter → alleged violator</th><th>Status</th><th></th></tr></thead>` +
      `<tbody>${rows}</tbody></table></div>`);
  }
  document.getElementById("agreements").innerHTML = parts.join("") || '<p class="muted">No agreements.</p>';
  wireReceiptButtons(document.getElementById("agreements"));
  document.querySelectorAll("button.confirm-agreement").forEach((b) => b.addEventListener("click", () =>
    act(() => authed(`/agreements/${b.dataset.id}/confirm`, { method: "POST" }), "Agreement confirmed.")));
  document.querySelectorAll("button.verify-incident").forEach((b) => b.addEventListener("click", () =>
    act(() => authed(`/incidents/${b.dataset.id}/verify`, { method: "POST", body: { status: b.dataset.status } }),
      "Verification recorded.")));
}

function renderMovements(movements) {
  document.getElementById("movements").innerHTML = movements.map((m) => {
    const own = m.party_id === me.party.id;
    const ack = own ? "" : m.acknowledged_by_you ? '<span class="muted">acknowledged (not approved)</span>'
      : `<button class="small ack-movement" data-id="${m.id}" title="${esc(m.acknowledgement_means)}">Acknowledge receipt (not approval)</button>`;
    return `<tr><td>${esc(m.name)}</td><td>${esc(m.kind)}</td><td>${esc(m.window_start.slice(0, 16))} – ${esc(m.window_end.slice(0, 16))}</td>` +
      `<td><button class="small risk" data-id="${m.id}">Check</button> <span id="risk-${m.id}"></span></td>` +
      `<td>${ack} ${receiptButton("movement", m.id)}</td></tr>`;
  }).join("");
  wireReceiptButtons(document.getElementById("movements"));
  document.querySelectorAll(".ack-movement").forEach((b) => b.addEventListener("click", () =>
    act(() => authed(`/movements/${b.dataset.id}/acknowledge`, { method: "POST" }),
      "Acknowledged: received, not approved.")));
  document.querySelectorAll("button.risk").forEach((b) => b.addEventListener("click", async () => {
    try {
      const r = await authed(`/movements/${b.dataset.id}/risk`);
      const nearest = r.events.slice(0, 3).map((e) =>
        `${e.date} ${e.cameo_code} ${e.place || ""} (${e.distance_km} km)`).join("; ");
      document.getElementById("risk-" + b.dataset.id).textContent = r.warning
        ? `${r.warning} Nearest: ${nearest}.`
        : `No hostile events within ${r.km} km in the ${r.days} days before ${r.as_of}.`;
    } catch (e) { status(e.message, true); }
  }));
}

function fillPickers(agreements) {
  const others = (window.PARTIES || []).filter((p) => p.id !== me.party.id);
  document.querySelectorAll("select.party-picker").forEach((sel) => {
    const chosen = new Set([...sel.selectedOptions].map((o) => o.value));
    sel.innerHTML = others.map((p) => `<option value="${p.id}"${chosen.has(String(p.id)) ? " selected" : ""}>${esc(p.name)}</option>`).join("");
  });
  const monitors = others.filter((p) => ["mediator", "organisation"].includes(p.kind));
  document.querySelectorAll("select.monitor-picker").forEach((sel) => {
    const chosen = new Set([...sel.selectedOptions].map((o) => o.value));
    sel.innerHTML = monitors.map((p) => `<option value="${p.id}"${chosen.has(String(p.id)) ? " selected" : ""}>${esc(p.name)}</option>`).join("");
  });
  const picker = document.getElementById("incident-agreement");
  const keep = pickAgreement !== null ? String(pickAgreement) : picker.value;
  pickAgreement = null;
  picker.innerHTML = agreements.map((a) => `<option value="${a.id}">${esc(a.name)}</option>`).join("");
  if (agreements.some((a) => String(a.id) === keep)) picker.value = keep;
}

function formData(f) {
  const out = {};
  for (const el of f.elements) {
    if (!el.name) continue;
    if (el.multiple) out[el.name] = [...el.selectedOptions].map((o) => Number(o.value));
    else if (el.type === "datetime-local") out[el.name] = el.value ? el.value + ":00" : null;
    else out[el.name] = el.value;
  }
  return out;
}

function onSubmit(id, fn, done) {
  document.getElementById(id).addEventListener("submit", (ev) => {
    ev.preventDefault();
    act(() => fn(formData(ev.target)), done);
  });
}

function wireForms() {
  onSubmit("engagement-form", (d) => authed("/engagements", { method: "POST", body: d }), "Engagement planned.");
  onSubmit("channel-form", (d) => authed("/channels", { method: "POST", body: d }), "Hotline opened.");
  onSubmit("password-form", async (d) => {
    const r = await authed("/password", { method: "POST", body: d });
    token = r.token;  // every other session of this account has ended; this one goes on with a fresh token
    sessionStorage.setItem("ops-token", token);
    document.getElementById("password-form").reset();
  }, "Password changed; your other sessions have ended.");
  onSubmit("agreement-form", async (d) => {
    d.name = d.name.trim();
    d.start_date = d.start_date || null;
    d.terms = d.terms.split("\n").map((x) => x.trim()).filter(Boolean);
    const a = await authed("/agreements", { method: "POST", body: d });
    pickAgreement = a.id;
    document.getElementById("agreement-form").reset();
  }, "Agreement created.");
  onSubmit("incident-form", (d) => {
    const agreement = d.agreement;
    delete d.agreement;
    d.violator_party_id = Number(d.violator_party_id);
    d.evidence = d.evidence.split("\n").map((x) => x.trim()).filter(Boolean);
    return authed(`/agreements/${agreement}/incidents`, { method: "POST", body: d });
  }, "Incident reported.");
  onSubmit("movement-form", (d) => {
    d.points = d.points.split(";").map((p) => p.split(",").map(Number)).filter((p) => p.length === 2);
    return authed("/movements", { method: "POST", body: d });
  }, "Notified. Acknowledgements record receipt, not approval.");
}

async function downloadIcs(ev) {
  ev.preventDefault();
  const res = await fetch(OPS + "/engagements.ics", { headers: { Authorization: "Bearer " + token } });
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = "engagements.ics";
  a.click();
  URL.revokeObjectURL(url);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("login-form").addEventListener("submit", login);
  document.getElementById("refresh").addEventListener("click", () => act(async () => {}, "Refreshed."));
  document.getElementById("sweep").addEventListener("click", () =>
    act(async () => {
      const r = await authed("/sweep", { method: "POST" });
      status(`${r.escalated} message(s) escalated.`);
    }));
  document.getElementById("logout").addEventListener("click", async () => {
    try { await authed("/logout", { method: "POST" }); } catch (e) { /* an expired token is logged out already */ }
    sessionStorage.removeItem("ops-token");
    location.reload();
  });
  document.getElementById("logout-all").addEventListener("click", async () => {
    if (!confirm("End every session of this account, on every device?")) return;
    try { await authed("/logout-everywhere", { method: "POST" }); } catch (e) { status(e.message, true); return; }
    sessionStorage.removeItem("ops-token");
    location.reload();
  });
  document.getElementById("cal-prev").addEventListener("click", () => moveMonth(-1));
  document.getElementById("cal-next").addEventListener("click", () => moveMonth(1));
  document.getElementById("cal-today").addEventListener("click", () => moveMonth(0));
  document.getElementById("ics").addEventListener("click", downloadIcs);
  document.getElementById("download-receipts").addEventListener("click", () =>
    download(`receipts-party${me.party.id}.json`, keptReceipts()));
  document.getElementById("receipt-file").addEventListener("change", loadReceiptFile);
  wireForms();
  document.getElementById("notify-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const body = {};
    for (const el of f.elements) {
      if (!el.name) continue;
      body[el.name] = el.type === "number" ? Number(el.value || 0) : el.value;
    }
    act(async () => {
      const n = await authed("/notifications", { method: "POST", body });
      const bad = n.findings.filter((x) => x.severity !== "info").map((x) => x.code);
      status(`Notified to ${n.recipients.length} parties. ${bad.length ? "Findings: " + bad.join(", ") : ""}`);
    });
  });
  if (token) start();
});
