// The operations page: live alerts, the order history report as charts, locations and their load,
// CSV stock counts, and the buttons a WMS would press (picked, shipped, delivered, return received).
import { call, el, formatKm, formatPrice } from "/atsource-common.js";
import { barChart } from "/charts.js";

const api = location.origin;
const $ = (id) => document.getElementById(id);
// An order's status is the name of its last event (restocking is recorded in a return, not a status).
const STATUS = { created: "Créée", picked: "Préparée", shipped: "Expédiée", delivered: "Livrée", cancelled: "Annulée",
  return_requested: "Retour demandé", returned: "Retour reçu" };
const KIND = { low: "Stock bas", out_of_stock: "Rupture", back_in_stock: "De retour en stock", sourcing_failed: "Échec de sourcing" };
// Which WMS step each status allows (the worker refuses any other with 409).
const NEXT = { created: [["picked", "Préparée"], ["cancelled", "Annuler"]], picked: [["shipped", "Expédiée"], ["cancelled", "Annuler"]],
  shipped: [["delivered", "Livrée"], ["returned", "Retour reçu"]], delivered: [["returned", "Retour reçu"]], return_requested: [["returned", "Retour reçu"]] };
// The demo's token is public (make demo prints it); a real deployment types its own.
let token = localStorage.getItem("ops:token") || "dev-token";
let refused = false; // the worker refused `token`: asking again with it cannot succeed
let names = new Map();
const auth = () => ({ authorization: `Bearer ${token}` });
const known = () => JSON.parse(localStorage.getItem("shop:orders") || "[]");
const unfollow = (id) => localStorage.setItem("shop:orders", JSON.stringify(known().filter((o) => o.id !== id)));

function alertItem(a) {
  const text = a.type === "sourcing_failed"
    ? `${KIND.sourcing_failed} : ${a.unfulfilled.map((u) => `${u.qty} × ${u.sku}`).join(", ")}`
    : `${KIND[a.kind] || a.kind} : ${a.sku} à ${names.get(a.location) || a.location} (${a.before} → ${a.ats})`;
  return el("li", { "data-kind": a.kind || a.type, "data-location": a.location }, el("time", { datetime: a.at }, a.at ? new Date(a.at).toLocaleTimeString("fr-FR") : ""), " ", text);
}

let seen = []; // newest first; re-rendered once location names are known
function showAlerts(list, prepend) {
  seen = [...[...list].reverse(), ...(prepend ? seen : [])].slice(0, 100);
  $("alerts").replaceChildren(...seen.map(alertItem));
}

let socket;
function connectAlerts() {
  socket?.close();
  const ws = new WebSocket(`${api.replace(/^http/, "ws")}/v1/live/alerts?token=${encodeURIComponent(token)}`);
  socket = ws;
  ws.onopen = () => { $("conn").textContent = "Flux d'alertes connecté"; };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === "hello") showAlerts(msg.recent || [], false);
    if (msg.type === "alerts") showAlerts(msg.alerts, true);
  };
  ws.onclose = () => {
    if (socket !== ws || refused) return;
    $("conn").textContent = "Flux d'alertes déconnecté, reconnexion…";
    setTimeout(() => socket === ws && !refused && connectAlerts(), 2000);
  };
}

async function orders() {
  const rows = [];
  // The latest orders of the whole network, then any followed by number that is older.
  const { orders: latest } = await call(api, "/v1/orders?limit=20", { headers: auth() });
  const listed = new Set(latest.map((o) => o.id));
  const extra = [];
  for (const o of known().filter((k) => !listed.has(k.id))) {
    try { extra.push(await call(api, `/v1/orders/${encodeURIComponent(o.id)}`, { headers: auth() })); } catch (e) {
      // No such order on this network: say so once and stop following it.
      if (e.status === 404) { unfollow(o.id); $("add-order-msg").textContent = `Commande ${o.id} introuvable.`; }
    }
  }
  for (const order of [...latest, ...extra]) {
    const o = order;
    const act = (type) => async (e) => {
      e.target.disabled = true;
      await call(api, `/v1/orders/${encodeURIComponent(o.id)}/events`, { method: "POST", headers: auth(), body: JSON.stringify(type === "returned" ? { type, restock: true } : { type }) })
        .catch((err) => { $("add-order-msg").textContent = err.code === "invalid_transition" ? `Commande ${o.id} : elle a changé entre-temps, action impossible.` : `Commande ${o.id} : ${err.message}`; });
      refresh();
    };
    rows.push(el("tr", { "data-order": o.id }, el("td", {}, o.id, el("br"), el("span", { class: "muted" }, order.shipments.map((s) => s.name).join(", "))),
      el("td", { class: "status", "data-status": order.status }, STATUS[order.status] || order.status),
      el("td", {}, (NEXT[order.status] || []).map(([type, label]) => el("button", { "data-action": type, onclick: act(type), class: type === "cancelled" ? "secondary" : null }, label)).flatMap((b) => [b, " "]))));
  }
  // Rows are rebuilt every few seconds: the button a keyboard user is on keeps the focus.
  const focused = document.activeElement?.closest?.("#orders tr[data-order]") ? document.activeElement : null;
  const at = focused && [focused.closest("tr").dataset.order, focused.dataset.action];
  $("orders").replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 3 }, "Aucune commande pour le moment : passez commande dans la boutique."))]));
  if (at) {
    const row = [...$("orders").querySelectorAll("tr[data-order]")].find((r) => r.dataset.order === at[0]);
    (row?.querySelector(`button[data-action="${at[1]}"]`) ?? row?.querySelector("button"))?.focus();
  }
}

async function report() {
  const r = await call(api, "/v1/reports/orders", { headers: auth() });
  const kpi = (label, value) => el("div", { class: "kpi" }, el("b", {}, value), label);
  $("kpis").replaceChildren(kpi("commandes", String(r.orders)), kpi("unités", String(r.units)),
    kpi("taux de fractionnement", `${Math.round(r.splitRate * 100)} %`), kpi("distance moyenne par colis", formatKm(r.averageDistanceKm ?? 0, "fr")),
    kpi("coût moyen par commande", formatPrice(r.averageCostPerOrder ?? 0, "fr")));
  $("charts").replaceChildren(
    barChart("Commandes par statut", Object.entries(r.byStatus).map(([k, v]) => ({ label: STATUS[k] || k, value: v }))),
    barChart("Commandes par jour", r.byDay.map((d) => ({ label: d.day, value: d.orders }))),
    barChart("Unités par site", r.unitsByLocation.slice(0, 8).map((u) => ({ label: u.name || u.location, value: u.units }))));
  const load = new Map(r.unitsByLocation.map((u) => [u.location, u]));
  const locs = await call(api, "/v1/locations");
  if (!names.size) { names = new Map(locs.map((l) => [l.id, l.name])); showAlerts([], true); }
  const sorted = [...locs].sort((a, b) => (load.get(b.id)?.units || 0) - (load.get(a.id)?.units || 0)).slice(0, 15);
  $("locations").replaceChildren(...sorted.map((l) => el("tr", {}, el("td", {}, l.name), el("td", {}, l.kind === "store" ? "Magasin" : "Entrepôt"),
    el("td", {}, el("meter", { min: 0, max: Math.max(1, ...r.unitsByLocation.map((u) => u.units)), value: load.get(l.id)?.units || 0, "aria-label": `Charge de ${l.name}` }), ` ${load.get(l.id)?.units || 0}`),
    el("td", {}, String(load.get(l.id)?.orders || 0)))));
}

async function refresh() {
  if (refused) return;
  try { await Promise.all([orders(), report()]); }
  catch (e) {
    // A refused token stays refused: stop polling and reconnecting until another one is given.
    refused = e.status === 401 || e.status === 403;
    if (refused) socket?.close();
    $("conn").textContent = refused ? "Jeton refusé." : "Service injoignable, nouvel essai…";
  }
}

$("token").value = token;
$("auth").addEventListener("submit", (e) => {
  e.preventDefault();
  token = $("token").value;
  localStorage.setItem("ops:token", token);
  refused = false;
  connectAlerts();
  refresh();
});
$("add-order").addEventListener("submit", (e) => {
  e.preventDefault();
  const id = $("order-id").value.trim();
  $("add-order-msg").textContent = "";
  if (id) localStorage.setItem("shop:orders", JSON.stringify([{ id }, ...known().filter((o) => o.id !== id)]));
  $("order-id").value = "";
  refresh();
});
// Why a count line was refused, in French (the API's messages are English).
const WHY = { unknown_location: "site inconnu", invalid_quantity: "quantité invalide (un nombre entier ≥ 0)",
  invalid_version: "version invalide (un nombre entier)", missing_field: "sku et site requis", invalid_field: "valeur invalide" };
// French plurals start at 2: "0 ligne appliquée", "1 ligne appliquée", "2 lignes appliquées".
const plural = (n) => (n > 1 ? "s" : "");
const lines = (n) => `${n} ligne${plural(n)}`;
$("counts").addEventListener("submit", async (e) => {
  e.preventDefault();
  // A file chosen is sent once: the field is cleared after, so that text pasted next is what counts.
  const file = $("csv-file").files[0];
  const text = file ? await file.text() : $("csv-text").value;
  $("csv-file").value = "";
  try {
    const r = await call(api, "/v1/inventory/counts", { method: "POST", headers: { ...auth(), "content-type": "text/csv" }, body: text });
    $("csv-result").textContent = `${lines(r.applied)} appliquée${plural(r.applied)}, ${r.duplicates} déjà importée${plural(r.duplicates)}, ` +
      `${r.rejected.length} refusée${plural(r.rejected.length)}` +
      r.rejected.slice(0, 5).map((x) => ` — ligne ${x.line} : ${WHY[x.code] ?? x.message}`).join("");
  } catch (err) {
    // The worker's invalid_csv covers the header, an empty file and an unclosed quote.
    const header = err.code === "invalid_csv" && /header row/.test(err.message);
    $("csv-result").textContent = header
      ? "Import refusé : la première ligne doit nommer les colonnes sku, location et onHand (version facultative), chacune une fois."
      : err.code === "invalid_csv" ? `Import refusé : fichier CSV illisible (${err.message}).` : `Import refusé : ${err.message}`;
  }
});
connectAlerts();
refresh();
setInterval(refresh, 3000);
