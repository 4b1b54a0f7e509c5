// Shared by the atsource custom elements: where the worker is, how to call it, the shopper's
// language. No framework and no wasm: the elements only speak to the worker's HTTP API, so they
// work in any page that loads them with one <script type="module">.

// The worker that serves this file is the default API: a retailer embedding
// https://atsource.example/atsource-widget.js on its own site needs no `api` attribute.
export const DEFAULT_API = new URL("/", import.meta.url).origin;

export const STRINGS = {
  fr: {
    inStock: "En stock", only: (n) => `Plus que ${n}`, out: "Rupture", deliverable: "Livrable à domicile", from: (d) => `Disponible à partir du ${d}`,
    near: (r) => `dans un rayon de ${r} km`, delivery: (a, b) => a === b ? `Livraison estimée le ${a}` : `Livraison estimée entre le ${a} et le ${b}`,
    noDelivery: "Livraison à domicile indisponible", stores: "Magasins les plus proches",
    readyToday: "Retrait prêt aujourd'hui", readyOn: (d) => `Retrait prêt le ${d}`, units: (n) => `${n} en stock`,
    noStore: "Aucun magasin proche ne peut préparer ce produit.",
    unreachable: "Impossible de joindre le service de disponibilité.", refused: (m) => `Demande refusée : ${m}`, retry: "Réessayer", loading: "Chargement de la disponibilité…",
    where: "Où êtes-vous ?", placeLabel: "Code postal ou ville", find: "Valider", locate: "Utiliser ma position",
    unknownPlace: "Code postal ou ville inconnu.", geoFailed: "Position indisponible : saisissez un code postal.",
    change: "Changer de lieu", around: (p) => `Près de ${p}`, live: "mis à jour en direct",
    home: "Livraison à domicile", pickup: "Retrait en magasin (click & collect)", free: "Gratuit",
    parcels: (n) => n > 1 ? `${n} colis` : "1 colis", between: (a, b) => a === b ? `le ${a}` : `entre le ${a} et le ${b}`,
    why: "Pourquoi ce magasin ?", shipsFrom: (n, d) => `Expédié depuis ${n} (${d})`, noOption: "Aucune option de livraison pour ce panier.",
    reasons: { out_of_stock: "pas de stock", costlier: "plus coûteux", insufficient: "stock insuffisant", too_far: "trop loin",
      capacity_exhausted: "capacité atteinte", inactive: "fermé", below_performance: "performance insuffisante", no_shipping: "n'expédie pas",
      kind_excluded: "type exclu", not_listed: "non retenu", chosen: "choisi" },
  },
  en: {
    inStock: "In stock", only: (n) => `Only ${n} left`, out: "Out of stock", deliverable: "Available for home delivery", from: (d) => `Available from ${d}`,
    near: (r) => `within ${r} km`, delivery: (a, b) => a === b ? `Estimated delivery on ${a}` : `Estimated delivery between ${a} and ${b}`,
    noDelivery: "Home delivery unavailable", stores: "Nearest stores",
    readyToday: "Pickup ready today", readyOn: (d) => `Pickup ready on ${d}`, units: (n) => `${n} in stock`,
    noStore: "No nearby store can prepare this product.",
    unreachable: "The availability service cannot be reached.", refused: (m) => `Request refused: ${m}`, retry: "Retry", loading: "Loading availability…",
    where: "Where are you?", placeLabel: "Postcode or town", find: "Confirm", locate: "Use my location",
    unknownPlace: "Unknown postcode or town.", geoFailed: "Location unavailable: enter a postcode.",
    change: "Change place", around: (p) => `Near ${p}`, live: "updated live",
    home: "Home delivery", pickup: "Store pickup (click & collect)", free: "Free",
    parcels: (n) => n > 1 ? `${n} parcels` : "1 parcel", between: (a, b) => a === b ? `on ${a}` : `between ${a} and ${b}`,
    why: "Why this store?", shipsFrom: (n, d) => `Ships from ${n} (${d})`, noOption: "No delivery option for this cart.",
    reasons: { out_of_stock: "no stock", costlier: "costlier", insufficient: "not enough stock", too_far: "too far",
      capacity_exhausted: "capacity reached", inactive: "closed", below_performance: "performance too low", no_shipping: "does not ship",
      kind_excluded: "kind excluded", not_listed: "not listed", chosen: "chosen" },
  },
};

/** The nearest `lang` that is French or English (`fr`, `en-GB`, ...), through the shadow roots
 *  that hold the element up to <html>; else French. */
export function langOf(el) {
  let n = el;
  while (n) {
    const tagged = n.closest("[lang]");
    if (!tagged) { n = n.getRootNode().host; continue; }
    const l = tagged.getAttribute("lang").slice(0, 2).toLowerCase();
    if (l === "en" || l === "fr") return l;
    n = tagged.parentElement || tagged.getRootNode().host;
  }
  return "fr";
}

export function apiOf(el) {
  return (el.getAttribute("api") || DEFAULT_API).replace(/\/$/, "");
}

/** A day ("2026-12-04" or a timestamp) as the shopper reads it. */
export function formatDay(day, lang) {
  const d = new Date(day.length === 10 ? `${day}T12:00:00` : day);
  return d.toLocaleDateString(locale(lang), { weekday: "long", day: "numeric", month: "long" });
}

const locale = (lang) => (lang === "en" ? "en-GB" : "fr-FR");

/** A price in `currency` (the ISO code a delivery configuration gives; euros by default). */
export function formatPrice(n, lang, currency = "EUR") {
  return new Intl.NumberFormat(locale(lang), { style: "currency", currency }).format(n);
}

/** A number as the shopper writes it ("1,3" in French), with `digits` decimals when given. */
export function formatNumber(n, lang, digits) {
  return new Intl.NumberFormat(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits ?? 3 }).format(n);
}

/** A distance to the tenth of a kilometre: "1,3 km". */
export const formatKm = (n, lang, digits = 1) => `${formatNumber(n, lang, digits)} km`;

/** The stock band a shopper sees: precise counts only when they help decide ("Plus que 3"). */
export function band(a, t, lang, deliverable = false) {
  if (a.total > 3) return ["in", t.inStock];
  if (a.total > 0) return ["low", t.only(a.total)];
  // None near, but the network delivers it home: sellable now, not "out of stock".
  if (deliverable) return ["ship", t.deliverable];
  if (a.availableFrom) return ["soon", t.from(formatDay(a.availableFrom, lang))];
  return ["out", t.out];
}

/** When a click & collect store has the order ready: from its own shelf (`readyAt`) or after a transfer (`readyOn`). */
export function readiness(c, t, lang) {
  const today = new Date().toISOString().slice(0, 10);
  const day = (c.readyAt || c.readyOn || "").slice(0, 10);
  if (!day) return ["muted", ""];
  if (day <= today) return ["in", c.readyAt ? `${t.readyToday} (${c.readyAt.slice(11, 16)})` : t.readyToday];
  return ["muted", t.readyOn(formatDay(day, lang))];
}

// The ledger version each answer was read at (`x-atsource-version`), by answer.
const versions = new WeakMap();
/** The ledger version `body` (an answer of `call`) was read at, or 0. */
export const versionOf = (body) => versions.get(body) ?? 0;

/** JSON from the worker; a network failure or a 5xx throws `unreachable`, a 4xx its error. */
export async function call(api, path, init = {}) {
  let res;
  try {
    res = await fetch(api + path, { ...init, signal: AbortSignal.timeout(8000),
      headers: init.body ? { "content-type": "application/json", ...init.headers } : init.headers });
  } catch {
    throw Object.assign(new Error("unreachable"), { code: "unreachable" });
  }
  const body = await res.json().catch(() => ({}));
  if (res.status >= 500) throw Object.assign(new Error("unreachable"), { code: "unreachable" });
  if (!res.ok) throw Object.assign(new Error(body.error?.message || res.statusText), { code: body.error?.code, status: res.status });
  if (body && typeof body === "object") versions.set(body, Number(res.headers.get("x-atsource-version")) || 0);
  return body;
}

/**
 * `load` once per settled set of changes: calls made in one go (a page setting several
 * attributes, an element upgraded with all of them, then connected) run it once, in a microtask,
 * if the element is still in the page.
 */
export function settled(element, load) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => { queued = false; if (element.isConnected) load(); });
  };
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  e.append(...children.flat().filter((c) => c != null && c !== false));
  return e;
}

/** Colours chosen for WCAG AA contrast (>= 4.5:1) on white; sizes reserved to avoid layout shift. */
export const BASE_CSS = `
:host{display:block;font:inherit;color:#1a1a1a;contain:layout;min-height:var(--atsource-min-height,19rem)}
*{box-sizing:border-box}
.box{border:1px solid #c9c9c9;border-radius:8px;padding:.75rem 1rem;background:#fff}
.in{color:#0b6b2b}.low,.soon,.ship{color:#8a4b00}.out{color:#a4000f}
.band{font-weight:700;font-size:1.1em;margin:0 0 .25rem}
.muted{color:#555;font-size:.9em}
ul{list-style:none;margin:.25rem 0 0;padding:0}
li{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;padding:.3rem 0;border-top:1px solid #eee}
button{font:inherit;padding:.4rem .8rem;border-radius:6px;border:1px solid #1d4ed8;background:#1d4ed8;color:#fff;cursor:pointer;min-height:2.25rem}
button.link{background:none;color:#1d4ed8;border:0;padding:0;text-decoration:underline;min-height:0}
button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
input{font:inherit;padding:.4rem;border:1px solid #767676;border-radius:6px;min-width:0}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end}
label{display:flex;flex-direction:column;gap:.2rem;flex:1 1 10rem}
.err{color:#a4000f}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;
