// Great-circle distances that are the engine's to the last bit. The engine (Rust → wasm) takes
// sin, cos and asin from Rust's libm (musl/FreeBSD msun); V8's Math.sin and Math.cos come from
// another library and differ in the last bit for a few percent of arguments, which made
// GET /v1/locations and the live pushes disagree with GET /v1/availability. These are ports of
// libm 0.2's code for the arguments a haversine takes (|x| <= 5π/4; asin on [0, 1]).

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer); // little-endian (wasm, x86, arm): u32[1] is the high word

function highWord(x: number): number {
  f64[0] = x;
  return u32[1]!;
}

const S1 = -1.66666666666666324348e-1, S2 = 8.33333333332248946124e-3, S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6, S5 = -2.50507602534068634195e-8, S6 = 1.58969099521155010221e-10;
const C1 = 4.16666666666666019037e-2, C2 = -1.38888888888741095749e-3, C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7, C5 = 2.0875723212981748279e-9, C6 = -1.13596475577881948265e-11;

function kSin(x: number, y: number, iy: 0 | 1): number {
  const z = x * x;
  const w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  const v = z * x;
  return iy === 0 ? x + v * (S1 + z * r) : x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

function kCos(x: number, y: number): number {
  const z = x * x;
  const w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z;
  const w1 = 1 - hz;
  return w1 + (((1 - w1) - hz) + (z * r - x * y));
}

const TO_INT = 1.5 / 2.2204460492503131e-16;
const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417, PIO2_1T = 6.07710050650619224932e-11;
const PIO2_2 = 6.0771005063039659766e-11, PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.0222662487111664558e-21, PIO2_3T = 8.47842766036889956997e-32;

/** x - n·π/2 as y0 + y1, for π/4 < |x| <= 5π/4 (`ix`: the high word of |x|). */
function remPio2(x: number, ix: number): [number, number, number] {
  if ((ix & 0xfffff) === 0x921fb) {
    // Near a multiple of π/2: Cody-Waite in up to three rounds.
    const fn = x * INV_PIO2 + TO_INT - TO_INT;
    let r = x - fn * PIO2_1;
    let w = fn * PIO2_1T;
    let y0 = r - w;
    const ex = ix >>> 20;
    if (ex - ((highWord(y0) >>> 20) & 0x7ff) > 16) {
      let t = r;
      w = fn * PIO2_2;
      r = t - w;
      w = fn * PIO2_2T - ((t - r) - w);
      y0 = r - w;
      if (ex - ((highWord(y0) >>> 20) & 0x7ff) > 49) {
        t = r;
        w = fn * PIO2_3;
        r = t - w;
        w = fn * PIO2_3T - ((t - r) - w);
        y0 = r - w;
      }
    }
    return [fn | 0, y0, (r - y0) - w];
  }
  const k = ix <= 0x4002d97c ? 1 : 2;
  if (x > 0) {
    const z = x - k * PIO2_1;
    const y0 = z - k * PIO2_1T;
    return [k, y0, (z - y0) - k * PIO2_1T];
  }
  const z = x + k * PIO2_1;
  const y0 = z + k * PIO2_1T;
  return [-k, y0, (z - y0) + k * PIO2_1T];
}

export function sin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return ix < 0x3e500000 ? x : kSin(x, 0, 0);
  if (ix > 0x400f6a7a) return Math.sin(x); // beyond 5π/4: no haversine asks
  const [n, y0, y1] = remPio2(x, ix);
  switch (n & 3) {
    case 0: return kSin(y0, y1, 1);
    case 1: return kCos(y0, y1);
    case 2: return -kSin(y0, y1, 1);
    default: return -kCos(y0, y1);
  }
}

export function cos(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix <= 0x3fe921fb) return ix < 0x3e46a09e ? 1 : kCos(x, 0);
  if (ix > 0x400f6a7a) return Math.cos(x);
  const [n, y0, y1] = remPio2(x, ix);
  switch (n & 3) {
    case 0: return kCos(y0, y1);
    case 1: return -kSin(y0, y1, 1);
    case 2: return -kCos(y0, y1);
    default: return kSin(y0, y1, 1);
  }
}

const PIO2_HI = 1.570796326794896558, PIO2_LO = 6.12323399573676603587e-17;
const PS0 = 1.66666666666666657415e-1, PS1 = -3.25565818622400915405e-1, PS2 = 2.01212532134862925881e-1;
const PS3 = -4.00555345006794114027e-2, PS4 = 7.91534994289814532176e-4, PS5 = 3.4793310759602116757e-5;
const QS1 = -2.40339491173441421878, QS2 = 2.02094576023350569471, QS3 = -6.8828397160545329303e-1, QS4 = 7.70381505559019352791e-2;

function asinR(z: number): number {
  const p = z * (PS0 + z * (PS1 + z * (PS2 + z * (PS3 + z * (PS4 + z * PS5)))));
  const q = 1 + z * (QS1 + z * (QS2 + z * (QS3 + z * QS4)));
  return p / q;
}

/** asin on [0, 1]. */
export function asin(x: number): number {
  const ix = highWord(x) & 0x7fffffff;
  if (ix >= 0x3ff00000) return x === 1 ? x * PIO2_HI + 2 ** -120 : NaN;
  if (ix < 0x3fe00000) return ix >= 0x00100000 && ix < 0x3e500000 ? x : x + x * asinR(x * x);
  const z = (1 - Math.abs(x)) * 0.5;
  const s = Math.sqrt(z);
  const r = asinR(z);
  let y: number;
  if (ix >= 0x3fef3333) {
    y = PIO2_HI - (2 * (s + s * r) - PIO2_LO);
  } else {
    f64[0] = s;
    u32[0] = 0;
    const f = f64[0]!;
    const c = (z - f * f) / (s + f);
    y = 0.5 * PIO2_HI - (2 * s * r - (PIO2_LO - 2 * c) - (0.5 * PIO2_HI - 2 * f));
  }
  return x < 0 ? -y : y;
}

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180; // what Rust's f64::to_radians multiplies by

/**
 * Great-circle distance in km from `from` to `to`: the engine's formula and order of operations
 * (src/network/index.rs `GeoIndex::distance`), so the same number as `engine.availability`'s.
 */
export function haversineKm(from: { lat: number; lon: number }, to: { lat: number; lon: number }): number {
  const la1 = from.lat * RAD;
  const la2 = to.lat * RAD;
  const sLat = sin((la2 - la1) / 2);
  const sLon = sin((to.lon * RAD - from.lon * RAD) / 2);
  const h = sLat * sLat + cos(la1) * cos(la2) * (sLon * sLon);
  return 2 * EARTH_RADIUS_KM * asin(Math.min(1, Math.sqrt(h)));
}
