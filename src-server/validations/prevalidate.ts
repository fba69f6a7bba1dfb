/**
 * A merchant pre-validates a visit through the server (docs/validations.md "Pre-validation by a
 * merchant"): the ticket's code or short number and one of the merchant's programs (and the bill
 * where the program needs one). The server records a validation of the session, as a gate would,
 * and appends it to the facility's change log: every gate of the facility gets it on its next
 * pull and prices it at the exit quote. Refusals are typed and record nothing. The checks run
 * under the change-log lock, so a gate's push of the same program cannot slip in between.
 */
import { sql, type Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { CanonicalSession } from '../../src-shared/contracts/sync.js';
import { PREVALIDATION_KIOSK_ID, type ProgramSnap, type ValidationSnap } from '../../src-shared/contracts/validations.js';
import { isBookingCode, unverifiedTicketSessionId } from '../../src-shared/domain/ticket-codec.js';
import { formatTicketNumber, idTailsOf, looksLikeTicketNumber, parseTicketNumber, ticketNumberOf } from '../../src-shared/domain/ticket-number.js';
import { isOpenStatus } from '../sync/fold.js';
import type { SyncService } from '../sync/service.js';
import type { Tx } from '../sync/write-batch.js';
import { uuidv7 as uuidv7At } from '../../src-shared/domain/ids.js';
import { randomBytes } from 'node:crypto';
import { publishedMerchant, type MerchantIdentity } from './credentials.js';

export interface PrevalidationInput { ticket: string; programId: string; billPaise?: number | undefined }

export interface PrevalidationView {
  validationId: string;
  sessionId: string;
  ticketNumber: string | null;
  vehicleNumber: string;
  programId: string;
  programName: string;
  merchantName: string;
  reasonCode: string;
  billPaise: number | null;
  recordedAt: string;
}

interface Found { id: string; facility_id: string; data: string }

const refuse = (reason: string, message: string) => new AppError('CONFLICT', message, { reason });

/** The session a ticket names, in any facility (the caller decides about the facility). */
async function sessionOfTicket(trx: Tx, facilityId: string, ticket: string): Promise<Found> {
  const text = ticket.trim();
  if (looksLikeTicketNumber(text)) {
    const parsed = parseTicketNumber(text);
    if (!parsed.ok) throw new AppError('TICKET_INVALID', 'This ticket number has a typing mistake. Check each character and send it again.', { reason: parsed.reason });
    const rows = (await trx.selectFrom('sync_sessions').select(['id', 'facility_id', 'data', 'is_open'])
      .where(sql<boolean>`substr(id, 25, 12) in (${sql.join(idTailsOf(parsed.value))})`).execute())
      .filter((r) => ticketNumberOf(r.id) === parsed.number);
    const here = rows.filter((r) => r.facility_id === facilityId);
    if (here.length === 0 && rows.length > 0) throw wrongFacility();
    const open = here.filter((r) => Number(r.is_open) === 1);
    const pick = open.length > 0 ? open : here;
    if (pick.length > 1) throw new AppError('CONFLICT', 'Two tickets share this number: send the ticket\'s QR code instead.', { reason: 'NUMBER_AMBIGUOUS' });
    if (pick.length === 0) throw unknownTicket();
    return pick[0]!;
  }
  let id = unverifiedTicketSessionId(text);
  if (id === null && isBookingCode(text)) {
    const withBookings = trx as unknown as Kysely<ServerDatabase>;
    id = (await withBookings.selectFrom('bookings').select('id').where('code', '=', text).executeTakeFirst())?.id ?? null;
    if (id === null) throw unknownTicket();
  }
  if (id === null) throw new AppError('TICKET_INVALID', 'This is not a ParkGate ticket code or ticket number.', { reason: 'MALFORMED' });
  const row = await trx.selectFrom('sync_sessions').select(['id', 'facility_id', 'data']).where('id', '=', id).executeTakeFirst();
  if (!row) throw unknownTicket();
  if (row.facility_id !== facilityId) throw wrongFacility();
  // The stored ticket text is what a gate issued or verified: any other text naming this session is not genuine.
  if ((JSON.parse(row.data) as CanonicalSession).session.code !== text) {
    throw new AppError('TICKET_INVALID', 'This ticket code has been changed or is not genuine.', { reason: 'BAD_SIGNATURE' });
  }
  return row;
}

const unknownTicket = () => new AppError('TICKET_UNKNOWN', 'The server does not know this ticket (yet): the gate may not have synced it. Try again in a minute, or validate at the exit.', { reason: 'UNKNOWN_TICKET' });
const wrongFacility = () => new AppError('TICKET_INVALID', 'This ticket is of another car park.', { reason: 'WRONG_FACILITY' });

async function programOf(trx: Tx, who: MerchantIdentity, programId: string): Promise<ProgramSnap> {
  const row = await trx.selectFrom('sync_entities').select(['data', 'facility_id']).where('entity_type', '=', 'validationProgram').where('entity_id', '=', programId).executeTakeFirst();
  const p = row ? (JSON.parse(row.data) as ProgramSnap) : null;
  if (!p || row!.facility_id !== who.facilityId || p.merchant_id !== who.merchantId) {
    throw new AppError('NOT_FOUND', 'No such program of this merchant.', { reason: 'UNKNOWN_PROGRAM' });
  }
  return p;
}

/** What the program needs of the bill that the server can judge without the fee (the rest is judged at the exit quote). */
function billProblem(p: ProgramSnap, billPaise: number | null): string | null {
  if (p.bill_rule === 'NONE') return null;
  if (billPaise === null || billPaise <= 0) return 'BILL_REQUIRED';
  if (p.bill_rule === 'MIN_AMOUNT' && billPaise < (p.min_bill_paise ?? 0)) return 'BILL_TOO_SMALL';
  return null;
}

export async function prevalidate(sync: SyncService, who: MerchantIdentity, input: PrevalidationInput): Promise<PrevalidationView> {
  return sync.writeForFacility(who.facilityId, async (trx, b) => {
    const merchant = await publishedMerchant(trx, who.facilityId, who.merchantId);
    if (!merchant || merchant.is_active !== 1) throw refuse('MERCHANT_INACTIVE', 'This merchant account is closed at the car park.');
    const program = await programOf(trx, who, input.programId);
    if (program.is_active !== 1) throw refuse('PROGRAM_INACTIVE', 'This validation program has ended.');
    const billPaise = input.billPaise ?? null;
    const bill = billProblem(program, billPaise);
    if (bill) throw refuse(bill, bill === 'BILL_REQUIRED' ? 'This program needs the bill amount.' : `This program needs a bill of at least ${program.min_bill_paise} paise.`);
    if (merchant.prepaid === 1) {
      const r = await trx.selectFrom('merchant_ledger_entries').select((eb) => eb.fn.sum<number | string>('amount_paise').as('s'))
        .where('facility_id', '=', who.facilityId).where('merchant_id', '=', who.merchantId).executeTakeFirst();
      if (Number(r?.s ?? 0) <= 0) throw refuse('NO_BALANCE', 'This merchant\'s prepaid balance is used up: top it up at the car park.');
    }
    const found = await sessionOfTicket(trx, who.facilityId, input.ticket);
    const c = JSON.parse(found.data) as CanonicalSession;
    if (!isOpenStatus(c.session.status)) throw new AppError('ALREADY_EXITED', 'This car has already left (or the booking is closed).', { reason: 'SESSION_CLOSED', status: c.session.status });
    const twice = await trx.selectFrom('server_validations').select('validation_id').where('session_id', '=', found.id).where('program_id', '=', program.id).executeTakeFirst();
    if (twice) throw refuse('ALREADY_APPLIED', 'This program is already on this visit.');

    const now = sync.now();
    const v: ValidationSnap = {
      id: uuidv7At(now, randomBytes(10)), session_id: found.id, program_id: program.id, merchant_id: who.merchantId, source: 'MANUAL', code_id: null,
      bill_paise: billPaise, discount_paise: 0, fee_before_paise: 0, settled: 0, operator_id: `merchant-api:${who.credentialId}`, kiosk_id: PREVALIDATION_KIOSK_ID,
      created_at: now, updated_at: now,
    };
    await trx.insertInto('server_validations').values({
      validation_id: v.id, facility_id: who.facilityId, session_id: v.session_id, program_id: v.program_id, merchant_id: v.merchant_id,
      kiosk_id: PREVALIDATION_KIOSK_ID, credential_id: who.credentialId, bill_paise: billPaise, created_at: now,
    }).execute();
    b.pending.push({ entityType: 'validation', entityId: v.id, originKioskId: null, data: { kind: 'validation', validation: v } });
    const number = ticketNumberOf(found.id);
    return {
      validationId: v.id, sessionId: found.id, ticketNumber: number === null ? null : formatTicketNumber(number), vehicleNumber: c.vehicle.vehicle_number,
      programId: program.id, programName: program.name, merchantName: merchant.name, reasonCode: program.reason_code, billPaise, recordedAt: new Date(now).toISOString(),
    };
  });
}
