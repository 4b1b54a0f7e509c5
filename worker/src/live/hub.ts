// The live hub: one Durable Object per network holding the WebSocket subscriptions, with the
// hibernation API (the object sleeps between pushes; subscriptions live in each socket's
// attachment). The ledger pushes every committed change here; the hub forwards each change to
// the sockets whose SKUs, area and mode it concerns, and alerts to the operations sockets.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { distanceKm, init } from "atsource";
import type { LiveAlert, LiveBatch } from "./messages";
import { parseSubscription, subscriptionOf, type Subscription } from "./subscription";
import type { JsonObject } from "../validate";

/** Alerts kept for `GET /v1/alerts` and for an operations page that connects late. */
const RECENT_ALERTS = 200;
/** Alerts per message on the operations stream (a bulk count can cross thousands at once). */
const ALERTS_PER_MESSAGE = 1000;

export class LiveHub extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS alerts (seq INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL)");
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS pushed (id INTEGER PRIMARY KEY CHECK (id = 0), epoch TEXT NOT NULL, version INTEGER NOT NULL)");
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /**
   * A WebSocket upgrade routed by the front worker, which validated the query:
   * `/ats?skus=...` for a storefront, `/alerts` for the operations page.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (url.pathname === "/alerts") {
      this.ctx.acceptWebSocket(server, ["alerts"]);
      server.send(JSON.stringify({ type: "hello", stream: "alerts", recent: this.recentAlerts(20) }));
    } else {
      const sub = parseSubscription(url.searchParams);
      this.ctx.acceptWebSocket(server, ["ats"]);
      server.serializeAttachment(sub);
      // `version`: the last ledger version pushed before this socket joined. A client reading
      // /v1/availability?version=<it> then applies the pushes above its read's version: nothing
      // committed before it joined is missed, even by a read from a replica up to 1 s behind.
      server.send(JSON.stringify({ type: "hello", stream: "ats", subscription: sub, version: this.version() }));
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A subscriber changes its subscription: `{ "type": "subscribe", skus, lat, lon, radiusKm, mode }`. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(typeof message === "string" ? message : new TextDecoder().decode(message));
    } catch {
      ws.send(JSON.stringify({ type: "error", error: { code: "bad_json", message: "messages are JSON" } }));
      return;
    }
    const m = msg as { type?: unknown } & Record<string, unknown>;
    if (this.ctx.getTags(ws).includes("alerts")) {
      ws.send(JSON.stringify({ type: "error", error: { code: "invalid_input", message: "the alerts stream takes no message (but `ping`)" } }));
      return;
    }
    if (m?.type !== "subscribe") {
      ws.send(JSON.stringify({ type: "error", error: { code: "invalid_input", message: 'type: expected "subscribe"', field: "type" } }));
      return;
    }
    try {
      const sub = subscriptionOf(m as JsonObject);
      ws.serializeAttachment(sub);
      ws.send(JSON.stringify({ type: "subscribed", subscription: sub }));
    } catch (err) {
      const e = err as { code?: string; message: string; details?: Record<string, unknown> };
      ws.send(JSON.stringify({ type: "error", error: { code: e.code ?? "invalid_input", message: e.message, ...e.details } }));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  /** Called by the ledger after each committed write (coalesced over a few ms). */
  async publish(batch: LiveBatch): Promise<{ delivered: number }> {
    // Distances come from the engine's own haversine, so that a pushed distanceKm is the one
    // GET /v1/availability gives, to the last bit.
    await init();
    // Batches may land out of order (flushes overlap): the highest version of the ledger's
    // epoch, and a new epoch's versions (which start again) replace an old one's.
    this.ctx.storage.sql.exec(
      `INSERT INTO pushed (id, epoch, version) VALUES (0, ?, ?) ON CONFLICT (id) DO UPDATE SET
         version = CASE WHEN epoch = excluded.epoch THEN max(version, excluded.version) ELSE excluded.version END,
         epoch = excluded.epoch`,
      batch.epoch,
      batch.version,
    );
    let delivered = 0;
    if (batch.changes.length > 0) {
      for (const ws of this.ctx.getWebSockets("ats")) {
        const sub = ws.deserializeAttachment() as Subscription | null;
        if (!sub) continue;
        const mine = [];
        for (const c of batch.changes) {
          if (!sub.skus.includes(c.sku) || !c[sub.mode]) continue;
          const { lat, lon, ship: _s, pickup: _p, ...change } = c;
          if (sub.near) {
            const d = distanceKm(sub.near.lat, sub.near.lon, lat, lon);
            if (sub.radiusKm !== undefined && d > sub.radiusKm) continue;
            mine.push({ ...change, delta: c.after - c.before, distanceKm: d });
          } else {
            mine.push({ ...change, delta: c.after - c.before });
          }
        }
        if (mine.length === 0) continue;
        try {
          ws.send(JSON.stringify({ type: "ats", version: batch.version, changes: mine }));
          delivered++;
        } catch {
          // a socket closing under us
        }
      }
    }
    if (batch.alerts.length > 0) {
      for (const a of batch.alerts.slice(-RECENT_ALERTS)) {
        this.ctx.storage.sql.exec("INSERT INTO alerts (body) VALUES (?)", JSON.stringify(a));
      }
      this.ctx.storage.sql.exec("DELETE FROM alerts WHERE seq <= (SELECT max(seq) FROM alerts) - ?", RECENT_ALERTS);
      const sent = batch.alerts.slice(0, ALERTS_PER_MESSAGE);
      const text = JSON.stringify({ type: "alerts", version: batch.version, alerts: sent, more: batch.alerts.length - sent.length });
      for (const ws of this.ctx.getWebSockets("alerts")) {
        try {
          ws.send(text);
          delivered++;
        } catch {
          // a socket closing under us
        }
      }
    }
    return { delivered };
  }

  /** The ledger version of the last batch pushed here (0 before any). */
  version(): number {
    return this.ctx.storage.sql.exec<{ version: number }>("SELECT version FROM pushed WHERE id = 0").toArray()[0]?.version ?? 0;
  }

  /** The latest alerts, newest last. */
  recentAlerts(limit = RECENT_ALERTS): LiveAlert[] {
    return this.ctx.storage.sql
      .exec<{ body: string }>("SELECT body FROM (SELECT seq, body FROM alerts ORDER BY seq DESC LIMIT ?) ORDER BY seq", limit)
      .toArray()
      .map((r) => JSON.parse(r.body) as LiveAlert);
  }

  /** Open subscriptions, for the operations view. */
  connections(): { ats: number; alerts: number } {
    return { ats: this.ctx.getWebSockets("ats").length, alerts: this.ctx.getWebSockets("alerts").length };
  }
}
