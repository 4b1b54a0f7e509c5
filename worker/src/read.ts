// The edge read path: each isolate keeps an Engine replicated from the ledger and answers
// locations, availability and sourcing from it, never touching the ledger's write path.
//
// Staleness bound: an answer is computed on an engine that holds every write the ledger had
// committed when this isolate's last sync *started*, and a request is only answered from an
// engine whose sync started at most `READ_MAX_STALENESS_MS` (default 1000 ms) before the
// request arrived; otherwise the request waits for a new sync. A sync asks the ledger for what
// changed since the isolate's version: nothing, the journal entries (deltas), or a snapshot.
import { init, Engine } from "atsource";
import { ledgerOf, type Env } from "./env";
import { replay, type SyncReply } from "./journal";

/** The default staleness bound, ms. */
export const DEFAULT_MAX_STALENESS_MS = 1000;

export interface ReadEngine {
  engine: Engine;
  epoch: string;
  /** The last journal entry the engine holds. */
  version: number;
  /** When the oldest sync this state covers started (ms since the epoch). */
  syncedAt: number;
  /** How many of this isolate's writes (`noteWrite`) had been answered when that sync started. */
  writesSeen: number;
}

/** The isolate's replica, changed in place as journal entries arrive. */
let current: ReadEngine | null = null;

/**
 * The engine a snapshot last replaced, freed when the next reply is merged. Requests use the
 * engine they get at once, with no await in between (the routes in routes/read.ts): none holds
 * it by then. Left to the garbage collector instead, replaced
 * engines piled up: V8 sees nothing of the wasm memory they hold and collects them late, and a
 * few demo-network replicas (about 20 MiB each) are past an isolate's 128 MB. So at most two
 * engines live: the replica and the one it replaced.
 */
let retired: Engine | null = null;

function retire(engine: Engine): void {
  if (engine === retired) return;
  freeRetired();
  retired = engine;
}

function freeRetired(): void {
  const engine = retired;
  retired = null;
  engine?.free();
}

/** The sync under way, if any: requests that need a sync no older than it wait for it. */
interface Sync {
  /** When it started (ms since the epoch): it brings in every write committed before. */
  started: number;
  /** `writes` when it started. */
  writes: number;
  settled: boolean;
}
let inflight: Sync | null = null;

/**
 * Writes this isolate has sent to the ledger and seen answered. A read that arrives after one
 * is answered from a replica synced after it, whatever the staleness bound: a client that
 * changes stock through an edge reads its own write there at once (read-your-writes).
 */
let writes = 0;

/** Notes that a write through this isolate has been answered by the ledger. */
export function noteWrite(): void {
  writes += 1;
}

/** How often a request waiting for another request's sync looks again, ms. */
const JOIN_POLL_MS = 1;
/** How long a request waits for another request's sync before it syncs itself, ms. */
const JOIN_GIVE_UP_MS = 5_000;

export function maxStaleness(env: Env): number {
  const n = Number(env.READ_MAX_STALENESS_MS ?? DEFAULT_MAX_STALENESS_MS);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_MAX_STALENESS_MS;
}

/** The replica when its sync started at most `bound` ms before `arrived` and after the
 *  `need`-th write of this isolate, holding ledger version `atLeast` or synced after `arrived`
 *  (then it holds every write committed before the request came: a version beyond them is one
 *  the ledger had not reached, and is not waited for). */
function fresh(arrived: number, bound: number, need: number, atLeast: number): ReadEngine | null {
  return current && current.writesSeen >= need && arrived - current.syncedAt <= bound && (current.version >= atLeast || current.syncedAt >= arrived)
    ? current
    : null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An engine at most `maxStaleness` old, syncing first when the cached one is older, or when it
 * does not hold ledger version `atLeast` yet (a live push names the version of its change: a
 * client re-reading on a push reads that change). For such a version a sync that started after
 * the request arrived is enough, whatever version it brings, and requests share it: a version
 * ahead of the ledger costs no more syncs than any read that must sync.
 *
 * Concurrent requests share one sync, but a request never awaits a promise created by another
 * request: workerd cancels a request left with no I/O of its own pending as hung (a 500 "Worker's
 * code had hung"), and one that only awaits another request's RPC is such a request. A waiting
 * request polls on its own timers instead, and syncs itself if that sync fails or never ends.
 */
export async function readEngine(env: Env, atLeast = -1): Promise<ReadEngine> {
  const arrived = Date.now();
  const bound = maxStaleness(env);
  const need = writes;
  const ready = fresh(arrived, bound, need, atLeast);
  if (ready) return ready;
  // Join a sync already under way only if it started recently enough for this request, and
  // after the writes it has seen; then, for a version the replica still lacks, one that another
  // request started since this one came.
  const giveUp = arrived + JOIN_GIVE_UP_MS; // workerd's clock moves on across timers
  for (const since of [arrived - bound, arrived]) {
    const sync = inflight;
    if (!sync || sync.settled || sync.started < since || sync.writes < need) continue;
    while (!sync.settled && Date.now() < giveUp) await sleep(JOIN_POLL_MS);
    const joined = fresh(arrived, bound, need, atLeast);
    if (joined) return joined;
  }
  const own: Sync = { started: Date.now(), writes, settled: false };
  inflight = own;
  try {
    return await syncFrom(env, own);
  } finally {
    own.settled = true;
    if (inflight === own) inflight = null;
  }
}

async function syncFrom(env: Env, sync: Sync): Promise<ReadEngine> {
  await init();
  const ledger = ledgerOf(env);
  const reply: SyncReply = await ledger.sync(current?.version ?? -1, current?.epoch ?? "");
  try {
    merge(reply, sync);
  } catch (err) {
    // A replica that failed to replay is dropped for a fresh snapshot.
    console.warn("read path: replay failed, reloading a snapshot", err);
    if (current) retire(current.engine);
    current = null;
    merge(await ledger.sync(-1, ""), sync);
  }
  return current!;
}

/**
 * Brings the replica up to a reply. Replies of concurrent syncs may arrive in any order: an
 * entry is replayed only right after the version the replica holds, and a snapshot replaces
 * the replica only when it is newer (or of another epoch). The replica then holds every write
 * committed before the sync started, so its `syncedAt` and `writesSeen` may move up to it.
 */
function merge(reply: SyncReply, sync: Sync): void {
  const { started } = sync;
  const have = current;
  freeRetired();
  if (!have || have.epoch !== reply.epoch) {
    if (reply.kind !== "snapshot") throw new Error(`read path: expected a snapshot, got ${reply.kind}`);
    current = { engine: Engine.fromSnapshot(reply.bytes), epoch: reply.epoch, version: reply.version, syncedAt: started, writesSeen: sync.writes };
    if (have) retire(have.engine);
    return;
  }
  if (reply.kind === "snapshot" && reply.version > have.version) {
    // Loaded first (a snapshot that fails to load leaves the replica as it was); the previous
    // engine is freed at the next merge: a request that already holds it finishes on it first.
    const engine = Engine.fromSnapshot(reply.bytes);
    retire(have.engine);
    current = {
      engine,
      epoch: reply.epoch,
      version: reply.version,
      syncedAt: Math.max(have.syncedAt, started),
      writesSeen: Math.max(have.writesSeen, sync.writes),
    };
    return;
  }
  if (reply.kind === "delta") {
    for (const e of reply.entries) {
      if (e.seq <= have.version) continue;
      if (e.seq !== have.version + 1) throw new Error(`read path: journal gap after ${have.version}`);
      replay(have.engine, e.kind, e.payload);
      have.version = e.seq;
    }
  }
  have.syncedAt = Math.max(have.syncedAt, started);
  have.writesSeen = Math.max(have.writesSeen, sync.writes);
}

/**
 * Drops the replica after an engine fault (its memory ran out, or it trapped): it is freed at
 * once, as a failed engine holds memory a fresh one needs, and the next request syncs a
 * snapshot. Requests already holding it finish with the fault (every call of a failed engine
 * is `engine_failed`).
 */
export function dropReadEngine(): void {
  freeRetired();
  const engine = current?.engine;
  current = null;
  try {
    engine?.free();
  } catch {
    // already freed
  }
}

/** Forgets the cached engine (tests). */
export function resetReadEngine(): void {
  freeRetired();
  current?.engine.free();
  current = null;
  inflight = null;
  writes = 0;
}
