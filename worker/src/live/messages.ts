// Messages between the ledger, the live hub and the subscribers.
import type { Alert, AtsChange } from "atsource";

/** An ATS change with what a subscriber filter needs to know of the location. */
export interface LiveChange extends AtsChange {
  lat: number;
  lon: number;
  ship: boolean;
  pickup: boolean;
  /** The position's expected supply changed (an `incoming` event): `availableFrom` may move
   *  with no ATS change, so a subscriber re-reads the availability. */
  supply?: true;
}

/** An alert on the operations stream: the engine's threshold crossings, and failed sourcing. */
export type LiveAlert =
  | ({ type: "stock"; at: string } & Alert)
  | {
      type: "sourcing_failed";
      at: string;
      lines: { sku: string; qty: number }[];
      unfulfilled: { sku: string; qty: number }[];
      destination: { lat: number; lon: number };
    };

/** One push from the ledger to the hub, after a committed write. */
export interface LiveBatch {
  /** The ledger's epoch (its versions start again in a new one). */
  epoch: string;
  version: number;
  changes: LiveChange[];
  alerts: LiveAlert[];
}
