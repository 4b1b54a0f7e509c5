// Input checks of the routes the engine does not check itself. Each names the offending field
// and throws a 400 `invalid_input`.
import { HttpError } from "./reply";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A 400 with `code` (default `invalid_input`) naming `field`. */
export function invalid(field: string, message: string, code = "invalid_input"): HttpError {
  return new HttpError(400, code, `${field}: ${message}`, { field });
}

export function object(value: unknown, field: string): JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid(field, "must be an object");
  }
  return value as JsonObject;
}

export function array(value: unknown, field: string, max: number): Json[] {
  if (!Array.isArray(value)) throw invalid(field, "must be an array");
  if (value.length > max) throw invalid(field, `at most ${max} items`);
  return value as Json[];
}

/** Longest SKU a request may name (cart lines, availability queries). */
export const MAX_SKU_LENGTH = 200;

export function string(value: unknown, field: string, maxLength = 200): string {
  if (typeof value !== "string" || value.length === 0) throw invalid(field, "must be a non-empty string");
  if (value.length > maxLength) throw invalid(field, `at most ${maxLength} characters`);
  // A lone surrogate has no UTF-8 form: stored, it would come back as U+FFFD, another string
  // (inventory events refuse it the same way).
  if (!value.isWellFormed()) throw invalid(field, "must be well-formed Unicode (a lone surrogate)");
  return value;
}

/** An integer in [min, max], else a 400 with `code` (default `invalid_input`) naming `field`. */
export function integer(value: unknown, field: string, min: number, max: number, code = "invalid_input"): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be an integer in [${min}, ${max}]`, code);
  }
  return value;
}

/**
 * A cart line's quantity: an integer in [1, max], else a 400 `invalid_quantity` (the code the
 * engine gives a bad quantity, here as in POST /v1/source).
 */
export function quantity(value: unknown, field: string, max: number): number {
  return integer(value, field, 1, max, "invalid_quantity");
}

export function finite(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw invalid(field, `must be a number in [${min}, ${max}]`);
  }
  return value;
}

/**
 * Refuses a query string that is not valid percent-encoded UTF-8 (`skus=%FF`, a bare `%`, an
 * encoded lone surrogate), naming the parameter: URLSearchParams, which every query reader here
 * goes through, would read each bad escape as U+FFFD, so `skus=%FF` would ask for a SKU nobody
 * named and answer "none available". The router refuses a malformed path segment the same way.
 */
export function checkQueryEncoding(url: URL): void {
  if (!url.search.includes("%")) return;
  for (const part of url.search.slice(1).split("&")) {
    const eq = part.indexOf("=");
    const [name, value] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
    let field: string;
    try {
      field = decodeURIComponent(name.replaceAll("+", " ")); // `+` is a space in a query
    } catch {
      throw invalid("query", "a parameter's name is not valid percent-encoded UTF-8");
    }
    try {
      decodeURIComponent(value);
    } catch {
      throw invalid(field, "not valid percent-encoded UTF-8");
    }
  }
}

/** A query parameter as a finite number, or undefined when absent. */
export function queryNumber(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = queryText(url, name);
  if (raw === undefined) return undefined;
  // Decimal only: Number() also reads `0x10` as 16 and `0b1` as 1.
  const n = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw invalid(name, `must be a number in [${min}, ${max}]`);
  return n;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * A query parameter's text, or undefined when absent or blank: a query built from a template
 * (`?status=&limit=`) leaves an unset parameter empty, as `queryNumber` reads it. Trimmed, but for
 * an id (`trim: false`: a location id may hold spaces, and a token is compared as it is).
 */
export function queryText(url: URL, name: string, { trim = true } = {}): string | undefined {
  const given = url.searchParams.getAll(name);
  // Which of two values counts would be a guess (a form sending a field twice, a client's array
  // encoding of a single value): refused. (`skus`, a list, adds its values up instead.)
  if (given.length > 1) throw invalid(name, "given more than once");
  const raw = given[0];
  if (raw === undefined || raw.trim() === "") return undefined;
  return trim ? raw.trim() : raw;
}

/** A query parameter as a whole number, or undefined when absent. */
export function queryInteger(url: URL, name: string, min: number, max: number): number | undefined {
  const n = queryNumber(url, name, min, max);
  if (n !== undefined && !Number.isInteger(n)) throw invalid(name, "must be an integer");
  return n;
}

/** `lat` and `lon` query parameters: both or neither. */
export function queryPoint(url: URL): { lat: number; lon: number } | undefined {
  const lat = queryNumber(url, "lat", -90, 90);
  const lon = queryNumber(url, "lon", -180, 180);
  if ((lat === undefined) !== (lon === undefined)) throw invalid(lat === undefined ? "lat" : "lon", "lat and lon go together");
  return lat === undefined || lon === undefined ? undefined : { lat, lon };
}

/** `mode=ship|pickup`, default ship. */
export function queryMode(url: URL): "ship" | "pickup" {
  const mode = queryText(url, "mode") ?? "ship";
  if (mode !== "ship" && mode !== "pickup") throw invalid("mode", "must be ship or pickup");
  return mode;
}

/** A comma-separated list of SKUs: 1 to `max` non-empty names. */
export function querySkus(url: URL, max: number): string[] {
  // `skus=A,B`, and also `skus=A&skus=B` (as a form or an HTTP client's array encoding writes).
  const given = url.searchParams.getAll("skus");
  const raw = given.length === 0 ? null : given.join(",");
  if (raw === null || raw.trim() === "") throw invalid("skus", "required: a comma-separated list of SKUs");
  const skus = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (skus.length === 0) throw invalid("skus", "required: a comma-separated list of SKUs");
  if (skus.length > max) throw invalid("skus", `at most ${max} SKUs`);
  // The bound of a cart line's SKU: no such SKU can be stocked through the API's carts.
  skus.forEach((s, i) => string(s, `skus[${i}]`, MAX_SKU_LENGTH));
  return skus;
}

/** Refuses fields that are not in `keys`, as the engine does for its own requests. */
export function known(value: JsonObject, field: string, keys: readonly string[]): JsonObject {
  for (const k of Object.keys(value)) {
    if (!keys.includes(k)) throw invalid(field === "body" ? k : `${field}.${k}`, `unknown field; expected one of ${keys.join(", ")}`);
  }
  return value;
}

/** An optional field: `null` counts as absent (as in the engine's requests). */
export function optional<T extends Json>(value: T | undefined): T | undefined {
  return value === null ? undefined : value;
}
