/**
 * A pass holder at the gate: scanning the pass QR in opens a session marked as a pass visit (its
 * entry movement names it); scanning it out completes the visit with no fee while the pass
 * covered it, or quotes the tariff-billed part. Anti-passback per pass from what this gate knows:
 * HARD refuses an entry while all the pass's cars are in, SOFT lets it through and flags it. The
 * plate entry point (plate-entry.ts) finds the pass and goes through the same enterPass / exitPass.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PassApiResults, PassFlag } from '../../src-shared/contracts/passes.js';
import { decideMovement, passCovers, passHoldsPlate } from '../../src-shared/domain/season-pass.js';
import { parsePassCode, type PassCodeFailure } from '../../src-shared/domain/season-pass-code.js';
import { normaliseVehicleNumber } from '../../src-shared/domain/vehicle-number.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { bookSlot } from '../services/gate-entry.js';
import { completeExit, quoteSession } from '../services/gate-exit.js';
import { OPEN_SESSION, sessionRowById } from '../services/session-records.js';
import { getSettings } from '../services/settings.js';
import type { SeasonPassRow } from '../store/schema-passes.js';
import { facilityId } from '../validations/facility.js';
import { passRow, presenceOf, recordMovement, toPass } from './records.js';
import { reservedOf } from './reserved.js';

const CODE_MESSAGES: Record<PassCodeFailure, string> = {
  MALFORMED: 'This pass code cannot be read. Scan it again.',
  UNKNOWN_KEY: 'This pass was signed by a key this gate does not know. Call a supervisor.',
  BAD_SIGNATURE: 'This pass code has been changed or is not genuine.',
  WRONG_FACILITY: 'This pass is for another parking facility.',
};

function scannedPass(ctx: ServiceContext, code: string): SeasonPassRow {
  const parsed = parsePassCode(code, ctx.ticketKeys, facilityId(ctx));
  if (!parsed.ok) throw new AppError('TICKET_INVALID', CODE_MESSAGES[parsed.reason], { reason: parsed.reason, kind: 'PASS_CODE' });
  return passRow(ctx, parsed.passId);
}

const refuse = (message: string, reason: string, details: Record<string, unknown> = {}) => new AppError('CONFLICT', message, { reason, ...details });

export function enterWithPass(ctx: ServiceContext, actor: Actor, input: { code: string; vehicleNumber?: string | undefined; zoneId?: string | undefined }): PassApiResults['passes.enter'] {
  return ctx.store.q.tx(() => enterPass(ctx, actor, scannedPass(ctx, input.code), input));
}

/** A pass car in, however the pass was found (scanned code, plate): validity, plate, zone, anti-passback, reserved spaces. */
export function enterPass(ctx: ServiceContext, actor: Actor, row: SeasonPassRow, input: { vehicleNumber?: string | undefined; zoneId?: string | undefined }): PassApiResults['passes.enter'] {
  return ctx.store.q.tx(() => {
    const pass = toPass(row);
    const now = ctx.clock.now();
    if (now < pass.validFromMs) throw refuse('This pass is not valid yet.', 'PASS_NOT_STARTED', { validFrom: new Date(pass.validFromMs).toISOString() });
    if (now >= pass.validUntilMs) throw refuse('This pass has expired. Renew it at the cash desk.', 'PASS_EXPIRED', { validUntil: new Date(pass.validUntilMs).toISOString() });
    let plate: string;
    if (input.vehicleNumber !== undefined) {
      plate = normaliseVehicleNumber(input.vehicleNumber);
      if (pass.plates.length > 0 && !passHoldsPlate(pass, plate)) throw refuse(`Vehicle ${plate} is not on this pass.`, 'PLATE_NOT_ON_PASS');
    } else if (pass.plates.length === 1) plate = pass.plates[0]!;
    else throw refuse('Enter the vehicle number: this pass is for more than one car.', 'PLATE_REQUIRED');
    const zoneId = input.zoneId ?? reservedOf(row)[0]?.zoneId ?? (pass.zones.length > 0 ? pass.zones[0] : undefined);
    if (zoneId !== undefined && pass.zones.length > 0 && !pass.zones.includes(zoneId)) throw refuse('This pass is not valid in this zone.', 'WRONG_ZONE');
    const decision = decideMovement(pass.antiPassback, pass.maxCars, presenceOf(ctx, row), 'ENTRY');
    if (!decision.allow) {
      const message = pass.maxCars > 1 ? `All ${pass.maxCars} cars of this pass are already inside.` : 'This pass is already inside: it has not exited.';
      throw refuse(message, 'ANTI_PASSBACK', { flag: decision.reason });
    }
    const session = bookSlot(ctx, actor, { vehicleNumber: plate, zoneId }, true, row.id);
    const flag: PassFlag | null = decision.flagged ? decision.reason : null;
    recordMovement(ctx, actor, { id: newId(ctx.clock), pass_id: row.id, direction: 'ENTRY', session_id: session.id, flag, operator_id: actor.operatorId, kiosk_id: ctx.kioskId, at: now });
    return { session, passId: row.id, flagged: flag, coveredNow: passCovers(pass, session.zoneId, now, getSettings(ctx).timeZone) };
  });
}

/** The open session this pass entered with (the latest, at this gate or synced; of this plate when given), if any. */
function openPassSession(ctx: ServiceContext, passId: string, plate: string | null) {
  const { q, db } = ctx.store;
  let query = db.selectFrom('pass_movements').innerJoin('sessions', 'sessions.id', 'pass_movements.session_id')
    .innerJoin('vehicles', 'vehicles.id', 'sessions.vehicle_id')
    .select('sessions.id').where('pass_movements.pass_id', '=', passId).where('pass_movements.direction', '=', 'ENTRY').where(OPEN_SESSION)
    .where('sessions.status', '!=', 'BOOKED');
  if (plate !== null) query = query.where('vehicles.vehicle_number', '=', plate);
  return q.first(query.orderBy('pass_movements.at', 'desc').limit(1));
}

export function exitWithPass(ctx: ServiceContext, actor: Actor, input: { code: string }): PassApiResults['passes.exit'] {
  return ctx.store.q.tx(() => exitPass(ctx, actor, scannedPass(ctx, input.code), null));
}

/**
 * A pass car out. `plate` (found by plate): that car's open visit; when the pass has visits open
 * only under other plates, refused (PLATE_NOT_INSIDE): the scan or the cashier decides which car.
 */
export function exitPass(ctx: ServiceContext, actor: Actor, row: SeasonPassRow, plate: string | null): PassApiResults['passes.exit'] {
  return ctx.store.q.tx(() => {
    const open = openPassSession(ctx, row.id, plate);
    if (!open && plate !== null && openPassSession(ctx, row.id, null)) {
      throw refuse(`Vehicle ${plate} of this pass is not inside. Scan the pass to exit another of its cars.`, 'PLATE_NOT_INSIDE');
    }
    if (!open) {
      const decision = decideMovement(row.anti_passback, row.max_cars, presenceOf(ctx, row), 'EXIT');
      if (!decision.allow) throw refuse('This pass has no car inside: it has not entered.', 'ANTI_PASSBACK', { flag: decision.reason });
      const flag: PassFlag | null = decision.flagged ? decision.reason : null;
      recordMovement(ctx, actor, { id: newId(ctx.clock), pass_id: row.id, direction: 'EXIT', session_id: null, flag, operator_id: actor.operatorId, kiosk_id: ctx.kioskId, at: ctx.clock.now() });
      return { session: null, quote: null, passId: row.id, flagged: flag };
    }
    const quote = quoteSession(ctx, actor, sessionRowById(ctx, open.id), false);
    if (quote.amountDuePaise > 0) return { session: null, quote, passId: row.id, flagged: null };
    // completeExit records the exit movement (recordPassExit) in the same transaction.
    return { session: completeExit(ctx, actor, open.id), quote, passId: row.id, flagged: null };
  });
}
