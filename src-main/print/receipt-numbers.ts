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
  const db = ctx.store.sqlite;
  const existing = db.prepare(`SELECT number FROM receipt_numbers WHERE session_id = ?`).get(sessionId) as { number: string } | undefined;
  if (existing) return existing.number;
  const last = db.prepare(`SELECT max(seq) AS seq FROM receipt_numbers WHERE kiosk_id = ?`).get(ctx.kioskId) as { seq: number | null };
  const seq = (last.seq ?? 0) + 1;
  const number = formatReceiptNumber(ctx.kioskId, seq);
  db.prepare(`INSERT INTO receipt_numbers (session_id, payment_id, kiosk_id, seq, number, created_at) VALUES (?, ?, ?, ?, ?, ?)`)
    .run(sessionId, paymentId, ctx.kioskId, seq, number, ctx.clock.now());
  return number;
}

export function receiptNumberOf(ctx: ServiceContext, sessionId: string): string | null {
  const row = ctx.store.sqlite.prepare(`SELECT number FROM receipt_numbers WHERE session_id = ?`).get(sessionId) as { number: string } | undefined;
  return row?.number ?? null;
}
