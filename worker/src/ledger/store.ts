// The ledger's durable state in its SQLite storage: the engine as a snapshot (chunked under the
// 2 MB value limit) at `base_version` plus the journal after it; the reservations, orders and
// their timelines as tables. Every method is synchronous: the ledger calls them inside one
// `transactionSync` per request, with no await between its check and its write.
import { Engine, type Plan } from "atsource";
import { heldUnits } from "./reservations";
import { replay, type JournalEntry, type JournalKind } from "../journal";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot_chunks (n INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS reservations (
  id TEXT PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  request TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  ended_at INTEGER,
  plan TEXT NOT NULL,
  order_id TEXT
);
CREATE INDEX IF NOT EXISTS reservations_by_expiry ON reservations (status, expires_at);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY,
  reservation_id TEXT NOT NULL UNIQUE,
  token TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  customer TEXT,
  destination TEXT NOT NULL,
  plan TEXT NOT NULL,
  total_cost REAL NOT NULL,
  shipments INTEGER NOT NULL,
  units INTEGER NOT NULL,
  distance_km_sum REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS orders_by_day ON orders (created_at);
CREATE TABLE IF NOT EXISTS reservation_lines (
  reservation_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  qty INTEGER NOT NULL,
  PRIMARY KEY (reservation_id, location, sku)
);
CREATE INDEX IF NOT EXISTS reservation_lines_by_sku ON reservation_lines (sku, location);
CREATE INDEX IF NOT EXISTS orders_by_status ON orders (status);
CREATE TABLE IF NOT EXISTS order_lines (
  order_id TEXT NOT NULL,
  location TEXT NOT NULL,
  sku TEXT NOT NULL,
  qty INTEGER NOT NULL,
  PRIMARY KEY (order_id, location, sku)
);
CREATE TABLE IF NOT EXISTS order_events (
  order_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  event TEXT NOT NULL,
  event_id TEXT,
  at INTEGER NOT NULL,
  detail TEXT,
  PRIMARY KEY (order_id, seq)
);
CREATE TABLE IF NOT EXISTS order_returns (
  order_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  sku TEXT NOT NULL,
  location TEXT NOT NULL,
  qty INTEGER NOT NULL,
  restocked INTEGER NOT NULL,
  PRIMARY KEY (order_id, seq, sku, location, restocked)
);
`;

/** Snapshot chunk size: under the 2 MB row limit of Durable Object SQLite. */
const CHUNK = 1024 * 1024;
/** Compact (write a snapshot, trim the journal) past this many entries... */
const COMPACT_ENTRIES = 1000;
/** ...or this many journal bytes since the last snapshot. */
const COMPACT_BYTES = 16 * 1024 * 1024;
/** Entries kept before the snapshot, so that readers slightly behind still get a delta. */
const RETAIN_ENTRIES = 2000;

export class Store {
  /** Journal bytes written since the snapshot. */
  private bytesSinceBase = 0;

  constructor(readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    this.renameOrderStatuses();
    this.addReservationPickup();
    this.addReservationLines();
  }

  /**
   * `reservation_lines` (what each held reservation holds, indexed by SKU: what ingest's
   * `held_units` check reads) filled from the plans of the reservations held when it came in;
   * once per store.
   */
  private addReservationLines(): void {
    if (this.meta("reservation_lines") === "1") return;
    // Read in JS (`heldUnits`, as reserve() writes them), not with SQLite's json_extract, which
    // cuts a string at a NUL character.
    for (const { id, plan } of this.sql.exec<{ id: string; plan: string }>("SELECT id, plan FROM reservations WHERE status = 'held'").toArray()) {
      for (const u of heldUnits(JSON.parse(plan) as Plan)) {
        this.sql.exec("INSERT INTO reservation_lines (reservation_id, sku, location, qty) VALUES (?, ?, ?, ?)", id, u.sku, u.location, u.qty);
      }
    }
    this.setMeta("reservation_lines", "1");
  }

  /** Reservations gained `pickup` (the click & collect offer held); once per store. */
  private addReservationPickup(): void {
    if (this.meta("reservation_pickup") === "1") return;
    this.sql.exec("ALTER TABLE reservations ADD COLUMN pickup TEXT");
    this.setMeta("reservation_pickup", "1");
  }

  /**
   * Orders written before each status was named after its event: `in_preparation` is `picked`,
   * and restocking is no longer a status (a return's entry records it), so `restocked` is
   * `returned`. Once per store.
   */
  private renameOrderStatuses(): void {
    if (this.meta("order_statuses") === "2") return;
    for (const table of ["orders", "order_events"]) {
      this.sql.exec(`UPDATE ${table} SET status = 'picked' WHERE status = 'in_preparation'`);
      this.sql.exec(`UPDATE ${table} SET status = 'returned' WHERE status = 'restocked'`);
    }
    this.setMeta("order_statuses", "2");
  }

  meta(key: string): string | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return row ? row.value : null;
  }

  setMeta(key: string, value: string | number): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, String(value));
  }

  get version(): number {
    return Number(this.meta("version") ?? 0);
  }

  get baseVersion(): number {
    return Number(this.meta("base_version") ?? 0);
  }

  get epoch(): string | null {
    return this.meta("epoch");
  }

  /**
   * The engine of record rebuilt from storage: the snapshot, then the journal after it. Null on
   * a store that was never initialised.
   */
  loadEngine(): Engine | null {
    if (this.epoch === null) return null;
    const chunks = this.sql.exec<{ data: ArrayBuffer }>("SELECT data FROM snapshot_chunks ORDER BY n").toArray();
    const size = chunks.reduce((n, c) => n + c.data.byteLength, 0);
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const c of chunks) {
      bytes.set(new Uint8Array(c.data), at);
      at += c.data.byteLength;
    }
    const engine = size > 0 ? Engine.fromSnapshot(bytes) : new Engine();
    this.bytesSinceBase = 0;
    const base = this.baseVersion;
    for (const e of this.sql.exec<{ kind: JournalKind; payload: string }>("SELECT kind, payload FROM journal WHERE seq > ? ORDER BY seq", base)) {
      replay(engine, e.kind, e.payload);
      this.bytesSinceBase += e.payload.length;
    }
    return engine;
  }

  /** First start: a new epoch and the engine's state as the first snapshot. */
  initialise(engine: Engine, epoch: string): number {
    this.setMeta("epoch", epoch);
    const version = engine.stats().locations > 0 ? 1 : 0;
    this.writeSnapshot(engine.snapshot(), version);
    return version;
  }

  /** Appends one journal entry after the current version; returns the new version. */
  append(kind: JournalKind, payload: string): number {
    const seq = this.version + 1;
    this.sql.exec("INSERT INTO journal (seq, kind, payload) VALUES (?, ?, ?)", seq, kind, payload);
    this.setMeta("version", seq);
    this.bytesSinceBase += payload.length;
    return seq;
  }

  needsCompaction(): boolean {
    return this.version - this.baseVersion >= COMPACT_ENTRIES || this.bytesSinceBase >= COMPACT_BYTES;
  }

  /** Replaces the snapshot with `bytes` taken at `version` and trims the journal behind it. */
  writeSnapshot(bytes: Uint8Array, version: number): void {
    this.sql.exec("DELETE FROM snapshot_chunks");
    for (let n = 0, at = 0; at < bytes.byteLength; n++, at += CHUNK) {
      this.sql.exec("INSERT INTO snapshot_chunks (n, data) VALUES (?, ?)", n, bytes.slice(at, at + CHUNK).buffer);
    }
    this.setMeta("base_version", version);
    this.setMeta("version", version);
    this.sql.exec("DELETE FROM journal WHERE seq <= ?", version - RETAIN_ENTRIES);
    this.bytesSinceBase = 0;
  }

  /**
   * Journal entries after `since`, or null when the journal no longer reaches back that far, or
   * when they are more than `max` entries or `maxUnits` UTF-16 code units of payload (as V8
   * holds a string: at most two bytes each).
   */
  journalSince(since: number, max: number, maxUnits: number): JournalEntry[] | null {
    const version = this.version;
    if (version - since > max) return null;
    const first = this.sql.exec<{ seq: number | null }>("SELECT min(seq) AS seq FROM journal").toArray()[0]?.seq ?? null;
    if (first === null || first > since + 1) return null;
    const out: JournalEntry[] = [];
    let units = 0;
    for (const r of this.sql.exec<{ seq: number; kind: JournalKind; payload: string }>("SELECT seq, kind, payload FROM journal WHERE seq > ? ORDER BY seq", since)) {
      units += r.payload.length;
      if (units > maxUnits) return null;
      out.push({ seq: r.seq, kind: r.kind, payload: r.payload });
    }
    return out;
  }

  journalEntries(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM journal").one().n;
  }
}
