/**
 * Exits found by plate (docs/lane.md "Plate-first exits and lost tickets"): the typed (or
 * camera-read) plate lists the open sessions it could be; exactly one exact match is used, any
 * other outcome is shown for the cashier to pick. Up to the facility's plate-exit limit the fee
 * is quoted at once; above it the ticket is asked for (or a lost-ticket exit, lost-ticket.ts).
 */
import type { PlateCandidate, PlateCandidates } from '../../src-shared/contracts/plate.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Quote } from '../../src-shared/contracts/entities.js';
import { plateExitAllowed } from '../../src-shared/domain/lost-ticket.js';
import { matchPlate } from '../../src-shared/domain/plate-match.js';
import type { SessionRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';
import { amountDueNow, quoteSession } from './gate-exit.js';
import { sessionRowById } from './session-records.js';
import { getSettings } from './settings.js';
import { iso } from './views.js';

/** Entered cars still inside whose plate is the typed one or looks like it (exact matches first). */
export function plateCandidates(ctx: ServiceContext, plate: string): PlateCandidate[] {
  const { q, db } = ctx.store;
  const open = q.all(db.selectFrom('sessions')
    .innerJoin('vehicles', 'vehicles.id', 'sessions.vehicle_id')
    .innerJoin('zones', 'zones.id', 'sessions.zone_id')
    .innerJoin('slots', 'slots.id', 'sessions.slot_id')
    .select(['sessions.id', 'vehicles.vehicle_number', 'zones.name as zone_name', 'slots.slot_number', 'sessions.entry_at', 'sessions.status'])
    .where('sessions.status', 'in', ['PARKED', 'EXITING']));
  const out: PlateCandidate[] = [];
  for (const s of open) {
    const match = matchPlate(plate, s.vehicle_number);
    if (!match) continue;
    out.push({ sessionId: s.id, vehicleNumber: s.vehicle_number, match, zoneName: s.zone_name, slotNumber: s.slot_number, entryAt: iso(s.entry_at)! });
  }
  return out.sort((a, b) => (a.match === b.match ? a.entryAt.localeCompare(b.entryAt) : a.match === 'EXACT' ? -1 : 1));
}

export function findByPlate(ctx: ServiceContext, plate: string): PlateCandidates {
  const candidates = plateCandidates(ctx, plate);
  const only = candidates.length === 1 && candidates[0]!.match === 'EXACT' ? candidates[0]! : null;
  return { plate, candidates, unique: only?.sessionId ?? null };
}

/**
 * The session a plate names: `sessionId` when the cashier picked one of the candidates, else the one
 * exact match. Anything else is an error that lists the candidates for the cashier (never a guess).
 */
export function sessionForPlate(ctx: ServiceContext, plate: string, sessionId: string | undefined, anyOpen = false): { session: SessionRow; picked: boolean } {
  const found = findByPlate(ctx, plate);
  if (sessionId) {
    const listed = found.candidates.some((c) => c.sessionId === sessionId);
    // A lost-ticket exit may pick a car whose plate was recorded wrongly (found by slot or search).
    if (!listed && !anyOpen) throw AppError.keyed('NOT_FOUND', 'plate.notCandidate', { plate }, `That car is not one of the cars matching ${plate}.`);
    return { session: sessionRowById(ctx, sessionId), picked: found.unique !== sessionId };
  }
  if (found.unique) return { session: sessionRowById(ctx, found.unique), picked: false };
  if (found.candidates.length === 0) {
    throw AppError.keyed('NOT_FOUND', 'plate.notFound', { plate }, `No car inside with number ${plate}. Check the number plate.`);
  }
  throw AppError.keyed('CONFLICT', 'plate.ambiguous', { plate, count: found.candidates.length },
    `${found.candidates.length} cars inside could be ${plate}. Pick the right one.`, { candidates: found.candidates });
}

/** gate.quoteByPlate: the fee for a car found by its plate, when it is within the plate-exit limit. */
export function quoteByPlate(ctx: ServiceContext, actor: Actor, input: { vehicleNumber: string; sessionId?: string | undefined }): Quote {
  return ctx.store.q.tx(() => {
    const { session, picked } = sessionForPlate(ctx, input.vehicleNumber, input.sessionId);
    if (session.lost_ticket === 1) return quoteSession(ctx, actor, session, true, { plate: input.vehicleNumber, picked });
    const due = amountDueNow(ctx, session, false).amountDuePaise;
    const limitPaise = getSettings(ctx).plateExitMaxPaise;
    if (!plateExitAllowed(due, limitPaise)) {
      throw AppError.keyed('PAYMENT_REQUIRED', 'plate.ticketRequired', { amountDuePaise: due, limitPaise },
        `The fee (Rs ${(due / 100).toFixed(2)}) is above the plate-only limit (Rs ${(limitPaise / 100).toFixed(2)}). Scan the ticket, or use lost ticket.`,
        { amountDuePaise: due, limitPaise, ticketRequired: true });
    }
    return quoteSession(ctx, actor, session, false, { plate: input.vehicleNumber, picked });
  });
}
