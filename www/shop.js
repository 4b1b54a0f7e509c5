// The demo storefront: catalogue, product pages carrying <atsource-availability>, cart with
// <atsource-delivery-options>, checkout (a reservation with its hold timer, then the order) and
// live order tracking with a return request. Hash routes, so the worker serves one static page.
import { call, el, formatKm, formatNumber, formatPrice } from "/atsource-common.js";

const api = location.origin;
const $main = document.getElementById("main");
const euro = (n) => formatPrice(n, "fr");
const PARIS = { name: "Paris", lat: 48.8566, lon: 2.3522 };
const MAX_QTY = 10; // per cart line, as the quantity fields say
// An order's status is the name of its last event; a return says in its detail whether the units went back to stock.
const STATUS = { created: "Commande confirmée", picked: "En préparation", shipped: "Expédiée", delivered: "Livrée",
  cancelled: "Annulée", return_requested: "Retour demandé", returned: "Retour reçu" };
const entryLabel = (t) => t.event === "restocked" ? "Remis en stock"
  : t.event === "returned" && t.detail?.restocked ? "Retour reçu et remis en stock" : STATUS[t.status] || t.status;
let catalogue = null;
let leave = () => {}; // stops the current page's timers when the route changes

const store = {
  get: (k, d) => { try { return JSON.parse(localStorage.getItem(k)) ?? d; } catch { return d; } },
  set: (k, v) => localStorage.setItem(k, JSON.stringify(v)),
};
const cart = () => store.get("shop:cart", []);
let releasing = Promise.resolve(); // the release of a hold the cart no longer matches
// Gives a hold back; a failure is the worker's to mend (the hold expires anyway).
const releaseHold = (id) => call(api, `/v1/reservations/${id}`, { method: "DELETE" }).catch(() => {});
function saveCart(lines) {
  store.set("shop:cart", lines);
  // Another cart needs another hold. The old one is released at once: left to expire, it keeps
  // the units from everyone, the shopper's own next checkout included.
  const held = heldReservation();
  sessionStorage.removeItem("shop:reservation");
  if (held) releasing = releaseHold(held.id);
  showCount();
}
function heldReservation() {
  try { return JSON.parse(sessionStorage.getItem("shop:reservation")); } catch { return null; }
}
const showCount = () => { document.getElementById("cart-count").textContent = cart().reduce((n, l) => n + l.qty, 0); };
const place = () => store.get("atsource:place", null);

async function products() {
  catalogue ??= await call(api, "/v1/catalogue");
  return catalogue.products;
}

let locationNames = null;
/** Location id -> name, so that a hold or an order reads "depuis Paris Rivoli", not its code. */
function locationName() {
  locationNames ??= call(api, "/v1/locations").then((ls) => new Map(ls.map((l) => [l.id, l.name])))
    .catch(() => { locationNames = null; return new Map(); });
  return locationNames.then((m) => (id) => m.get(id) || id);
}

/** "2 × Lampe Étretat, 1 × …": product names from the catalogue, the SKU when it has none. */
async function linesText(lines) {
  const names = new Map((await products().catch(() => [])).map((p) => [p.sku, p.name]));
  return lines.map((l) => `${l.qty} × ${names.get(l.sku) || l.sku}`).join(", ");
}

/** What the shopper pays: the items at the cart's prices and the delivery option as quoted. */
function amountOf(lines, delivery) {
  const cents = (n) => Math.round(n * 100) / 100;
  const items = cents(lines.reduce((n, l) => n + l.price * l.qty, 0)), shipping = delivery?.price ?? 0;
  return { items, delivery: shipping, total: cents(items + shipping) };
}
const amountText = (a) => `Total : ${euro(a.total)} (articles ${euro(a.items)}, livraison ${a.delivery ? euro(a.delivery) : "gratuite"})`;

function page(title, ...children) {
  document.title = `${title} — Maison Atsource`;
  $main.replaceChildren(el("h1", {}, title), ...children);
  $main.focus({ preventScroll: true });
}

// What the shop says of the API's refusals (its messages are English, for developers).
const REFUSED = { reservation_expired: "La réservation a expiré : revenez au panier pour réserver à nouveau.",
  reservation_released: "La réservation a été annulée : revenez au panier pour réserver à nouveau.",
  reservation_ordered: "Cette réservation a déjà été commandée.", insufficient_stock: "Un article n'est plus disponible en quantité suffisante.",
  invalid_quantity: "Une quantité du panier est invalide.", not_found: "Introuvable.", invalid_input: "Une information saisie est invalide." };
const refusal = (e) => (e.code === "unreachable" ? "Impossible de joindre la boutique pour le moment." : REFUSED[e.code] ?? e.message);

function failure(e, retry) {
  page("Service indisponible", el("p", { class: "err", role: "alert" }, refusal(e)), el("button", { onclick: retry }, "Réessayer"));
}

async function catalogueRoute(params) {
  const all = await products();
  const cats = [...new Set(all.map((p) => p.category))].sort();
  const cat = params.get("c") || cats[0];
  const shown = all.filter((p) => p.category === cat).slice(0, 24);
  const select = el("select", { id: "cat", onchange: (e) => { location.hash = `#/?c=${encodeURIComponent(e.target.value)}`; } },
    cats.map((c) => el("option", { value: c, selected: c === cat }, c)));
  page("Catalogue", el("label", {}, "Rayon", select),
    el("ul", { class: "grid" }, shown.map((p) => el("li", { class: "card" }, el("span", { class: "swatch", "aria-hidden": "true" }),
      el("a", { href: `#/p/${encodeURIComponent(p.sku)}` }, p.name), el("span", { class: "muted" }, `${p.category} · ${p.color}`),
      el("span", { class: "price" }, euro(p.price))))));
}

async function productRoute(sku) {
  const p = (await products()).find((x) => x.sku === sku);
  if (!p) return page("Produit introuvable", el("a", { href: "#/" }, "Retour au catalogue"));
  const qty = el("input", { id: "qty", type: "number", min: 1, max: MAX_QTY, value: 1, inputmode: "numeric" });
  const msg = el("p", { role: "status", id: "added" });
  const add = () => {
    const lines = cart(), n = Math.max(1, Math.min(MAX_QTY, parseInt(qty.value, 10) || 1)), line = lines.find((l) => l.sku === sku);
    // The cart's quantity field stops at MAX_QTY: adding again cannot go past it either.
    const capped = line && line.qty + n > MAX_QTY;
    if (line) line.qty = Math.min(MAX_QTY, line.qty + n); else lines.push({ sku, qty: n, name: p.name, price: p.price });
    saveCart(lines);
    msg.replaceChildren(capped ? `Quantité limitée à ${MAX_QTY} par article : ${MAX_QTY} dans le panier. ` : "Ajouté au panier. ", el("a", { href: "#/cart" }, "Voir le panier"));
  };
  const widget = el("atsource-availability", { sku, "radius-km": 50, mode: "ship", lang: "fr", id: "availability" });
  page(p.name, el("div", { class: "product" },
    el("div", { class: "panel" }, el("span", { class: "swatch", "aria-hidden": "true" }),
      el("p", { class: "price" }, euro(p.price)), el("p", {}, `${p.department} · ${p.category} · ${p.color}`),
      el("p", { class: "muted" }, `Réf. ${p.sku} · ${formatNumber(p.weightGrams / 1000, "fr", 1)} kg`),
      el("label", {}, "Quantité", qty), el("button", { id: "add", onclick: add }, "Ajouter au panier"), msg),
    el("section", { "aria-label": "Disponibilité" }, el("h2", {}, "Disponibilité près de chez vous"), widget)));
}

async function cartRoute() {
  await releasing; // the delivery options are priced on the stock that release gives back
  const lines = cart();
  if (!lines.length) return page("Panier", el("p", {}, "Votre panier est vide. "), el("a", { href: "#/" }, "Voir le catalogue"));
  const where = place() || PARIS;
  const options = el("atsource-delivery-options", { id: "delivery", lat: where.lat, lon: where.lon, lang: "fr" });
  options.lines = lines.map((l) => ({ sku: l.sku, qty: l.qty, unitPrice: l.price }));
  const checkout = el("a", { class: "button", href: "#/checkout", id: "checkout" }, "Commander");
  const why = el("p", { class: "err", id: "undeliverable", role: "status" });
  options.addEventListener("atsource-select", (e) => {
    sessionStorage.setItem("shop:delivery", JSON.stringify(e.detail));
    // No option at all: checkout could only be refused, so it is not offered (nor when the
    // options could not be read: the widget says why, and the "cannot be delivered" line is not).
    const none = !e.detail;
    const unread = none && options.error;
    if (none) { checkout.removeAttribute("href"); checkout.setAttribute("aria-disabled", "true"); }
    else { checkout.setAttribute("href", "#/checkout"); checkout.removeAttribute("aria-disabled"); }
    why.textContent = none && !unread ? `Ce panier ne peut pas être livré ni retiré près de ${where.name || "votre position"} : retirez les articles indisponibles ou changez de lieu.` : "";
  });
  const rows = lines.map((l, i) => el("tr", {}, el("td", {}, el("a", { href: `#/p/${encodeURIComponent(l.sku)}` }, l.name)),
    el("td", {}, el("input", { type: "number", min: 0, max: MAX_QTY, value: l.qty, "aria-label": `Quantité de ${l.name}`,
      onchange: (e) => { const n = Math.max(0, Math.min(MAX_QTY, parseInt(e.target.value, 10) || 0)); const next = cart(); if (n) next[i].qty = n; else next.splice(i, 1); saveCart(next); route(); } })),
    el("td", {}, euro(l.price * l.qty))));
  const total = lines.reduce((n, l) => n + l.price * l.qty, 0);
  page("Panier", el("table", {}, el("caption", { class: "muted" }, "Articles du panier"),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Article"), el("th", { scope: "col" }, "Quantité"), el("th", { scope: "col" }, "Montant"))),
    el("tbody", {}, rows)), el("p", { class: "price" }, `Sous-total : ${euro(total)}`),
    el("h2", {}, `Livraison vers ${where.name || "votre position"}`), options,
    el("p", {}, checkout), why);
}

async function checkoutRoute() {
  const lines = cart();
  if (!lines.length) return cartRoute();
  const where = place() || PARIS;
  await releasing;
  let r = heldReservation();
  const delivery = JSON.parse(sessionStorage.getItem("shop:delivery") || "null");
  // Click & collect holds the cart at the chosen store; home delivery where sourcing ships from.
  const pickup = delivery?.kind === "pickup" ? delivery.id : undefined;
  // Another choice, another hold: the old one is released once the new one is held, so that a
  // refused choice leaves the shopper the hold they had.
  let replaced = null;
  const items = lines.map(({ sku, qty }) => ({ sku, qty }));
  const elsewhere = r && (r.destination?.lat !== where.lat || r.destination?.lon !== where.lon); // the shopper moved
  const otherCart = r && JSON.stringify(r.lines) !== JSON.stringify(items); // changed in another tab
  if (r && Date.parse(r.expiresAt) >= Date.now() && (r.pickup?.location !== pickup || elsewhere || otherCart)) [replaced, r] = [r, null];
  if (!r || Date.parse(r.expiresAt) < Date.now()) {
    const key = `cart-${crypto.randomUUID()}`;
    try {
      r = await call(api, "/v1/reservations", { method: "POST", body: JSON.stringify({ idempotencyKey: key,
        lines: lines.map(({ sku, qty }) => ({ sku, qty })), destination: { lat: where.lat, lon: where.lon }, ttlSeconds: 900, pickup }) });
    } catch (e) {
      if (e.code === "insufficient_stock") return page("Stock insuffisant", el("p", { class: "err", role: "alert" }, "Un article n'est plus disponible en quantité suffisante."), el("a", { href: "#/cart" }, "Modifier le panier"));
      if (e.code === "not_collectable") return page("Retrait indisponible", el("p", { class: "err", role: "alert" }, "Ce magasin ne peut plus préparer ce panier : choisissez un autre mode."), el("a", { href: "#/cart" }, "Retour au panier"));
      throw e;
    }
    // Kept with the place and the cart it was held for: another of either needs another hold.
    r = { ...r, destination: { lat: where.lat, lon: where.lon }, lines: items };
    sessionStorage.setItem("shop:reservation", JSON.stringify(r));
    if (replaced) await releaseHold(replaced.id);
  }
  const timer = el("span", { class: "timer", id: "hold-timer", role: "timer", "aria-live": "off" });
  let interval;
  let expired = false;
  const tick = () => {
    const s = Math.max(0, Math.round((Date.parse(r.expiresAt) - Date.now()) / 1000));
    timer.textContent = `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
    if (s > 0) return;
    // The hold is over (the worker releases it): said once, and another taken only if asked.
    expired = true;
    clearInterval(interval);
    sessionStorage.removeItem("shop:reservation");
    page("Réservation expirée", el("p", { role: "alert" }, "Le délai de réservation est écoulé : les articles ont été remis en vente."),
      el("p", {}, el("button", { id: "hold-again", onclick: () => route() }, "Réserver à nouveau"), " ", el("a", { href: "#/cart" }, "Retour au panier")));
  };
  interval = setInterval(tick, 1000);
  leave = () => clearInterval(interval);
  tick();
  if (expired) return;
  const name = el("input", { id: "name", autocomplete: "name", required: true });
  const email = el("input", { id: "email", type: "email", autocomplete: "email", required: true });
  const msg = el("p", { role: "alert", class: "err" });
  const submit = async (e) => {
    e.preventDefault();
    // The cart is shared by the shop's tabs: ordered (or changed) in another, this hold is not it.
    if (JSON.stringify(cart()) !== JSON.stringify(lines)) {
      await releaseHold(r.id);
      sessionStorage.removeItem("shop:reservation");
      return page("Panier modifié", el("p", { role: "alert" }, "Votre panier a changé dans un autre onglet : la réservation a été annulée."), el("a", { href: "#/cart" }, "Voir le panier"));
    }
    e.submitter.disabled = true;
    try {
      const o = await call(api, "/v1/orders", { method: "POST", body: JSON.stringify({ reservationId: r.id,
        customer: { name: name.value, email: email.value, delivery: delivery && { kind: delivery.kind, id: delivery.id, name: delivery.name, price: delivery.price }, amount } }) });
      store.set("shop:orders", [{ id: o.id, token: o.trackingToken, at: new Date().toISOString() }, ...store.get("shop:orders", [])].slice(0, 50));
      sessionStorage.removeItem("shop:reservation"); // it became the order: nothing to release
      saveCart([]);
      location.hash = `#/order/${o.id}/${o.trackingToken}`;
    } catch (err) { msg.textContent = refusal(err); e.submitter.disabled = false; }
  };
  const amount = amountOf(lines, delivery), nameOf = await locationName();
  const held = await Promise.all(r.plan.shipments.map(async (s) => `${await linesText(s.lines)} — depuis ${nameOf(s.location)} (${formatKm(s.distanceKm, "fr")})`));
  if (expired) return; // the hold ended during those reads: its page stands
  const release = async () => { await releaseHold(r.id); sessionStorage.removeItem("shop:reservation"); location.hash = "#/cart"; };
  page("Paiement", el("p", {}, "Vos articles sont réservés pendant ", timer, "."),
    el("p", { class: "muted" }, delivery ? `Mode : ${delivery.name ?? delivery.id} — ${delivery.price ? euro(delivery.price) : "gratuit"}` : ""),
    el("ul", { id: "shipments" }, held.map((text) => el("li", {}, text))), el("p", { class: "price", id: "amount" }, amountText(amount)),
    el("form", { onsubmit: submit, "aria-label": "Coordonnées" }, el("label", {}, "Nom", name), el("label", {}, "E-mail", email),
      el("p", {}, el("button", { type: "submit", id: "place-order" }, "Confirmer la commande"), " ",
        el("button", { type: "button", class: "secondary", onclick: release }, "Annuler la réservation")), msg));
}

async function orderRoute(id, token) {
  const status = el("p", { class: "status", id: "order-status", role: "status", "aria-live": "polite" });
  const timeline = el("ol", { class: "timeline", id: "timeline", "aria-label": "Suivi de commande" });
  const ships = el("ul", { id: "shipments" });
  const amount = el("p", { class: "price", id: "order-amount" });
  const actions = el("div", {});
  const parcels = el("h2", {}, "Colis");
  const offline = el("p", { class: "err", id: "tracking-offline", role: "status" });
  page("Merci pour votre commande", el("p", {}, "Commande ", el("strong", { id: "order-id" }, id)), status, offline, amount,
    el("h2", {}, "Suivi"), timeline, parcels, ships, actions);
  let last = "", interval = 0, gone = false;
  const refresh = async () => {
    let o;
    try { o = await call(api, `/v1/orders/${encodeURIComponent(id)}?token=${encodeURIComponent(token ?? "")}`); } catch (e) {
      // A wrong link does not heal by asking again (a 5xx or the network may): say why, stop polling.
      if (e.status >= 400 && !gone) { gone = true; clearInterval(interval); trackingRefused(id, e.status); }
      // The shop unreachable: the status shown may be old; said until an answer comes back.
      else if (!gone) offline.textContent = "Connexion perdue : le suivi reprendra dès que possible.";
      return;
    }
    offline.textContent = "";
    if (gone) return;
    const key = JSON.stringify([o.status, o.timeline.length]);
    if (key === last) return; // no re-render, no layout shift, no repeated announcement
    last = key;
    status.textContent = STATUS[o.status] || o.status;
    status.dataset.status = o.status;
    if (o.status === "cancelled") {
      $main.querySelector("h1").textContent = "Commande annulée";
      document.title = "Commande annulée — Maison Atsource";
    }
    // Click & collect: the shopper fetches it from the store, no parcel comes.
    if (o.customer?.delivery?.kind === "pickup") parcels.textContent = "Retrait en magasin";
    timeline.replaceChildren(...o.timeline.map((t) => el("li", { "data-status": t.status, "data-event": t.event }, el("strong", {}, entryLabel(t)), " — ",
      new Date(t.at).toLocaleString("fr-FR", { dateStyle: "medium", timeStyle: "short" }))));
    // What the shopper agreed to pay at checkout (an order placed elsewhere may not say).
    if (o.customer?.amount) amount.textContent = amountText(o.customer.amount);
    ships.replaceChildren(...await Promise.all(o.shipments.map(async (s) => el("li", {}, `${s.name} (${formatKm(s.distanceKm, "fr")}) : ${await linesText(s.lines)}`))));
    const ask = async () => {
      await call(api, `/v1/orders/${encodeURIComponent(id)}/returns?token=${encodeURIComponent(token)}`, { method: "POST", body: "{}" }).catch(() => {});
      refresh();
    };
    actions.replaceChildren(o.status === "delivered" ? el("button", { id: "request-return", onclick: ask }, "Demander un retour")
      : o.status === "return_requested" ? el("p", {}, "Votre demande de retour est enregistrée : déposez le colis en point relais.") : "");
  };
  leave = () => { gone = true; clearInterval(interval); }; // and an answer arriving after leaving is dropped
  await refresh();
  // Live tracking: the worker has no order stream, so the page polls while it is open.
  if (!gone) interval = setInterval(refresh, 1000);
}

function trackingRefused(id, status) {
  const back = el("a", { href: "#/" }, "Retour au catalogue");
  if (status === 404) page("Commande introuvable", el("p", { class: "err", role: "alert" }, `Aucune commande ne porte le numéro ${id}.`), back);
  else page("Lien de suivi invalide", el("p", { class: "err", role: "alert" }, `Ce lien ne permet pas de suivre la commande ${id} : ouvrez le lien complet reçu avec la confirmation.`), back);
}

// Routes run one after another, each to its end, and hash changes met while one runs come to
// one more run: a slow earlier route (a reservation being taken) can no longer draw its page over
// the one the address now names, and its timers are stopped by the next.
let routing = Promise.resolve();
let queued = false;
function route() {
  if (queued) return routing;
  queued = true;
  // A route that throws must not stop the ones after it: the chain goes on whatever happens.
  routing = routing.then(() => { queued = false; return show(); }).catch(() => {});
  return routing;
}

async function show() {
  leave();
  leave = () => {};
  const [path, query = ""] = location.hash.slice(1).split("?");
  // A malformed escape (#/p/%E0) reads as the catalogue rather than failing the route.
  const decode = (x) => { try { return decodeURIComponent(x); } catch { return ""; } };
  const parts = path.split("/").filter(Boolean).map(decode);
  const run = async () => {
    if (parts[0] === "p") return productRoute(parts[1]);
    if (parts[0] === "cart") return cartRoute();
    if (parts[0] === "checkout") return checkoutRoute();
    if (parts[0] === "order" && parts[1]) return orderRoute(parts[1], parts[2]);
    return catalogueRoute(new URLSearchParams(query));
  };
  try { await run(); } catch (e) { failure(e, route); }
  document.body.dataset.route = parts[0] || "catalogue";
}

window.addEventListener("hashchange", route);
// Another tab changed the cart: the count, and the cart page if it is the one shown.
window.addEventListener("storage", (e) => {
  if (e.key !== "shop:cart") return;
  showCount();
  if (document.body.dataset.route === "cart") route();
});
showCount();
route();
