// Stock counts as CSV (a WMS or POS export): a header row naming `sku`, `location` and
// `onHand` (also `on_hand`, `qty`), optionally `version`, then one count per row. Each row
// becomes a `set` event whose id is derived from the file's digest and the row number, so that
// uploading the same file again changes nothing (every row is a duplicate).
import type { EventInput, Rejection } from "atsource";
import { HttpError } from "./reply";

export interface CountRows {
  events: EventInput[];
  /** The CSV line number (1 = header) of each event. */
  lines: number[];
  /** Rows refused before reaching the engine, with their line number as `index`. */
  rejected: (Rejection & { line: number })[];
}

/** A CSV row: its fields, and the line of the file it starts on (1 = the first). */
export type CsvRow = string[] & { line?: number };

/** Splits CSV text into rows of fields (RFC 4180 quoting, CRLF or LF). */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let row: CsvRow = [];
  let field = "";
  let quoted = false;
  let i = 0;
  let line = 1; // a line break inside a quoted field counts too
  row.line = line;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  while (i < body.length) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"') {
        if (body[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
        if (ch === "\n" || (ch === "\r" && body[i + 1] !== "\n")) line++;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      row.line = ++line;
      field = "";
      if (ch === "\r" && body[i + 1] === "\n") i++;
    } else field += ch;
    i++;
  }
  if (quoted) throw new HttpError(400, "invalid_csv", "an opening quote is never closed");
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const COLUMNS: Record<string, "sku" | "location" | "onHand" | "version"> = {
  sku: "sku",
  location: "location",
  locationid: "location",
  onhand: "onHand",
  on_hand: "onHand",
  qty: "onHand",
  quantity: "onHand",
  version: "version",
};

/** The `set` events of a stock-count file; `digest` identifies the file. */
export function countEvents(text: string, digest: string): CountRows {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new HttpError(400, "invalid_csv", "the file is empty: a header row is expected");
  const header = rows[0]!.map((h) => COLUMNS[h.trim().toLowerCase().replaceAll(" ", "")]);
  // Two columns for one field (`sku,sku`, or `onHand` beside `qty`) leave which one counts a
  // guess: refused rather than read from the first.
  const twice = header.find((c, i) => c !== undefined && header.indexOf(c) !== i);
  if (twice !== undefined) {
    throw new HttpError(400, "invalid_csv", `the header row names ${twice} more than once (${rows[0]!.map((h) => h.trim()).join(",")})`);
  }
  const col = (name: string) => header.indexOf(name as never);
  const [sku, location, onHand, version] = [col("sku"), col("location"), col("onHand"), col("version")];
  if (sku < 0 || location < 0 || onHand < 0) {
    throw new HttpError(400, "invalid_csv", "the header row must name the columns sku, location and onHand (version is optional)");
  }
  const out: CountRows = { events: [], lines: [], rejected: [] };
  rows.slice(1).forEach((row, i) => {
    const line = row.line ?? i + 2;
    if (row.length === 1 && row[0]!.trim() === "") return; // blank line
    const refuse = (code: string, message: string) => out.rejected.push({ index: line, line, code, message });
    // A cell beyond the header's columns is most likely a value cut at an unquoted comma (the
    // count "1,200" read as 1): the row is refused rather than read short. Empty ones (a
    // trailing comma) are not.
    const beyond = row.findIndex((c, k) => k >= header.length && c.trim() !== "");
    if (beyond >= 0) {
      return refuse("invalid_row", `cell ${beyond + 1} lies beyond the header's ${header.length} columns: a value holding a comma (a thousands separator, as in "1,200") must be quoted`);
    }
    const cell = (c: number) => (row[c] ?? "").trim();
    if (!cell(sku) || !cell(location)) return refuse("missing_field", "sku and location are required");
    if (!/^\d+$/.test(cell(onHand))) return refuse("invalid_quantity", `onHand: ${JSON.stringify(cell(onHand))} is not a whole number >= 0`);
    // The id counts records as it always did (a file sent again before an upgrade stays a duplicate).
    const event: EventInput = { type: "set", id: `count:${digest}:${i + 2}`, sku: cell(sku), location: cell(location), onHand: Number(cell(onHand)) };
    if (version >= 0 && cell(version) !== "") {
      if (!/^\d+$/.test(cell(version))) return refuse("invalid_version", `version: ${JSON.stringify(cell(version))} is not a whole number`);
      event.version = Number(cell(version));
    }
    out.events.push(event);
    out.lines.push(line);
  });
  return out;
}
