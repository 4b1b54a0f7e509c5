// The ledger: one Durable Object per network holding the engine of record. Every write runs
// synchronously inside one storage transaction (no await between reading the state and
// changing it), so the object's input gate serialises them: two carts can never both take the
// last unit, and a cart holds all its lines or none. See worker/README.md for the design.
import { DurableObject } from "cloudflare:workers";
import { init, Engine, type ApplyReport, type AtsChange, type EventInput, type Location, type LocationInput, type PositionView } from "atsource";
import { hubOf, type Env } from "../env";
import { joinPayloads, MAX_EVENT_JSON, type SyncReply } from "../journal";
import type { LiveAlert, LiveChange } from "../live/messages";
import { engineError, engineUnavailable, fail, isEngineFault, ok, type Reply } from "../reply";
import { MAX_SKU_LENGTH } from "../validate";
import { loadDemo } from "./demo";
import { ledgerHolds, overdrawn, watchedPositions, type Held } from "./holds";
import { applyOrderEvent, createOrder, getOrder, listOrders, requestReturn, type OrderEvent } from "./orders";
import { ordersReport } from "./reports";
import { findReservation, nextExpiry, release, reserve, sweepExpired, view, type ReservationRequest } from "./reservations";
import { Store } from "./store";
import { fromPairKey, INTERNAL_PREFIX, iso, pairKey, type Tx } from "./tx";

/** A reader further behind than this many journal entries gets a snapshot instead... */
const MAX_DELTA_ENTRIES = 2000;
/** ...or than this many UTF-16 code units of journal (16 MiB at most): an RPC reply carries at
 *  most 32 MiB. */
const MAX_DELTA_CHARS = 8 * 1024 * 1024;
/** Live pushes are coalesced over this window, then sent to the hub (well within 1 s). */
const LIVE_FLUSH_MS = 25;
/** Changes per push to the hub. */
const LIVE_BATCH = 2000;

function readOnly(): never {
  throw new Error("a read tried to write");
}

/** Thrown inside a write to undo it all (tables and engine) and answer `reply` instead. */
class UndoneWrite extends Error {
  constructor(readonly reply: Reply<never>) {
    super("write undone");
  }
}

/**
 * Thrown inside an ingest write whose batch took positions below what the ledger holds there:
 * the write is undone, and the batch applied again without `refused` (index → why).
 */
class Overdrawn extends Error {
  constructor(
    readonly refused: Map<number, string>,
    readonly short: Set<string>,
  ) {
    super("the ledger's holds overdrawn");
  }
}

const EMPTY_REPORT: ApplyReport = { applied: 0, duplicates: 0, stale: 0, rejected: [], changes: [], alerts: [] };

/** A key that is `version` but for case, `_`, `-` or spaces, and not `version` itself. */
function isMisspeltVersion(key: string): boolean {
  return key !== "version" && key.replace(/[\s_-]/g, "").toLowerCase() === "version";
}

export class Ledger extends DurableObject<Env> {
  private engine!: Engine;
  private store!: Store;
  private epoch!: string;
  private version = 0;
  private locations = new Map<string, Location>();
  private alarmAt: number | null = null;
  /** Sync requests served to edge replicas since this object started (tests, operations). */
  private replicaSyncs = 0;
  private snapshotCache: { version: number; bytes: Uint8Array } | null = null;
  private liveChanges = new Map<string, LiveChange>();
  private liveAlerts: LiveAlert[] = [];
  private liveTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      await init();
      this.boot();
      this.alarmAt = await ctx.storage.getAlarm();
      await this.syncAlarm();
    });
  }

  /** Loads the engine of record from storage, creating the store on the first start. */
  private boot(): void {
    this.store = new Store(this.ctx.storage.sql);
    let engine = this.store.loadEngine();
    if (engine === null) {
      const fresh = new Engine();
      if (this.env.DEMO_NETWORK === "true") loadDemo(fresh);
      this.ctx.storage.transactionSync(() => this.store.initialise(fresh, crypto.randomUUID()));
      engine = fresh;
    }
    this.engine = engine;
    this.epoch = this.store.epoch!;
    this.version = this.store.version;
    this.snapshotCache = null;
    this.refreshLocations();
  }

  private refreshLocations(): void {
    this.locations = new Map(this.engine.locations().map((l) => [l.id, l]));
  }

  /**
   * Runs one write: `fn` reads and changes the engine and the tables inside one synchronous
   * storage transaction. A coded engine error becomes a 400 and what `fn` did before it still
   * commits; any other failure rolls the tables back and reloads the engine from storage, so
   * that memory never runs ahead of what is durable.
   */
  private write<T>(fn: (tx: Tx) => Reply<T>): Reply<T> {
    const now = Date.now();
    let touched = false;
    const changes: (AtsChange & { supply?: true })[] = [];
    const alerts: LiveAlert[] = [];
    const applyBatch = (events: EventInput[], strict: boolean, texts?: string[]): ApplyReport => {
      if (events.length === 0) return EMPTY_REPORT;
      touched = true;
      // The ledger's own events (strict) are made once, under its own idempotency keys: they
      // take no room among the 100,000 ids that integrations' retries are de-duplicated by.
      const report = this.engine.applyEvents(events, strict ? { remember: false } : undefined);
      if (strict && report.rejected.length > 0) {
        const r = report.rejected[0]!;
        // A count at the position's limit (a return onto 2^31 - 1 units on hand) refuses the
        // move, not a bug: the whole write is undone and the caller told why.
        if (r.code === "invalid_quantity") {
          const e = events[r.index]!;
          throw new UndoneWrite(fail(409, "invalid_quantity", `${e.type} of ${e.sku} at ${e.location}: ${r.message}`));
        }
        throw new Error(`ledger event refused by the engine: ${JSON.stringify(r)}`);
      }
      for (const c of report.changes) changes.push(c); // no spread: a batch may change 100,000 positions
      // Journaled whenever the engine's memory moved: a stale count applies nothing, but its id
      // is remembered, and a replay that did not see it would take a later event of that id as new.
      if (report.applied > 0 || report.stale > 0) {
        const refused = new Set(report.rejected.map((r) => r.index));
        const kept = refused.size === 0 ? events : events.filter((_, i) => !refused.has(i));
        const keptTexts = texts === undefined ? kept.map((e) => JSON.stringify(e)) : texts.filter((_, i) => !refused.has(i));
        for (const { text } of joinPayloads(keptTexts)) this.version = this.store.append("events", text);
        // Expected supply moves no ATS, but it moves `availableFrom`: subscribers are told so.
        for (const e of kept) {
          if (e.type !== "incoming") continue;
          const ats = this.engine.ats(e.sku, e.location);
          changes.push({ sku: e.sku, location: e.location, before: ats, after: ats, supply: true });
        }
      }
      for (const a of report.alerts) alerts.push({ type: "stock", at: iso(now), ...a });
      return report;
    };
    const tx: Tx = {
      engine: this.engine,
      store: this.store,
      now,
      apply: (events) => applyBatch(events, true),
      ingest: (events, texts) => applyBatch(events, false, texts),
      journal: (kind, payload) => {
        touched = true;
        this.version = this.store.append(kind, payload);
        return this.version;
      },
      alert: (a) => alerts.push(a),
      location: (id) => this.locations.get(id),
    };
    let reply: Reply<T>;
    try {
      reply = this.ctx.storage.transactionSync(() => {
        try {
          return fn(tx);
        } catch (err) {
          return engineError(err);
        }
      });
    } catch (err) {
      if (isEngineFault(err)) return this.recover(err);
      if (touched) this.boot();
      if (err instanceof UndoneWrite) return err.reply as Reply<T>;
      throw err;
    }
    if (touched) this.version = this.store.version;
    this.queueLive(changes, alerts);
    if (touched && this.store.needsCompaction()) {
      try {
        this.compact();
      } catch (err) {
        // The write is committed; compaction waits for the next one.
        if (!isEngineFault(err)) throw err;
        this.recover(err);
      }
    }
    return reply;
  }

  /**
   * After an engine fault (its memory ran out, or it trapped; the storage transaction rolled
   * back): the engine, which may hold half a change, is freed and loaded again from storage.
   * The caller is answered 503, to retry.
   */
  private recover(err: unknown): Reply<never> {
    console.error("ledger: engine fault, reloading the engine from storage", err);
    try {
      this.engine.free();
    } catch {
      // already freed
    }
    this.boot();
    return engineUnavailable(err);
  }

  /** Writes a snapshot of the engine at the current version and trims the journal. */
  private compact(): void {
    const bytes = this.engine.snapshot();
    this.ctx.storage.transactionSync(() => this.store.writeSnapshot(bytes, this.version));
    this.snapshotCache = { version: this.version, bytes };
  }

  /** Points the alarm at the next reservation expiry (or clears it). */
  private async syncAlarm(): Promise<void> {
    const next = nextExpiry({ store: this.store });
    if (next === this.alarmAt) return;
    this.alarmAt = next;
    if (next === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(next);
  }

  /** Expired reservations release their units. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.write((tx) => ok({ expired: sweepExpired(tx) }));
    await this.syncAlarm();
  }

  // ---- live pushes -------------------------------------------------------------------------

  private queueLive(changes: (AtsChange & { supply?: true })[], alerts: LiveAlert[]): void {
    for (const c of changes) {
      const key = pairKey(c.sku, c.location);
      const have = this.liveChanges.get(key);
      if (have) {
        have.after = c.after;
        if (c.supply) have.supply = true;
        continue;
      }
      const loc = this.locations.get(c.location);
      this.liveChanges.set(key, {
        ...c,
        lat: loc?.lat ?? 0,
        lon: loc?.lon ?? 0,
        ship: (loc?.active ?? false) && (loc?.ship ?? false),
        pickup: (loc?.active ?? false) && (loc?.pickup ?? false),
      });
    }
    for (const a of alerts) this.liveAlerts.push(a);
    if (this.liveTimer === null && (this.liveChanges.size > 0 || this.liveAlerts.length > 0)) {
      this.liveTimer = setTimeout(() => void this.flushLive(), LIVE_FLUSH_MS);
    }
  }

  private async flushLive(): Promise<void> {
    this.liveTimer = null;
    const changes = [...this.liveChanges.values()].filter((c) => c.before !== c.after || c.supply);
    const alerts = this.liveAlerts;
    this.liveChanges = new Map();
    this.liveAlerts = [];
    const hub = hubOf(this.env);
    try {
      for (let i = 0; i < Math.max(changes.length, 1); i += LIVE_BATCH) {
        await hub.publish({ epoch: this.epoch, version: this.version, changes: changes.slice(i, i + LIVE_BATCH), alerts: i === 0 ? alerts : [] });
      }
    } catch (err) {
      // Live updates are best effort: the read path stays correct without them.
      console.warn("ledger: live push failed", err);
    }
  }

  // ---- the read path's replication ---------------------------------------------------------

  /** What a reader at (`epoch`, `since`) needs to catch up: nothing, the journal, or a snapshot. */
  sync(since: number, epoch: string): SyncReply {
    this.replicaSyncs += 1;
    const version = this.version;
    if (epoch === this.epoch && since === version) return { kind: "current", epoch, version };
    if (epoch === this.epoch && since >= 0 && since < version) {
      const entries = this.store.journalSince(since, MAX_DELTA_ENTRIES, MAX_DELTA_CHARS);
      if (entries !== null) return { kind: "delta", epoch, version, entries };
    }
    if (this.snapshotCache?.version !== version) {
      let bytes: Uint8Array;
      try {
        bytes = this.engine.snapshot();
      } catch (err) {
        if (!isEngineFault(err)) throw err;
        // Reloaded from storage (at the same version), the engine snapshots again.
        this.recover(err);
        bytes = this.engine.snapshot();
      }
      this.snapshotCache = { version, bytes };
    }
    return { kind: "snapshot", epoch: this.epoch, version, bytes: this.snapshotCache.bytes };
  }

  // ---- integrations ------------------------------------------------------------------------

  /**
   * A batch of inventory events from an ERP/WMS/POS: each stands alone, as in `applyEvents`. A
   * `release`, `pick` or `ship` that would take a position below what the ledger's reservations
   * and orders hold there is refused (`held_units`, see ./holds.ts): the batch is applied, and
   * when it overdrew, undone and applied again without those events (each round refuses at
   * least one more, so it ends).
   */
  ingest(events: unknown[]): Reply {
    const held = new Map<number, string>();
    // Counts (pairKey(count, position)) an earlier round took below a hold: the next refuses
    // every event lowering them, so that the rounds are few (at most two per count and position).
    const short = new Set<string>();
    for (;;) {
      try {
        return this.ingestOnce(events, held, short);
      } catch (err) {
        if (!(err instanceof Overdrawn)) throw err;
        for (const [i, why] of err.refused) held.set(i, why);
        for (const k of err.short) short.add(k);
      }
    }
  }

  private ingestOnce(events: unknown[], held: ReadonlyMap<number, string>, short: ReadonlySet<string>): Reply {
    return this.write((tx) => {
      const passed: EventInput[] = [];
      const texts: string[] = [];
      const index: number[] = [];
      const reserved: ApplyReport["rejected"] = [];
      events.forEach((e, i) => {
        const why = held.get(i);
        if (why !== undefined) {
          reserved.push({ index: i, code: "held_units", message: why });
          return;
        }
        // Measured here, journaled as it is: an event the journal could not hold (SQLite takes
        // 2 MB a value; a feed's own fields may be anything) is refused alone.
        const text = JSON.stringify(e) ?? "null";
        if (text.length > MAX_EVENT_JSON) {
          reserved.push({ index: i, code: "event_too_large", message: `the event is ${text.length} characters of JSON: at most ${MAX_EVENT_JSON}` });
          return;
        }
        const { id, sku, type } = (e ?? {}) as { id?: unknown; sku?: unknown; type?: unknown };
        const tooLong = [["id", id], ["sku", sku]].find(([, v]) => typeof v === "string" && v.length > MAX_SKU_LENGTH);
        // A feed's own fields are ignored, but one spelling `version` otherwise (`Version`,
        // `VERSION`, `ver_sion`) on a count is a typo that would make it overwrite a newer one.
        const misspelt = type === "set" && e !== null && typeof e === "object" ? Object.keys(e).find(isMisspeltVersion) : undefined;
        if (typeof id === "string" && id.startsWith(INTERNAL_PREFIX)) {
          reserved.push({ index: i, code: "reserved_id", message: `id: ids starting with "${INTERNAL_PREFIX}" belong to the ledger` });
        } else if (tooLong) {
          // No cart, reservation or availability query may name a longer SKU: such stock could
          // never be seen or sold. Ids: the ledger remembers 100,000 of them.
          reserved.push({ index: i, code: "invalid_field", message: `${tooLong[0]}: at most ${MAX_SKU_LENGTH} characters` });
        } else if (misspelt !== undefined) {
          reserved.push({ index: i, code: "invalid_field", message: `unknown field \`${misspelt}\`: a misspelt \`version\`?` });
        } else {
          passed.push(e as EventInput);
          texts.push(text);
          index.push(i);
        }
      });
      // What the ledger holds where the batch may lower a count (ingest moves no hold, so it is
      // read before): positions it holds nothing at are not read at all.
      const watched = watchedPositions(passed);
      const holds = watched.size > 0 ? ledgerHolds(tx, watched) : new Map<string, Held>();
      const counts = (key: string): Held => {
        const [sku, location] = fromPairKey(key);
        let p: PositionView | undefined;
        try {
          p = tx.engine.position(sku, location);
        } catch (err) {
          // The engine's own failure undoes the write (see write()); not a refusal.
          if (isEngineFault(err)) throw err;
          p = undefined; // an unknown location or a malformed id: the engine refuses its events
        }
        return { reserved: p?.reserved ?? 0, picking: p?.picking ?? 0 };
      };
      const before = new Map([...holds.keys()].map((key) => [key, counts(key)]));
      const report = tx.ingest(passed, texts);
      if (report.applied > 0 && holds.size > 0) {
        const over = overdrawn(passed, holds, before, counts, short);
        if (over.refused.size > 0) throw new Overdrawn(new Map([...over.refused].map(([i, why]) => [index[i]!, why])), over.short);
      }
      const rejected = [...report.rejected.map((r) => ({ ...r, index: index[r.index]! })), ...reserved].sort((a, b) => a.index - b.index);
      return ok({ ...report, rejected, version: this.version });
    });
  }

  /**
   * Upserts locations, journaled in entries of at most ~512 KB (SQLite takes 2 MB a value): a
   * large list is applied part by part, as the replicas replay it, after the whole list is
   * validated on a scratch engine (nothing applies when any location is refused, and the error
   * names it by its index in the list).
   */
  upsertLocations(locations: unknown): Reply {
    return this.write((tx) => {
      const list = locations as LocationInput[];
      const parts = joinPayloads(list.map((l) => JSON.stringify(l)));
      if (parts.length > 1) {
        const scratch = new Engine();
        try {
          scratch.upsertLocations(list);
        } finally {
          scratch.free();
        }
      }
      let upserted = 0;
      let version = this.version;
      for (const part of parts) {
        upserted += tx.engine.upsertLocations(part.items.map((i) => list[i]!)).upserted;
        version = tx.journal("locations", part.text);
      }
      this.refreshLocations();
      return ok({ upserted, version });
    });
  }

  setProfile(name: string, profile: unknown): Reply {
    return this.write((tx) => {
      tx.engine.setProfile(name, profile as Parameters<Engine["setProfile"]>[1]);
      return ok({ name, version: tx.journal("profile", JSON.stringify({ name, profile })) });
    });
  }

  removeProfile(name: string): Reply {
    return this.write((tx) => {
      if (!tx.engine.removeProfile(name)) return fail(404, "not_found", `no profile ${name}`);
      return ok({ name, removed: true, version: tx.journal("removeProfile", JSON.stringify({ name })) });
    });
  }

  setThreshold(rule: unknown): Reply {
    return this.write((tx) => {
      tx.engine.setAlertThreshold(rule as Parameters<Engine["setAlertThreshold"]>[0]);
      return ok({ version: tx.journal("threshold", JSON.stringify(rule)) });
    });
  }

  /** Every number of the SKUs' positions, strongly consistent (the operations view). */
  positions(skus: string[], location: string | null): Reply {
    if (location !== null && !this.locations.has(location)) return fail(404, "not_found", `no location ${location}`);
    const ids = location === null ? [...this.locations.keys()] : [location];
    const out: PositionView[] = [];
    try {
      for (const sku of skus) {
        for (const id of ids) {
          const p = this.engine.position(sku, id);
          if (p) out.push(p);
        }
      }
    } catch (err) {
      if (isEngineFault(err)) return this.recover(err);
      return engineError(err);
    }
    return ok({ version: this.version, positions: out });
  }

  /** The ledger's own numbers. */
  status(): Reply {
    let engine;
    try {
      engine = this.engine.stats();
    } catch (err) {
      if (isEngineFault(err)) return this.recover(err);
      throw err;
    }
    const held = this.store.sql.exec<{ n: number }>("SELECT count(*) AS n FROM reservations WHERE status = 'held'").one().n;
    const orders = this.store.sql.exec<{ n: number }>("SELECT count(*) AS n FROM orders").one().n;
    return ok({
      epoch: this.epoch,
      version: this.version,
      snapshotVersion: this.store.baseVersion,
      journalEntries: this.store.journalEntries(),
      heldReservations: held,
      orders,
      nextExpiry: this.alarmAt === null ? null : iso(this.alarmAt),
      replicaSyncs: this.replicaSyncs,
      engine,
    });
  }

  // ---- shoppers ----------------------------------------------------------------------------

  async reserve(req: ReservationRequest): Promise<Reply> {
    const reply = this.write((tx) => reserve(tx, req));
    await this.syncAlarm();
    return reply;
  }

  reservation(id: string): Reply {
    const row = findReservation(this.readTx(), id);
    return row ? ok(view(row)) : fail(404, "not_found", `no reservation ${id}`);
  }

  async release(id: string): Promise<Reply> {
    const reply = this.write((tx) => release(tx, id));
    await this.syncAlarm();
    return reply;
  }

  async createOrder(reservationId: string, customer: unknown): Promise<Reply> {
    const reply = this.write((tx) => {
      sweepExpired(tx);
      return createOrder(tx, reservationId, customer);
    });
    await this.syncAlarm();
    return reply;
  }

  order(id: string, token: string | null, admin: boolean): Reply {
    return getOrder(this.readTx(), id, token, admin);
  }

  orders(status: string | null, limit: number): Reply {
    return listOrders(this.readTx(), status, limit);
  }

  orderEvent(id: string, event: OrderEvent): Reply {
    return this.write((tx) => applyOrderEvent(tx, id, event));
  }

  requestReturn(id: string, token: string | null, admin: boolean, reason: string | undefined): Reply {
    return this.write((tx) => requestReturn(tx, id, token, admin, reason));
  }

  reportOrders(from: string | null, to: string | null): Reply {
    return ok(ordersReport(this.readTx(), from, to));
  }

  /** A transaction view for reads: applying events through it is a bug. */
  private readTx(): Tx {
    return {
      engine: this.engine,
      store: this.store,
      now: Date.now(),
      apply: readOnly,
      ingest: readOnly,
      journal: readOnly,
      alert: () => {},
      location: (id) => this.locations.get(id),
    };
  }
}
