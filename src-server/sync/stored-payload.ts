/**
 * What sync_events.payload stores for an accepted event: the JSON of `{ ...payload, vehicle }`.
 * Written as the payload's own JSON with the vehicle appended (no merged copy of every payload);
 * anything but a plain object without its own `vehicle` takes the literal route.
 */
import type { VehicleSnap } from './fold.js';

export function storedPayloadJson(payload: unknown, vehicle: VehicleSnap | null | undefined): string {
  if (!vehicle || payload === null || typeof payload !== 'object' || Array.isArray(payload) || Object.hasOwn(payload, 'vehicle')) {
    return JSON.stringify({ ...(payload as object), ...(vehicle ? { vehicle } : {}) });
  }
  const json = JSON.stringify(payload);
  const v = JSON.stringify(vehicle);
  return json === '{}' ? `{"vehicle":${v}}` : `${json.slice(0, -1)},"vehicle":${v}}`;
}
