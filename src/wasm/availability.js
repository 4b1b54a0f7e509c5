// Turns the numbers of a packed availability answer (src/inventory/availability.rs,
// `PackedAvailability`) into the API's objects. Property order matches the JSON form.
export function unpackAvailability(numbers, ids, skus, extras) {
  const more = extras ? JSON.parse(extras) : null;
  const out = new Array(skus.length);
  let k = 0;
  for (let i = 0; i < skus.length; i++) {
    const total = numbers[k++];
    const n = numbers[k++];
    const locations = new Array(n);
    for (let j = 0; j < n; j++) {
      const id = ids[numbers[k++]];
      const ats = numbers[k++];
      const d = numbers[k++];
      locations[j] = d === d ? { id, ats, distanceKm: d } : { id, ats };
    }
    const answer = { sku: skus[i], total, locations };
    const extra = more && more[i];
    if (extra) {
      if (extra.availableFrom !== undefined) answer.availableFrom = extra.availableFrom;
      if (extra.incoming !== undefined) answer.incoming = extra.incoming;
    }
    out[i] = answer;
  }
  return out;
}
