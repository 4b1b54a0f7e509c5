// <atsource-delivery-options>: what a cart page offers — home delivery levels (price, dates,
// parcels) and click & collect stores — from POST /v1/source, with the sourcing explanation
// ("why this store") on demand. Set `element.lines = [{ sku, qty, unitPrice }]` (or the `lines`
// attribute as JSON) and `lat`/`lon`; the choice is `element.selected` and fires `atsource-select`.
import { STRINGS, apiOf, call, el, formatDay, formatKm, formatPrice, langOf, readiness, settled, BASE_CSS } from "./atsource-common.js";

class AtsourceDeliveryOptions extends HTMLElement {
  static observedAttributes = ["lines", "lat", "lon", "lang", "api", "profile"];
  #lines = [];
  #answer = null;
  #error = null;
  #selected = null;
  #gen = 0;
  #names = new Map(); // location id -> name, for the explanation

  constructor() {
    super();
    this.attachShadow({ mode: "open" }).innerHTML = `<style>${BASE_CSS}
fieldset{border:0;margin:0 0 .75rem;padding:0}legend{font-weight:700;margin-bottom:.25rem}
.opt{display:flex;flex-direction:row;gap:.6rem;align-items:flex-start;padding:.45rem 0;border-top:1px solid #eee}
.opt input{margin-top:.3rem}.opt span{flex:1}.price{font-weight:700}
details{margin:.25rem 0 0}summary{cursor:pointer;color:#1d4ed8;text-decoration:underline}</style>
<div class="box" part="box" aria-live="polite"></div>`;
  }

  get lines() { return this.#lines; }
  set lines(v) { this.#lines = Array.isArray(v) ? v : []; this.#queue(); }
  /** The chosen option: `{ kind: "home" | "pickup", id, price, ... }`. */
  get selected() { return this.#selected; }
  /** Why the options could not be read (a `code`, `unreachable` or the API's), or null. */
  get error() { return this.#error; }
  /** The last answer of POST /v1/source: `{ plan, deliveryOptions }`. */
  get answer() { return this.#answer; }

  connectedCallback() { this.#queue(); }
  attributeChangedCallback(name, old, now) {
    if (name === "lines") { try { this.#lines = JSON.parse(now || "[]"); } catch { this.#lines = []; } }
    if (old !== now) this.#queue();
  }

  /** One POST /v1/source per settled set of lines and attributes (a page sets several at once). */
  #queue = settled(this, () => this.#load());

  async #load() {
    const gen = ++this.#gen, lat = parseFloat(this.getAttribute("lat")), lon = parseFloat(this.getAttribute("lon"));
    if (!this.#lines.length || !Number.isFinite(lat) || !Number.isFinite(lon)) return;
    this.#error = null;
    const body = { lines: this.#lines.map(({ sku, qty, unitPrice }) => ({ sku, qty, ...(unitPrice != null ? { unitPrice } : {}) })), destination: { lat, lon } };
    if (this.getAttribute("profile")) body.profile = this.getAttribute("profile");
    try {
      const [r, locs] = await Promise.all([call(apiOf(this), "/v1/source", { method: "POST", body: JSON.stringify(body) }),
        this.#names.size ? [] : call(apiOf(this), `/v1/locations?lat=${lat}&lon=${lon}&radiusKm=1000`).catch(() => [])]);
      for (const l of locs) this.#names.set(l.id, l.name);
      if (gen !== this.#gen) return;
      this.#answer = r;
      const d = r.deliveryOptions, first = d.home[0];
      const keep = this.#selected && [...d.home.map((h) => h.id), ...d.clickAndCollect.map((c) => c.location)].includes(this.#selected.id);
      if (!keep) this.#choose(first ? { kind: "home", ...first } : d.clickAndCollect[0] ? { kind: "pickup", id: d.clickAndCollect[0].location, ...d.clickAndCollect[0] } : null);
    } catch (e) {
      if (gen !== this.#gen) return;
      this.#error = e;
      // Nothing can be chosen: a page offering checkout (on its last choice) must withdraw it.
      this.#choose(null);
    }
    this.#render();
  }

  #choose(option) {
    this.#selected = option;
    this.dispatchEvent(new CustomEvent("atsource-select", { detail: option, bubbles: true, composed: true }));
  }

  #render() {
    const t = STRINGS[langOf(this)], lang = langOf(this), box = this.shadowRoot.querySelector(".box");
    // The service down (retry), or the cart refused (a 4xx: its message, retrying would not help).
    if (this.#error) {
      return this.#error.code === "unreachable"
        ? box.replaceChildren(el("p", { class: "err", role: "alert" }, t.unreachable), el("button", { onclick: () => this.#load() }, t.retry))
        : box.replaceChildren(el("p", { class: "err", role: "alert" }, t.refused(this.#error.message)));
    }
    const d = this.#answer?.deliveryOptions;
    if (!d) return box.replaceChildren(el("p", { class: "muted" }, t.loading));
    if (!d.home.length && !d.clickAndCollect.length) return box.replaceChildren(el("p", { class: "err" }, t.noOption));
    const price = (p) => (p === 0 ? t.free : formatPrice(p, lang, d.currency));
    const radio = (kind, id, option, ...label) => el("label", { class: "opt" },
      el("input", { type: "radio", name: "atsource-delivery", value: `${kind}:${id}`, checked: this.#selected?.id === id,
        onchange: () => { this.#choose({ kind, id, ...option }); } }), el("span", {}, ...label));
    const home = d.home.map((h) => radio("home", h.id, h,
      el("strong", {}, h.name), " — ", el("span", { class: "price" }, price(h.price)), el("br"),
      el("span", { class: "muted" }, `${t.between(formatDay(h.earliest, lang), formatDay(h.latest, lang))} · ${t.parcels(h.parcels)}`),
      this.#why(h.shipments.map((s) => s.location), h.plan, t, lang)));
    const pickup = d.clickAndCollect.slice(0, 4).map((c) => radio("pickup", c.location, c,
      el("strong", {}, c.name), ` (${formatKm(c.distanceKm, lang)}) — `, el("span", { class: "price" }, price(c.price)), el("br"),
      el("span", { class: "muted" }, readiness(c, t, lang)[1])));
    box.replaceChildren(
      home.length ? el("fieldset", {}, el("legend", {}, t.home), home) : el("p", { class: "muted" }, t.noDelivery),
      pickup.length ? el("fieldset", {}, el("legend", {}, t.pickup), pickup) : null);
  }

  /** The plan's shipments and why nearer locations were passed over, behind a disclosure. */
  #why(chosen, plan, t, lang) {
    if (!plan) return null;
    const label = (id) => this.#names.get(id) || id;
    const ships = plan.shipments.map((s) => el("li", { class: "chosen" }, t.shipsFrom(label(s.location), formatKm(s.distanceKm, lang))));
    const others = (plan.explanations || []).filter((x) => !chosen.includes(x.location)).slice(0, 5)
      .map((x) => el("li", {}, el("span", {}, `${label(x.location)} (${formatKm(x.distanceKm, lang)})`), el("span", { class: "muted" }, t.reasons[x.reason] || x.reason)));
    return el("details", {}, el("summary", {}, t.why), el("ul", {}, ships, others));
  }
}

if (!customElements.get("atsource-delivery-options")) customElements.define("atsource-delivery-options", AtsourceDeliveryOptions);
