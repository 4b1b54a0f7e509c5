// JS helpers of the binding.

// Turns the numbers of a packed availability answer (src/inventory/availability.rs,
// `PackedAvailability`) into the API's objects, the SKUs cut from `names` by their lengths, or,
// when `names` is not a string (the query crossed as `availabilityText`'s text), the SKUs that
// text was written from. Property order matches the JSON form.
export function unpackAvailability(numbers, ids, names, dates) {
  const day = dates ? dates.split("\n") : undefined;
  const listed = typeof names === "string" ? undefined : textNames;
  textNames = undefined;
  // One answer per SKU asked, in order: room for them all when they are known.
  const out = listed === undefined ? [] : new Array(listed.length);
  let s = 0;
  let k = 0;
  let at = 0;
  while (k < numbers.length) {
    const length = numbers[k++];
    const sku = listed === undefined ? names.slice(at, (at += length)) : listed[s];
    const total = numbers[k++];
    const n = numbers[k++];
    const locations = new Array(n);
    for (let j = 0; j < n; j++, k += 3) {
      const id = ids[numbers[k] | 0];
      const ats = numbers[k + 1];
      const d = numbers[k + 2];
      locations[j] = d === d ? { id, ats, distanceKm: d } : { id, ats };
    }
    const answer = { sku, total, locations };
    const m = numbers[k++];
    let incoming;
    if (m > 0) {
      incoming = new Array(m);
      for (let j = 0; j < m; j++, k += 2) incoming[j] = { date: day[numbers[k]], qty: numbers[k + 1] };
    }
    const from = numbers[k++];
    if (from >= 0) answer.availableFrom = day[from];
    if (incoming !== undefined) answer.incoming = incoming;
    out[s++] = answer;
  }
  return out;
}

// Completes an apply report (src/inventory/apply.rs, `PackedChanges`): `changes` built from four
// numbers per change and the changed SKUs' names (a JSON array), location ids shared from
// `ids`. Property order matches the JSON form.
export function unpackChanges(numbers, ids, report, skus) {
  const names = JSON.parse(skus);
  const n = numbers.length >> 2;
  const changes = new Array(n);
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    changes[i] = { sku: names[numbers[k]], location: ids[numbers[k + 1]], before: numbers[k + 2], after: numbers[k + 3] };
  }
  report.changes = changes;
  return report;
}

// Turns the numbers of a packed plan (src/sourcing/packed.rs, `PackedPlan`) into the plan
// object `source` answers; `strings` is the plan's strings one after the other, cut by the
// lengths that open `numbers`; location ids are shared from `ids`. Property order matches the
// JSON form, and a number JSON cannot hold becomes null as it would there. The third parameter
// is unused: the signature is `unpackAvailability`'s (one import wrapper for both).
const STATUSES = ["complete", "partial", "unfulfillable"];
const REASONS = ["inactive", "no_shipping", "kind_excluded", "not_listed", "too_far",
  "below_performance", "capacity_exhausted", "out_of_stock", "costlier", "insufficient"];
const json = (x) => (Number.isFinite(x) ? x : null);

export function unpackPlan(numbers, ids, _unused, strings) {
  const count = numbers[0];
  const text = new Array(count);
  for (let i = 0, at = 0; i < count; i++) text[i] = strings.slice(at, (at += numbers[1 + i]));
  const h = 1 + count;
  let k = 0;
  const lines = () => {
    const n = numbers[k++];
    const out = new Array(n);
    for (let i = 0; i < n; i++, k += 2) out[i] = { sku: text[numbers[k]], qty: numbers[k + 1] };
    return out;
  };
  const status = STATUSES[numbers[h]];
  const totalCost = json(numbers[h + 1]);
  const optimal = numbers[h + 2] === 1;
  const lowerBound = json(numbers[h + 3]);
  const searchNodes = numbers[h + 4];
  const strategy = numbers[h + 5];
  const parcels = numbers[h + 6];
  k = h + 7;
  const shipments = new Array(parcels);
  for (let i = 0; i < parcels; i++) {
    const location = ids[numbers[k]];
    const distanceKm = json(numbers[k + 1]);
    const cost = json(numbers[k + 2]);
    k += 3;
    shipments[i] = { location, distanceKm, cost, lines: lines() };
  }
  const unfulfilled = lines();
  const plan = { status, totalCost, optimal, lowerBound, shipments, unfulfilled };
  if (strategy >= 0) plan.strategy = text[strategy];
  const n = numbers[k++];
  const explanations = new Array(n);
  for (let i = 0; i < n; i++, k += 6) {
    const x = {
      location: ids[numbers[k]], distanceKm: json(numbers[k + 1]), reason: REASONS[numbers[k + 2]],
      message: text[numbers[k + 3]],
    };
    const by = numbers[k + 4];
    if (by === by) x.costlierBy = json(by);
    const exact = numbers[k + 5];
    if (exact >= 0) x.costlierByExact = exact === 1;
    explanations[i] = x;
  }
  plan.explanations = explanations;
  plan.searchNodes = searchNodes;
  return plan;
}

// The current local time in an IANA time zone, as `YYYY-MM-DDTHH:MM` (Sweden's locale writes
// ISO-like dates). Throws a RangeError for an unknown zone. Formatters are built once per zone:
// building one costs far more than formatting with it.
const formatters = new Map();

export function localNow(zone) {
  let format = formatters.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("sv-SE", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    formatters.set(zone, format);
  }
  return format.format(new Date()).replace(" ", "T");
}

const utf8 = new TextEncoder();

// Writes string `s` as UTF-8 into wasm memory at `ptr` (room for `cap` bytes) and returns the
// bytes written, or -1 when they do not fit. The engine's own strings cross this way:
// TextEncoder.encodeInto is native, while wasm-bindgen's generic copy walks the string one
// character at a time in JS (about 25 ms for a 7.5 MB batch of events, against 1.3 ms).
export function encodeInto(s, memory, ptr, cap) {
  const { read, written } = utf8.encodeInto(s, new Uint8Array(memory.buffer, ptr, cap));
  return read === s.length ? written : -1;
}

// JSON text of a request object, refusing NaN and ±Infinity: JSON.stringify writes them as null,
// which an optional field would read as "absent" (a NaN cost would silently become 0). Throws
// the string `path \0 value` naming where the number is (`lines[1].qty`, empty for the value
// itself) and what it held (a BigInt, which JSON.stringify refuses, as `5n`). The text comes
// from a plain JSON.stringify (a replacer function would run for every value, strings included:
// a tenth of an availability call); only a text holding `null`, or one JSON.stringify refused,
// is walked, to tell a null given from a number that became one and to find the BigInt.
export function stringifyFinite(value) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    const bad = nonFinite(value, "", "", new Set());
    if (bad !== undefined) throw `${bad.path}\0${bad.value}`;
    // A cycle, a throwing getter or toJSON: what it says, without the NUL that marks a path.
    throw messageOf(err).replaceAll("\0", " ");
  }
  if (text !== undefined && text.includes("null")) {
    const bad = nonFinite(value, "", "", new Set());
    if (bad !== undefined) throw `${bad.path}\0${bad.value}`;
  }
  return text;
}

// An availability query the short way (src/wasm/engine.rs, `availability`), for what a
// storefront sends: each SKU followed by a newline after a first line holding `today` (empty
// without), and the other fields (`near`, `radiusKm`, `limit`, `mode`, `qty`) written as numbers
// into `fields` ([lat, lon, radiusKm, limit, mode, qty, today given], NaN for a field absent,
// mode 0 absent, 1 ship, 2 pickup). No JSON to format and parse, and no allocation per SKU: the
// engine reads the SKUs in place. Undefined for anything else, which crosses the JSON way, whose
// answers and errors it gives (a package test compares the two ways).
//
// Taken when `query` is a plain object (its prototype Object's, with nothing enumerable added to
// it, or none: its enumerable keys are then its own, as JSON reads them) with no toJSON, holding
// only those fields and `skus`, each absent (undefined, as JSON leaves it out) or what JSON would
// carry unchanged (finite numbers, a `{lat, lon}` of them, the mode's names, texts without a
// newline, well-formed). -0 reads as 0, as its JSON does. Values are read as JSON.stringify reads
// them: each field in key order, all of it (a SKU list's elements, a point's coordinates) before
// the next; an own property JSON skips (not enumerable) is not read.
export function availabilityText(query, fields) {
  if (typeof query !== "object" || query === null || !plain(query)) return undefined;
  if (typeof query.toJSON === "function") return undefined;
  let skus, lat = NaN, lon = NaN, r = NaN, l = NaN, m = 0, q = NaN, today;
  for (const key in query) {
    switch (key) {
      case "skus":
        skus = skuText(query.skus);
        if (skus === undefined) return undefined;
        break;
      case "near": {
        const near = query.near;
        if (near === undefined) break;
        if (typeof near !== "object" || near === null || !plain(near) || typeof near.toJSON === "function") {
          return undefined;
        }
        let a, b;
        for (const k in near) {
          if (k === "lat") a = near.lat;
          else if (k === "lon") b = near.lon;
          else return undefined;
        }
        if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
        lat = a + 0;
        lon = b + 0;
        break;
      }
      case "radiusKm": r = number(query.radiusKm); break;
      case "limit": l = number(query.limit); break;
      case "qty": q = number(query.qty); break;
      case "mode": {
        const mode = query.mode;
        m = mode === undefined ? 0 : mode === "ship" ? 1 : mode === "pickup" ? 2 : -1;
        break;
      }
      case "today":
        today = query.today;
        if (today !== undefined && (typeof today !== "string" || today.includes("\n") || !today.isWellFormed?.())) {
          return undefined;
        }
        break;
      default: return undefined;
    }
    if (r === undefined || l === undefined || q === undefined || m < 0) return undefined;
  }
  // No SKU list (JSON's missing field), or a getter that grew the wasm memory and left `fields`
  // a view of the old one: the JSON way then.
  if (skus === undefined || fields.length !== 7) return undefined;
  fields[0] = lat;
  fields[1] = lon;
  fields[2] = r;
  fields[3] = l;
  fields[4] = m;
  fields[5] = q;
  fields[6] = today === undefined ? 0 : 1;
  textNames = skus.names;
  return today === undefined ? `\n${skus.text}` : `${today}\n${skus.text}`;
}

// A field's number: NaN when absent, undefined when JSON would not carry it as it is.
function number(x) {
  return x === undefined ? NaN : Number.isFinite(x) ? x + 0 : undefined;
}

// True for an object whose enumerable keys are its own: no prototype, or Object's with nothing
// enumerable added to it.
function plain(o) {
  const proto = Object.getPrototypeOf(o);
  if (proto === null) return true;
  if (proto !== Object.prototype) return false;
  for (const _ in proto) return false;
  return true;
}

// `skus` as the short way's lines: each SKU (a well-formed string without a newline, read once,
// in order, as JSON reads an array) followed by a newline, and the SKUs themselves; undefined for
// anything else (not an array, or one with a toJSON).
function skuText(skus) {
  if (!Array.isArray(skus) || typeof skus.toJSON === "function") return undefined;
  const n = skus.length;
  const names = new Array(n);
  let t = "";
  for (let i = 0; i < n; i++) {
    const s = skus[i];
    if (typeof s !== "string" || s.includes("\n")) return undefined;
    names[i] = s;
    t += `${s}\n`;
  }
  // Well-formed as a whole when each line is: a newline between them pairs no surrogates.
  if (!t.isWellFormed?.()) return undefined;
  return { text: t, names };
}

// The SKUs of the text `availabilityText` wrote last, each read once from the caller's array:
// the engine reads that text, so its answer (`unpackAvailability`, next, with no caller's code
// run in between) names them without their text crossing back.
let textNames;

// Most events one batch may hold: src/inventory/events/mod.rs MAX_BATCH_EVENTS, which the engine
// enforces on the text. A longer array is refused here before JSON.stringify walks it (a sparse
// array of thirty million holes: 150 MB of `null`s).
const MAX_BATCH_EVENTS = 1 << 22;
const TOO_LONG = `a batch holds at most ${MAX_BATCH_EVENTS} events: apply them in smaller batches`;

// The array's length, or a message thrown: it cannot be read (a Proxy's trap threw) or is over
// the cap.
function batchLength(events) {
  let length;
  try {
    length = events.length;
  } catch (e) {
    throw `cannot read the array's length: ${messageOf(e)}`;
  }
  if (!(length <= MAX_BATCH_EVENTS)) throw TOO_LONG;
  return length;
}

// The JSON of an events array, event by event, when JSON.stringify refused it as a whole (a
// BigInt, a cycle, a getter that throws, in some event) or would have written a quantity of some
// event as `null` (NaN, ±Infinity: `null` means "absent", and a `safetyStock` of `qty: null`
// removes the buffer): a line `index code message` per event that cannot be written (standing
// in as `null`: each event stands alone), an empty line, then the array's JSON text. Everything
// the caller's array runs (each element's getter, a Proxy's traps, `toJSON`) runs inside a try:
// an exception must not cross the wasm while the engine is borrowed. `length` is the array's, as
// eventsText read it.
function eachEventText(events, length) {
  const parts = new Array(length);
  const refused = [];
  for (let i = 0; i < length; i++) {
    try {
      const event = events[i];
      const s = JSON.stringify(event);
      const bad = s !== undefined && s.includes("null") ? nonFiniteQuantity(event, String(i)) : undefined;
      if (bad !== undefined) {
        parts[i] = "null";
        refused.push(`${i} ${bad}\n`);
      } else {
        parts[i] = s === undefined ? "null" : s;
      }
    } catch (e) {
      parts[i] = "null";
      refused.push(`${i} not_json ${messageOf(e).replace(/[\r\n]+/g, " ")}\n`);
    }
  }
  return `${refused.join("")}\n[${parts.join(",")}]`;
}

// The numbers each event type reads.
const READS = { set: ["onHand", "version"], adjust: ["delta"] };
for (const type of ["reserve", "release", "pick", "ship", "return", "safetyStock", "incoming"]) READS[type] = ["qty"];

// `code message` when a number the event reads, as JSON.stringify sees the event (its `toJSON`,
// own enumerable fields, a Number object's value), is NaN or ±Infinity; else undefined.
function nonFiniteQuantity(event, key) {
  let v = event;
  if (typeof v === "object" && v !== null && typeof v.toJSON === "function") v = v.toJSON(key);
  if (typeof v !== "object" || v === null) return undefined;
  for (const field of Object.hasOwn(READS, v.type) ? READS[v.type] : []) {
    if (!Object.prototype.propertyIsEnumerable.call(v, field)) continue;
    let n = v[field];
    if (n instanceof Number) n = n.valueOf();
    if (typeof n === "number" && !Number.isFinite(n)) {
      return `${field === "version" ? "invalid_version" : "invalid_quantity"} \`${field}\` must be a finite number, got ${n}`;
    }
  }
  return undefined;
}

// The JSON text of an events array: JSON.stringify's, when it writes every event as it is;
// else eachEventText's, event by event (JSON.stringify throws for some event, or writes a
// quantity of some event, NaN or ±Infinity, as `null`; only a text holding `null` is looked
// into). The first is a JSON array, `[...`; the second starts with its refusals or an empty line.
// A length that cannot be read or is beyond the cap throws a message, before anything is written.
export function eventsText(events) {
  const length = batchLength(events);
  let text;
  try {
    text = JSON.stringify(events);
  } catch {
    return eachEventText(events, length);
  }
  if (!text.includes("null")) return text;
  try {
    let found = false;
    for (let i = 0; i < length && !found; i++) found = nonFiniteQuantity(events[i], String(i)) !== undefined;
    if (!found) return text;
  } catch {
    // Read again below, each read inside its own try.
  }
  return eachEventText(events, length);
}

// What a thrown value says, as a string, whatever it is: an Error's message (read inside the try:
// its getter may throw, or hold no string), anything else as String() writes it. Never throws:
// an exception must not cross the wasm while the engine is borrowed (src/wasm/bridge.rs reads
// what JSON.stringify threw through it).
export function messageOf(e) {
  try {
    const m = e instanceof Error ? e.message : String(e);
    return typeof m === "string" ? m : String(m);
  } catch {
    return "what it threw cannot be read";
  }
}

// The first number in `value` that JSON cannot hold (NaN, ±Infinity, a BigInt), as
// `{ path, value }`, where path extends `path` (the value's own) with the keys and indexes
// leading to it, and `key` is the name a JSON.stringify replacer would see (what `toJSON` is
// given); undefined when there is none. `open` holds the objects being walked: called also on a
// value JSON.stringify refused, which may hold a cycle.
function nonFinite(value, key, path, open) {
  if (typeof value === "number") {
    return Number.isFinite(value) ? undefined : { path, value: String(value) };
  }
  if (typeof value === "bigint") return { path, value: `${value}n` };
  if (typeof value !== "object" || value === null) return undefined;
  if (typeof value.toJSON === "function") return nonFinite(value.toJSON(key), key, path, open);
  // A cycle (which JSON.stringify refused) is not walked round: the objects being walked.
  if (open.has(value)) return undefined;
  open.add(value);
  let bad;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && bad === undefined; i++) bad = nonFinite(value[i], String(i), `${path}[${i}]`, open);
  } else {
    for (const k of Object.keys(value)) {
      bad = nonFinite(value[k], k, path === "" ? k : `${path}.${k}`, open);
      if (bad !== undefined) break;
    }
  }
  open.delete(value);
  return bad;
}

// The engine's errors: an Error with a stable `code`, and `field` when one is known. Built here
// in one call rather than by four imports (each distinct import signature costs the module a
// wrapper that V8 compiles at every cold start); its signature is `unpackChanges`'s.
export function codedError(message, code, field, name) {
  const err = new Error(message);
  err.name = name;
  err.code = code;
  if (field !== undefined) err.field = field;
  return err;
}

// Traps. Rust aborts when memory runs out (src/wasm/alloc.rs notes the failed allocation first),
// and would on a fault of its own (the core has no panicking path): either reaches JS as a
// WebAssembly.RuntimeError thrown out of the call, which leaves the engine it was in borrowed
// (wasm-bindgen's Rc count of that call's hold is never given back) and perhaps half changed.
// scripts/loader-guard.mjs routes every call into the module through `trapped`: the trap becomes
// a coded error (`out_of_memory`, else `internal_error`, the trap as its `cause`), and the engine
// whose method it cut short is marked failed: each later call of it is `engine_failed`, until it
// is freed, which gives back the holds its cut-short calls left. A trap in a call the engine's
// own call made (copying a string argument into the wasm) reaches that engine's call as the coded
// error already made, which marks it the same. Other engines keep their state and go on working.
let outOfMemory = false;

export function noteOutOfMemory() {
  outOfMemory = true;
}

// The engines that trapped, by pointer: how many of their calls a trap cut short (each left its
// hold). Until freed: a freed pointer may be reused.
export const failedEngines = new Map();

// The errors `trapped` made.
const fromTraps = new WeakSet();

// Whether `err` is an error `trapped` made (src/wasm/engine.rs: a trap while `fromSnapshot`'s
// bytes were copied in is not a refusal of the bytes).
export function fromTrap(err) {
  return fromTraps.has(err); // false for a primitive
}

export function trapped(err, engine) {
  let out = err;
  if (err instanceof WebAssembly.RuntimeError) {
    const oom = outOfMemory;
    outOfMemory = false;
    const what = oom
      ? "out of memory: the WebAssembly memory reached its limit"
      : `the engine stopped on an internal fault (${err.message})`;
    const then = engine === undefined ? "" : "; this Engine can no longer be used: free() it and build it again (fromSnapshot of an earlier snapshot)";
    out = codedError(what + then, oom ? "out_of_memory" : "internal_error", undefined, "AtsourceError");
    out.cause = err;
    fromTraps.add(out);
  } else if (!fromTrap(err)) {
    return err;
  }
  if (engine !== undefined) failedEngines.set(engine, (failedEngines.get(engine) ?? 0) + 1);
  return out;
}

export function engineFailed() {
  return codedError(
    "this Engine stopped in an earlier call (out_of_memory or internal_error) and may hold half a change: free() it and build it again (fromSnapshot of an earlier snapshot)",
    "engine_failed", undefined, "AtsourceError");
}

const MAX_SNAPSHOT_BYTES = 1 << 30;

// Whether a string holds no lone surrogate (src/wasm/bridge.rs, `string_arg`). One call, where
// js-sys's `is_valid_utf16` reads the string a UTF-16 unit per call into JS, and a signature
// (a string in, a boolean out) the module imports already: V8 compiles a wrapper per distinct
// import signature when it instantiates the module.
export function wellFormed(s) {
  return typeof s.isWellFormed === "function" ? s.isWellFormed() : !LONE_SURROGATE.test(s);
}
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// A copy of bytes in the wasm memory (`view` looks into it) for the caller to keep
// (src/wasm/engine.rs, `snapshot`).
export function copyBytes(view) {
  return view.slice();
}

// The bytes of a snapshot given as a Uint8Array (Node's Buffer included), an ArrayBuffer or an
// array of byte values; undefined for anything else.
export function snapshotBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  // Array elements that are not numbers (a Symbol, an object whose valueOf throws) would throw.
  // Only byte values: `new Uint8Array` would wrap 256 to 0 and truncate 0.5 to 0. A length
  // beyond any snapshot (a sparse array) is refused rather than walked.
  if (Array.isArray(value)) {
    if (!(value.length <= MAX_SNAPSHOT_BYTES)) return undefined;
    return value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255) ? new Uint8Array(value) : undefined;
  }
  return undefined;
}
