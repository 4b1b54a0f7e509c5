// A storefront's subscription: SKUs near a point, by fulfilment mode.
import { array, finite, invalid, known, MAX_SKU_LENGTH, optional, queryNumber, querySkus, queryText, string, type JsonObject } from "../validate";

export interface Subscription {
  skus: string[];
  near?: { lat: number; lon: number };
  radiusKm?: number;
  mode: "ship" | "pickup";
}

/** At most this many SKUs per subscription. */
export const MAX_SUBSCRIBED_SKUS = 200;

/**
 * Most bytes of a subscription's JSON, as V8 serialises it (a character one byte, or two when any
 * is beyond Latin-1): it is kept as its socket's attachment, which workerd caps at 16 KiB (200
 * SKUs of 200 characters would be 40 KB: a 500 before this check).
 */
export const MAX_SUBSCRIPTION_JSON = 15_000;

/** `sub`, or a 400 naming `skus` when it is too long to keep. */
function kept(sub: Subscription): Subscription {
  // V8 serialises a string of Latin-1 characters one byte each, any other two: counted so.
  const json = JSON.stringify(sub);
  const size = /[^\u0000-\u00ff]/.test(json) ? 2 * json.length : json.length;
  if (size > MAX_SUBSCRIPTION_JSON) {
    throw invalid("skus", `${size} bytes of subscription: at most ${MAX_SUBSCRIPTION_JSON} (fewer or shorter SKUs per connection)`);
  }
  return sub;
}

/** The numbers of a subscription and their ranges. */
const RANGE = { lat: [-90, 90], lon: [-180, 180], radiusKm: [0, 40_000] } as const;

/**
 * `skus=A,B&lat=&lon=&radiusKm=&mode=`; throws a 400 naming the field. The query's text read as
 * values (a comma-separated list, decimal numbers, blank as absent), then the rules of
 * [`subscriptionOf`].
 */
export function parseSubscription(params: URLSearchParams): Subscription {
  const url = new URL("http://x/");
  url.search = params.toString();
  const message: JsonObject = { skus: querySkus(url, MAX_SUBSCRIBED_SKUS), mode: queryText(url, "mode") ?? null };
  for (const [k, [min, max]] of Object.entries(RANGE)) message[k] = queryNumber(url, k, min, max) ?? null;
  return subscriptionOf(message);
}

/**
 * A `subscribe` message's subscription (`{ type, skus, lat?, lon?, radiusKm?, mode? }`, JSON
 * values as they are: a SKU is any string, commas included); throws a 400 naming the field. The
 * rules of every subscription ([`parseSubscription`] reads a URL's into such a message).
 */
export function subscriptionOf(message: JsonObject): Subscription {
  known(message, "body", ["type", "skus", "lat", "lon", "radiusKm", "mode"]);
  const skus = array(message.skus, "skus", MAX_SUBSCRIBED_SKUS).map((s, i) => string(s, `skus[${i}]`, MAX_SKU_LENGTH));
  if (skus.length === 0) throw invalid("skus", "required: at least one SKU");
  const given = optional(message.mode);
  const mode = given === undefined || given === "" ? "ship" : given; // blank, as `mode=` in the URL
  if (mode !== "ship" && mode !== "pickup") throw invalid("mode", "must be ship or pickup");
  const sub: Subscription = { skus, mode };
  const [lat, lon] = [optional(message.lat), optional(message.lon)];
  if ((lat === undefined) !== (lon === undefined)) throw invalid(lat === undefined ? "lat" : "lon", "lat and lon go together");
  if (lat !== undefined && lon !== undefined) sub.near = { lat: finite(lat, "lat", ...RANGE.lat), lon: finite(lon, "lon", ...RANGE.lon) };
  const radiusKm = optional(message.radiusKm);
  if (radiusKm !== undefined) {
    if (!sub.near) throw invalid("radiusKm", "needs lat and lon");
    sub.radiusKm = finite(radiusKm, "radiusKm", ...RANGE.radiusKm);
  }
  return kept(sub);
}
