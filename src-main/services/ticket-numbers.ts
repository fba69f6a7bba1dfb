/**
 * A typed short ticket number -> its session. Any gate that knows the session (issued it, adopted
 * its QR, or learned it through sync) finds it, online or offline. What cannot be found here is
 * said plainly: a typo (the check character fails) or a ticket this gate has not learned yet.
 */
import { sql } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import { idTailsOf, parseTicketNumber, ticketNumberOf } from '../../src-shared/domain/ticket-number.js';
import type { SessionRow } from '../store/schema.js';
import type { ServiceContext } from './context.js';

const OPEN = new Set(['BOOKED', 'PARKED', 'EXITING']);

export function sessionRowByNumber(ctx: ServiceContext, text: string): SessionRow {
  const parsed = parseTicketNumber(text);
  if (!parsed.ok) {
    throw new AppError('TICKET_INVALID', 'This ticket number has a typing mistake. Check each character and type it again.', { reason: parsed.reason });
  }
  const { q, db } = ctx.store;
  // The same expression as the sessions_id_tail index (migration 0016).
  const rows = q.all(db.selectFrom('sessions').selectAll().where(sql<boolean>`substr(id, 25, 12) IN (${sql.join(idTailsOf(parsed.value))})`))
    .filter((r) => ticketNumberOf(r.id) === parsed.number);
  const open = rows.filter((r) => OPEN.has(r.status));
  const pick = open.length > 0 ? open : rows;
  if (pick.length === 0) {
    throw new AppError('TICKET_UNKNOWN', 'This gate does not know that ticket number yet. Scan the QR code or find the car by its number plate.', { reason: 'NUMBER_UNKNOWN' });
  }
  if (pick.length > 1) {
    throw new AppError('CONFLICT', 'Two tickets share this number. Scan the QR code or find the car by its number plate.', { reason: 'NUMBER_AMBIGUOUS' });
  }
  return pick[0]!;
}
