// A storefront's subscription: SKUs near a point, by fulfilment mode.
import { invalid, queryMode, queryNumber, queryPoint, querySkus } from "../validate";

export interface Subscription {
  skus: string[];
  near?: { lat: number; lon: number };
  radiusKm?: number;
  mode: "ship" | "pickup";
}

/** At most this many SKUs per subscription. */
export const MAX_SUBSCRIBED_SKUS = 200;

/** `skus=A,B&lat=&lon=&radiusKm=&mode=`; throws a 400 naming the field. */
export function parseSubscription(params: URLSearchParams): Subscription {
  const url = new URL("http://x/");
  url.search = params.toString();
  const sub: Subscription = { skus: querySkus(url, MAX_SUBSCRIBED_SKUS), mode: queryMode(url) };
  const near = queryPoint(url);
  if (near) sub.near = near;
  const radiusKm = queryNumber(url, "radiusKm", 0, 40_000);
  if (radiusKm !== undefined) {
    if (!near) throw invalid("radiusKm", "needs lat and lon");
    sub.radiusKm = radiusKm;
  }
  return sub;
}
