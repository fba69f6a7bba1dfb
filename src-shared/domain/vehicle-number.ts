/**
 * Vehicle numbers, one rule for every side. A number is stored as the driver's plate in capitals
 * with the spaces and hyphens people write between its groups removed ("mh 12-ab 1234" ->
 * "MH12AB1234"); the entry API then accepts 3 to 15 letters and digits (contracts/api.ts).
 *
 * A search uses the same form and then drops everything a stored number cannot hold. That is
 * also what keeps SQL LIKE wildcards out of it: a search for "%" or "_" must find nothing, not
 * every car (sessions.list stripped them only after its emptiness check, so "%" listed everything).
 */

/** The stored form of what a driver or an operator typed. */
export function normaliseVehicleNumber(raw: string): string {
  return raw.toUpperCase().replace(/[\s-]/g, '');
}

/** The part of a search text that can match a stored number: letters and digits only ("" finds nothing). */
export function vehicleSearchText(raw: string): string {
  return normaliseVehicleNumber(raw).replace(/[^A-Z0-9]/g, '');
}
