// The replication unit between the ledger (the engine of record) and the read path: every
// mutation of the ledger's engine is one or more journal entries, numbered by the ledger's
// version. Replaying a snapshot plus the entries after its version, in order, rebuilds the
// same engine (the engine is deterministic and its event de-duplication is in the snapshot).
import type { Engine, LocationInput, Profile, ThresholdRule } from "atsource";
import { isEngineFault } from "./reply";

export type JournalKind = "events" | "locations" | "profile" | "removeProfile" | "threshold";

/** Ids of the ledger's own events: the ingest route refuses them, so no integration can collide
 * with (or pre-empt) the ledger's own reserve/release/pick/ship/return events. */
export const INTERNAL_PREFIX = "atsource:";

/** How an entry of the ledger's own events begins (they are written with `id` first). */
const OWN_EVENTS = `[{"id":${JSON.stringify(INTERNAL_PREFIX).slice(0, -1)}`;

export interface JournalEntry {
  seq: number;
  kind: JournalKind;
  /**
   * JSON text: an event array (an integration's, or the ledger's own holds and order moves:
   * never both in one entry), a location array, `{ name, profile }`, `{ name }` or a rule.
   */
  payload: string;
}

/** What the ledger answers a reader asking for what changed since its version. */
export type SyncReply =
  | { kind: "current"; epoch: string; version: number }
  | { kind: "delta"; epoch: string; version: number; entries: JournalEntry[] }
  | { kind: "snapshot"; epoch: string; version: number; bytes: Uint8Array };

/** Replays one entry on an engine. */
export function replay(engine: Engine, kind: JournalKind, payload: string): void {
  switch (kind) {
    case "events":
      // The ledger's own events were applied without remembering their ids (they take no room
      // among the ids integrations' retries are de-duplicated by), and replay so. Entries of an
      // earlier build that remembered them replay so too: the ids they held in the memory were
      // never asked for again (ingest refuses the prefix), and ledger and replicas agree.
      engine.applyEvents(payload, { changes: false, remember: !payload.startsWith(OWN_EVENTS) });
      return;
    case "locations":
      // Read as an earlier build took them (a cost above today's ceiling at the ceiling).
      engine.restoreLocations(JSON.parse(payload) as LocationInput[]);
      return;
    case "profile": {
      const { name, profile } = JSON.parse(payload) as { name: string; profile: Profile };
      try {
        // Checked as the build that stored it checked it (as a snapshot's profiles are): a
        // journal replays what was accepted, whatever the checks of today.
        engine.restoreProfile(name, profile);
      } catch (err) {
        // One that cannot be read at all any more (an array where an object belongs) must not
        // keep the ledger from starting: it is left out, and requests naming it get
        // `unknown_profile` until it is registered again.
        if (typeof (err as { code?: unknown }).code !== "string" || isEngineFault(err)) throw err;
        console.warn(`journal: profile ${name} no longer accepted, left out: ${(err as Error).message}`);
      }
      return;
    }
    case "ledgerEvents" as JournalKind: // written for a few minutes by eaf12f6, never released
      engine.applyEvents(payload, { changes: false, remember: false });
      return;
    case "removeProfile":
      engine.removeProfile((JSON.parse(payload) as { name: string }).name);
      return;
    case "threshold":
      engine.setAlertThreshold(JSON.parse(payload) as ThresholdRule);
      return;
    default:
      // An entry of a later build: skipping it would leave this engine behind the ledger's.
      throw new Error(`journal: unknown entry kind ${JSON.stringify(kind)}`);
  }
}

/** Largest journal payload; SQLite values in Durable Objects are capped at 2 MB. */
const MAX_PAYLOAD = 512 * 1024;

/**
 * Items of a batch (events, locations: their JSON texts, in order) joined into JSON array payloads
 * of at most ~512 KB each, with the indexes of the items each holds. An item longer than that
 * alone gets an entry of its own; callers refuse such items first (the ingest route refuses an
 * event over `MAX_EVENT_JSON`, and a location's strings are bounded), since SQLite refuses a value
 * over 2 MB.
 */
export function joinPayloads(texts: readonly string[]): { text: string; items: number[] }[] {
  const out: { text: string; items: number[] }[] = [];
  let part: string[] = [];
  let items: number[] = [];
  let size = 2;
  texts.forEach((text, i) => {
    if (part.length > 0 && size + text.length + 1 > MAX_PAYLOAD) {
      out.push({ text: `[${part.join(",")}]`, items });
      part = [];
      items = [];
      size = 2;
    }
    part.push(text);
    items.push(i);
    size += text.length + 1;
  });
  if (part.length > 0) out.push({ text: `[${part.join(",")}]`, items });
  return out;
}

/** Longest event an integration may send, as JSON (a feed's own fields included). */
export const MAX_EVENT_JSON = 64 * 1024;

