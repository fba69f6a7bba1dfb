/**
 * Exit receipt numbers: one gap-free series per kiosk ("<kiosk prefix>-<6 digits>", at most 16
 * characters), given inside the exit's transaction so a number is never skipped or repeated. A
 * tax invoice series (per financial year) is a separate series owned by the invoice module.
 */
import type { ServiceContext } from '../services/context.js';

/** "kiosk-1a2b3c4d" -> "1A2B3C4D": letters and digits of the id, at most 8 (the tail). */
export function kioskPrefix(kioskId: string): string {
  const alnum = kioskId.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return (alnum.startsWith('KIOSK') && alnum.length > 5 ? alnum.slice(5) : alnum).slice(-8) || 'K';
}

export function formatReceiptNumber(kioskId: string, seq: number): string {
  return `${kioskPrefix(kioskId)}-${String(seq).padStart(6, '0')}`;
}

/** The session's receipt number, allocating the next in the series the first time (inside a transaction). */
export function allocateReceiptNumber(ctx: ServiceContext, sessionId: string, paymentId: string | null): string {
  const { q, db } = ctx.store;
  const existing = receiptNumberOf(ctx, sessionId);
  if (existing) return existing;
  const last = q.first(db.selectFrom('receipt_numbers').select((eb) => eb.fn.max('seq').as('seq')).where('kiosk_id', '=', ctx.kioskId));
  const seq = Number(last?.seq ?? 0) + 1;
  const number = formatReceiptNumber(ctx.kioskId, seq);
  q.run(db.insertInto('receipt_numbers').values({
    session_id: sessionId, payment_id: paymentId, kiosk_id: ctx.kioskId, seq, number, created_at: ctx.clock.now(),
    lost_ticket_fee_paise: lostTicketFeeCharged(ctx, sessionId),
  }));
  return number;
}

/**
 * The surcharge the exit of a lost ticket charged: the zone's lost-ticket fee as the exit's own
 * quote used it (it is read in the same transaction as the payment). Null when the ticket was not lost.
 */
export function lostTicketFeeCharged(ctx: ServiceContext, sessionId: string): number | null {
  const { q, db } = ctx.store;
  const row = q.first(
    db.selectFrom('sessions').innerJoin('zones', 'zones.id', 'sessions.zone_id')
      .select(['sessions.lost_ticket', 'zones.lost_ticket_fee_paise']).where('sessions.id', '=', sessionId),
  );
  return row && row.lost_ticket === 1 ? (row.lost_ticket_fee_paise ?? 0) : null;
}

export function receiptOf(ctx: ServiceContext, sessionId: string): { number: string; lost_ticket_fee_paise: number | null } | null {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('receipt_numbers').select(['number', 'lost_ticket_fee_paise']).where('session_id', '=', sessionId)) ?? null;
}

export function receiptNumberOf(ctx: ServiceContext, sessionId: string): string | null {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('receipt_numbers').select('number').where('session_id', '=', sessionId))?.number ?? null;
}
