// The embedded demo network, loaded by an empty ledger when DEMO_NETWORK is "true".
import { demoNetwork, type Engine } from "atsource";

/**
 * The carrier costs the demo sources with when a request names no profile: a parcel costs more
 * the farther it goes, so that near stores win when they hold the cart, and a location's poor
 * performance is priced in.
 */
export const DEMO_DEFAULT_PROFILE = {
  costPerShipment: 4.5,
  costPerKm: 0.004,
  costPerUnitKm: 0.001,
  performancePenalty: 3,
};

export function loadDemo(engine: Engine): void {
  const network = demoNetwork();
  engine.upsertLocations(network.locations);
  engine.applyEvents(network.events, { changes: false });
  engine.setProfile("default", DEMO_DEFAULT_PROFILE);
}
