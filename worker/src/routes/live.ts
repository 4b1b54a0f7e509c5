// Live updates over WebSockets, held by the live hub Durable Object (hibernation API).
import { hubOf } from "../env";
import { errorResponse, requireIngestToken } from "../http";
import { parseSubscription } from "../live/subscription";
import type { Ctx } from "../router";

function upgradeRequired(): Response {
  return errorResponse(426, "upgrade_required", "this route is a WebSocket: send Upgrade: websocket", { upgrade: "websocket" });
}

/** GET /v1/live?skus=A,B&lat=&lon=&radiusKm=&mode=: ATS changes of those SKUs near that point. */
export async function liveAts({ request, url, env }: Ctx): Promise<Response> {
  const sub = parseSubscription(url.searchParams); // 400 before upgrading
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return upgradeRequired();
  const params = new URLSearchParams({ skus: sub.skus.join(","), mode: sub.mode });
  if (sub.near) {
    params.set("lat", String(sub.near.lat));
    params.set("lon", String(sub.near.lon));
  }
  if (sub.radiusKm !== undefined) params.set("radiusKm", String(sub.radiusKm));
  return hubOf(env).fetch(new Request(`https://live.internal/ats?${params}`, request));
}

/** GET /v1/live/alerts?token=: the operations stream (low stock, out of stock, failed sourcing). */
export async function liveAlerts({ request, url, env }: Ctx): Promise<Response> {
  requireIngestToken(request, url, env, true);
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return upgradeRequired();
  return hubOf(env).fetch(new Request("https://live.internal/alerts", request));
}
