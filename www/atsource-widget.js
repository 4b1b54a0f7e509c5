// <atsource-availability>: availability of one SKU near the shopper, live. Framework-free, no
// wasm: it reads GET /v1/availability and POST /v1/source from the worker and follows
// /v1/live over a WebSocket. Loading this file also defines <atsource-delivery-options>.
import { STRINGS, apiOf, band, call, el, formatDay, formatKm, formatNumber, langOf, readiness, settled, versionOf, BASE_CSS } from "./atsource-common.js";
import { CITIES } from "./atsource-cities.js";
import "./atsource-delivery-options.js";

const PLACE_KEY = "atsource:place";
// One shopper, one place: setPlace announces it on window (other tabs: `storage`); `chosen`
// stands in for a refused localStorage.
const PLACE_EVENT = "atsource-place";
let chosen = null;
// The shopper was located without a click (geolocation allowed already): once per page.
let located = false;

/** How a shopper may type a town: any case and accents, "-", "'" or spaces between words, "St" for "Saint". */
const plain = (s) => s.toLowerCase().normalize("NFD").replace(/\p{Diacritic}/gu, "").replace(/[\s'’-]+/g, " ").trim()
  .replace(/\bst(e?)\b/g, "saint$1");

/**
 * A postcode ("69002"), a département prefix ("690"), a town ("lyon", "saint etienne") or an
 * arrondissement ("Paris 15") from the embedded table. A postcode the table lacks falls back to a
 * town of its département: near enough for availability within tens of kilometres.
 */
export function findPlace(text) {
  const q = plain(text), [, town, n] = q.match(/^(\D+) (\d\d?)(?:e|er|eme)?$/) || [];
  if (!q) return null;
  return CITIES.find((c) => c.postcode === q)
    || (/^\d+$/.test(q) && CITIES.find((c) => c.postcode.startsWith(q.length === 5 ? q.slice(0, 2) : q)))
    || (town && CITIES.find((c) => plain(c.name) === town && c.postcode.endsWith(n.padStart(2, "0"))))
    || CITIES.find((c) => plain(c.name) === q || `${c.postcode} ${plain(c.name)}` === q) || CITIES.find((c) => plain(c.name).startsWith(q)) || null;
}

class AtsourceAvailability extends HTMLElement {
  static observedAttributes = ["sku", "lat", "lon", "radius-km", "mode", "lang", "api"];
  #state = null; // { sku, total, locations, availableFrom? } as the API answers
  #offers = null; // the delivery options of one unit to the shopper
  #error = null;
  #asking = false;
  /** A place was just given from the form: the focus goes back to the answer's "change" button. */
  #refocus = false;
  #socket = null;
  #retryMs = 500;
  #gen = 0; // answers of an older load are dropped
  #shown = 0; // the load whose answer is shown
  #estimateTimer = 0; // a re-read pending after pushes
  #pendingSince = 0; // when the first push it waits for arrived
  #pushes = 0; // pushes within the radius applied: a re-read older than one is dropped
  #version = 0; // the newest push's ledger version
  #wait = 0; // #readAt's pause
  #next = null; // { version, full } read after it
  #quotes = 0; // estimate reads sent; an answer older than the one shown is dropped
  #quoted = 0;
  #held = null; // the band kept while the estimate says if none near is delivered from afar
  #heldAt = 0; // estimate reads sent when it was kept
  #readVersion = 0; // the ledger version the first read answered at

  constructor() {
    super();
    this.attachShadow({ mode: "open" }).innerHTML = `<style>${BASE_CSS}</style><div class="box" part="box"></div><div class="sr" role="status" aria-live="polite" aria-atomic="true"></div>`;
  }

  /** `{ sku, total, locations }` as GET /v1/availability answers, kept current by the live stream. */
  get availability() {
    return this.#state && structuredClone(this.#state);
  }

  get #t() { return STRINGS[langOf(this)]; }
  // A radius the API would refuse ("abc", negative, 0, beyond 40,000 km) is a typo: the default.
  get #radius() { const r = Number(this.getAttribute("radius-km")); return r > 0 && r <= 40000 ? r : 50; }
  // Any case, as HTML matches enumerated attributes.
  get #mode() { return this.getAttribute("mode")?.toLowerCase() === "pickup" ? "pickup" : "ship"; }

  // A point the API would refuse ("abc", "48.85abc", a latitude of 200) is no point: the shopper
  // is asked, as without one.
  get #place() {
    const num = (a) => { const v = this.getAttribute(a); return v === null || !v.trim() ? NaN : Number(v); };
    const lat = num("lat"), lon = num("lon");
    if (Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return { lat, lon, name: this.getAttribute("place") || "", own: true };
    try { return JSON.parse(localStorage.getItem(PLACE_KEY)) || chosen; } catch { return chosen; }
  }

  /** The shopper's place changed (another widget, another tab): follow it unless given a point. */
  #follow = (e) => {
    if (e.key && e.key !== PLACE_KEY || this.#place?.own) return;
    this.#asking = false;
    this.#queue();
  };

  connectedCallback() {
    for (const type of [PLACE_EVENT, "storage"]) addEventListener(type, this.#follow);
    this.#queue();
  }

  // Leaving the page ends everything under way: a load in flight, a reconnection pending.
  disconnectedCallback() {
    for (const type of [PLACE_EVENT, "storage"]) removeEventListener(type, this.#follow);
    this.#gen++; this.#closeSocket(); this.#cancelRefresh();
  }
  attributeChangedCallback(_n, old, now) { if (old !== now) this.#queue(); }

  /** One load per settled set of attributes: an element parsed before this module ran gets
   *  every attribute, then connectedCallback, in one go when it upgrades. */
  #queue = settled(this, () => this.#load());

  /** Sets the shopper's place: this widget's, every other one's without lat/lon, and remembered
   *  for the next product page. */
  setPlace(place) {
    chosen = place;
    try { localStorage.setItem(PLACE_KEY, JSON.stringify(place)); } catch { /* private mode */ }
    this.#asking = false;
    for (const a of ["lat", "lon"]) this.removeAttribute(a);
    this.#queue();
    dispatchEvent(new CustomEvent(PLACE_EVENT, { detail: place }));
  }

  async #load() {
    const gen = ++this.#gen;
    this.#closeSocket();
    this.#cancelRefresh();
    this.#offers = this.#held = null; // another question: its estimate is read anew
    if (!this.isConnected) return;
    const sku = this.getAttribute("sku"), place = this.#place;
    // No product, or no place: no answer either (the last one was for another question).
    if (!sku || !place) this.#clear();
    if (!sku) return this.shadowRoot.querySelector(".box").replaceChildren();
    if (!place || this.#asking) return this.#render();
    this.#error = null;
    this.shadowRoot.querySelector(".box").setAttribute("aria-busy", "true");
    try {
      // Both at once; nothing near (ship): the band waits for the estimate.
      const offers = this.#estimate(gen);
      const answer = await call(apiOf(this), `/v1/availability?${this.#query(sku, place)}`), [a] = answer;
      if (gen !== this.#gen) return;
      this.#readVersion = versionOf(answer);
      if (a.total === 0 && this.#mode === "ship") await offers;
      if (gen !== this.#gen) return;
      this.#shown = gen;
      this.#set(a);
      this.#listen(sku, place, gen);
    } catch (e) {
      if (gen !== this.#gen) return;
      // Refused (a 4xx): the last answer was to another question; asking again would not help.
      if (e.status) this.#clear();
      else this.#retry(gen);
      this.#error = e;
      this.#render();
    }
  }

  /** Loads again after a back-off (0.5 s doubling to 15 s, reset once live): recovers with no click. */
  #retry(gen) {
    setTimeout(() => gen === this.#gen && this.#load(), this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, 15000);
  }

  /** The query of GET /v1/availability, and of the live stream that keeps its answer current. */
  #query(sku, place) {
    return new URLSearchParams({ skus: sku, lat: place.lat, lon: place.lon, radiusKm: this.#radius, mode: this.#mode });
  }

  /** Delivery dates and pickup readiness of one unit (at `version` or later); null if unread. */
  async #offersFor(sku, place, version = -1) {
    try {
      const r = await call(apiOf(this), `/v1/source${version >= 0 ? `?version=${version}` : ""}`, { method: "POST",
        body: JSON.stringify({ lines: [{ sku, qty: 1 }], destination: { lat: place.lat, lon: place.lon } }) });
      return r.deliveryOptions;
    } catch { return null; }
  }

  /** Reads the estimate again (unreadable: the one before stays). */
  async #estimate(gen, version) {
    const n = ++this.#quotes;
    const offers = await this.#offersFor(this.getAttribute("sku"), this.#place, version);
    if (gen !== this.#gen || n < this.#quoted) return;
    this.#quoted = n;
    // Asked before the last unit near went: it cannot tell.
    if (this.#held && n <= this.#heldAt) return void (this.#offers = offers ?? this.#offers);
    const before = this.#band()[1];
    this.#offers = offers ?? (this.#held ? { ...this.#offers, home: [] } : this.#offers);
    this.#held = null;
    if (this.#shown !== gen) return;
    this.#render();
    this.#announce(before);
  }

  /** Reads at a push's `version` (`full`: availability too): at once, then at most every 2 s. */
  #readAt(gen, version, full) {
    this.#next = { version: Math.max(this.#next?.version ?? 0, version ?? 0), full: full || !!this.#next?.full };
    if (this.#wait) return;
    const { version: v, full: f } = this.#next;
    this.#next = null;
    if (f) this.#refresh(gen, v);
    else this.#estimate(gen, v);
    this.#wait = setTimeout(() => {
      this.#wait = 0;
      if (gen === this.#gen && this.#next) this.#readAt(gen, this.#next.version, this.#next.full);
    }, 2000);
  }

  /** The stock band of the current answer: [class, text]. */
  #band(a = this.#state) {
    if (this.#held && a === this.#state) return this.#held;
    return a ? band(a, this.#t, langOf(this), this.#mode === "ship" && this.#offers?.home?.length > 0) : [null, null];
  }

  /** Announces the band when its text changed (not every re-render). */
  #announce(before) {
    const now = this.#band()[1];
    if (now && before !== now) this.shadowRoot.querySelector("[role=status]").textContent = now;
  }

  #set(a) {
    const before = this.#band()[1];
    this.#state = a;
    this.#render();
    this.#announce(before);
    this.#changed();
  }

  /** Tells the page the state changed: `atsource-change`, its detail the new state. */
  #changed() {
    this.dispatchEvent(new CustomEvent("atsource-change", { detail: this.availability, bubbles: true, composed: true }));
  }

  /** Forgets the answer, telling the page when there was one. */
  #clear() {
    this.#offers = null;
    this.#error = null;
    if (!this.#state) return;
    this.#state = null;
    this.#changed();
  }

  #listen(sku, place, gen) {
    const url = new URL(apiOf(this).replace(/^http/, "ws") + "/v1/live");
    url.search = this.#query(sku, place);
    // Home delivery ships from anywhere: the stream follows the whole network (#apply keeps the radius for the stock).
    if (this.#mode === "ship") url.searchParams.delete("radiusKm");
    const ws = new WebSocket(url);
    this.#socket = ws;
    // data-live tells the page (and its tests) that pushes now arrive.
    ws.onopen = () => { this.#retryMs = 500; this.dataset.live = ""; };
    ws.onmessage = (m) => {
      let msg;
      try { msg = JSON.parse(m.data); } catch { return; }
      // A push at or below the first read's version is in that read already.
      if (msg.type === "ats" && gen === this.#gen && msg.version > this.#readVersion) this.#apply(msg.changes.filter((c) => c.sku === sku), msg.version);
      // What was pushed before this socket joined (the first read may be from a replica up to
      // 1 s behind): a read at the hello's version catches up.
      if (msg.type === "hello" && msg.version > this.#readVersion && gen === this.#gen && this.#state) this.#refresh(gen, msg.version, true);
    };
    // Pushes are best effort: after a drop, reconnect and re-read the exact numbers.
    ws.onclose = () => {
      if (this.#socket !== ws || gen !== this.#gen) return;
      delete this.dataset.live;
      this.#socket = null;
      this.#retry(gen);
    };
  }

  /** A push of this SKU's changes: deltas in place, then a re-read. */
  #apply(changes, version) {
    if (!changes.length || !this.#state) return;
    const gen = this.#gen;
    // Beyond the radius (ship mode follows every location): only the estimate moves.
    const near = changes.filter((c) => !(c.distanceKm > this.#radius));
    this.#version = Math.max(this.#version, version ?? 0);
    if (!near.length) return this.#readAt(gen, version, false);
    const moves = near.filter((c) => !c.supply);
    // The last unit near gone: delivered from afar? The band waits for an estimate asked after.
    const ats = new Map(this.#state.locations.map((l) => [l.id, l.ats]));
    for (const c of moves) ats.set(c.location, Math.max(0, c.after));
    const last = this.#state.total > 0 && this.#mode === "ship" && ![...ats.values()].some((n) => n > 0);
    if (last) [this.#held, this.#heldAt] = [this.#band(), this.#quotes];
    if (moves.length) this.#move(moves);
    this.#pushes++;
    if (last) this.#readAt(gen, version, false);
    else if (this.#state.total > 0) this.#held = null;
    // Supply (delta 0) is dated by the API: asked now, at this version; else re-read after ~1 s.
    if (moves.length < near.length) this.#readAt(gen, version, true);
    else if (!this.#estimateTimer || Date.now() - this.#pendingSince < 3000) {
      if (!this.#estimateTimer) this.#pendingSince = Date.now();
      clearTimeout(this.#estimateTimer);
      this.#estimateTimer = setTimeout(() => { this.#estimateTimer = 0; this.#refresh(gen, this.#version); }, 1200);
    }
  }

  #cancelRefresh() {
    clearTimeout(this.#estimateTimer);
    clearTimeout(this.#wait);
    this.#estimateTimer = this.#wait = 0;
    this.#next = null;
  }

  /** Applies ATS deltas in place: the answer changes with no round trip. */
  #move(changes) {
    const locs = new Map(this.#state.locations.map((l) => [l.id, l]));
    for (const c of changes) {
      if (c.after > 0) locs.set(c.location, { ...locs.get(c.location), id: c.location, ats: c.after, distanceKm: c.distanceKm ?? locs.get(c.location)?.distanceKm });
      else locs.delete(c.location);
    }
    // Nearest first, the API's distances as they are; equal distances by id, as the API lists them.
    const locations = [...locs.values()].sort((a, b) => (a.distanceKm ?? 0) - (b.distanceKm ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const total = locations.reduce((n, l) => n + l.ats, 0);
    // Expected supply does not move with ATS: it stays, and dates the first unit as the API
    // does (qty 1) when none is left.
    const { sku, incoming } = this.#state;
    let due = total;
    const availableFrom = total < 1 && incoming?.find((s) => (due += s.qty) >= 1)?.date;
    this.#set({ sku, total, locations, ...(availableFrom ? { availableFrom } : {}), ...(incoming ? { incoming } : {}) });
  }

  /** Re-reads the answer at `version`, then the estimate (`quiet`: only if the answer moved). */
  async #refresh(gen, version, quiet) {
    const pushes = this.#pushes;
    let moved = true;
    try {
      const [a] = await call(apiOf(this), `/v1/availability?${this.#query(this.#state.sku, this.#place)}${version ? `&version=${version}` : ""}`);
      moved = JSON.stringify(a) !== JSON.stringify(this.#state);
      // A push that arrived meanwhile is newer than this answer: its own re-read follows.
      if (gen === this.#gen && pushes === this.#pushes && moved) this.#set(a);
    } catch { /* the pushed numbers stay; the next push or reconnect re-reads */ }
    if (gen === this.#gen && (moved || !quiet)) this.#estimate(gen, version);
  }

  #closeSocket() {
    delete this.dataset.live;
    const ws = this.#socket;
    this.#socket = null;
    ws?.close();
  }

  #render() {
    const t = this.#t, lang = langOf(this), box = this.shadowRoot.querySelector(".box");
    box.removeAttribute("aria-busy");
    const place = this.#place;
    if (!place || this.#asking) {
      // A push or a re-read while the shopper chooses a place must not wipe what they type.
      if (box.querySelector("form")?.lang !== lang) box.replaceChildren(this.#askForm(t, lang));
      return;
    }
    // Refused (a 4xx): retrying would not help; the API's message says why.
    if (this.#error?.status) return box.replaceChildren(el("p", { class: "err", role: "alert" }, t.refused(this.#error.message)));
    if (this.#error) {
      // A failed automatic retry keeps it: not read out again, the focus stays on the button.
      if (box.querySelector(".err")?.textContent === t.unreachable) return;
      return box.replaceChildren(el("p", { class: "err", role: "alert" }, t.unreachable), el("button", { onclick: () => this.#load() }, t.retry));
    }
    const a = this.#state;
    if (!a) return box.replaceChildren(el("p", { class: "muted" }, t.loading));
    const [cls, text] = this.#band(a);
    const where = el("p", { class: "muted" }, `${place.name ? t.around(place.name) + ", " : ""}${t.near(formatNumber(this.#radius, lang))} · ${t.live} `,
      // The form replaces the button: the focus goes to its field, not to the page's top.
      el("button", { class: "link", onclick: () => { this.#asking = true; this.#render(); box.querySelector("input").focus(); } }, t.change));
    const o = this.#offers, parts = [el("p", { class: `band ${cls}`, "data-band": cls }, text), where];
    if (this.#mode === "ship" && o) {
      const h = o.home?.[0];
      parts.push(el("p", { class: "delivery" }, h ? t.delivery(formatDay(h.earliest, lang), formatDay(h.latest, lang)) : t.noDelivery));
    }
    const stores = (o?.clickAndCollect || []).slice(0, 3);
    const stock = new Map(a.locations.map((l) => [l.id, l.ats]));
    parts.push(el("p", { class: "muted", id: "stores-h" }, t.stores));
    parts.push(stores.length ? el("ul", { "aria-labelledby": "stores-h" }, stores.map((s) => el("li", { "data-location": s.location },
      el("span", {}, `${s.name} — ${formatKm(s.distanceKm, lang)}`),
      el("span", { class: readiness(s, t, lang)[0] }, readiness(s, t, lang)[1],
        stock.get(s.location) ? ` · ${t.units(stock.get(s.location))}` : "")))) : el("p", { class: "muted" }, o ? t.noStore : t.loading));
    // A keyboard user on "Changer de lieu" stays there when a push redraws the answer.
    // So does one who has just given a place in the form (it is gone: focus would fall to the page).
    const focused = this.shadowRoot.activeElement?.className === "link" || this.#refocus;
    this.#refocus = false;
    box.replaceChildren(...parts);
    if (focused) box.querySelector(".link").focus();
  }

  #askForm(t, lang) {
    const msg = el("p", { class: "err", role: "alert" });
    const input = el("input", { name: "place", list: "atsource-cities", autocomplete: "postal-code", required: true });
    const list = el("datalist", { id: "atsource-cities" }, CITIES.map((c) => el("option", { value: `${c.postcode} ${c.name}` })));
    const submit = (e) => {
      e.preventDefault();
      const c = findPlace(input.value);
      this.#refocus = Boolean(c);
      if (c) this.setPlace({ name: c.name, postcode: c.postcode, lat: c.lat, lon: c.lon });
      else msg.textContent = t.unknownPlace;
    };
    // `auto`: on its own, the shopper having allowed it before. It gives way to a place given
    // meanwhile and to a shopper at the form (focus in the widget, or a place typed).
    const busy = () => this.#place || this.shadowRoot.activeElement || this.shadowRoot.querySelector("input")?.value;
    const locate = (auto) => navigator.geolocation.getCurrentPosition(
      (p) => auto === true && busy() || this.setPlace({ name: "", lat: p.coords.latitude, lon: p.coords.longitude }),
      () => { if (auto !== true) msg.textContent = t.geoFailed; }, { timeout: 10000, maximumAge: 600000 });
    // Once per page, not when the shopper asked to change their place: never a prompt unasked.
    if (!located && !this.#asking && "geolocation" in navigator) {
      located = true;
      navigator.permissions?.query({ name: "geolocation" }).then((s) => s.state === "granted" && !busy() && locate(true), () => {});
    }
    return el("form", { onsubmit: submit, "aria-label": t.where, lang },
      el("label", {}, t.placeLabel, input), list, el("button", { type: "submit" }, t.find),
      "geolocation" in navigator && el("button", { type: "button", class: "link", onclick: locate }, t.locate), msg);
  }
}

if (!customElements.get("atsource-availability")) customElements.define("atsource-availability", AtsourceAvailability);
