/**
 * Rules of exits without a readable ticket (docs/lane.md "Plate-first exits and lost tickets").
 * - Plate-first exit: a plate that matches exactly one open session is quoted at once when the fee
 *   is at most the facility's plate-exit limit; above it the ticket is asked for.
 * - Lost ticket: the zone must have a lost-ticket fee configured (null = no lost-ticket exits there).
 *   The car's session is the one open session its plate matches exactly, or the one the cashier
 *   picked among the candidates (two open sessions, a look-alike plate); never a guess. The bill is
 *   the actual stay from that session's recorded entry plus the zone's lost-ticket fee (tariff.ts).
 * - A lost-ticket exit charging more than the supervisor limit needs a supervisor's PIN; at exactly
 *   the limit it does not.
 * - The cashier records what proves the car is the driver's (RC, a photo ID, ...) and a reason.
 */
export { LOST_TICKET_PROOFS, type LostTicketProof } from '../contracts/plate.js';

/** How the car's session was found when the ticket is missing. */
export type LostTicketBasis = 'PLATE_MATCH' | 'PICKED';

export function plateExitAllowed(amountDuePaise: number, plateExitMaxPaise: number): boolean {
  return amountDuePaise <= plateExitMaxPaise;
}

export function lostTicketNeedsSupervisor(amountDuePaise: number, supervisorAbovePaise: number): boolean {
  return amountDuePaise > supervisorAbovePaise;
}
