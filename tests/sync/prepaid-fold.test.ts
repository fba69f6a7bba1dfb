/**
 * The fold's pre-payment rule (src-server/sync/prepaid.ts): a parker's online pre-payment,
 * published by the server as `payment.prepaid`, is credited exactly once whatever the gates'
 * snapshots counted; a gate that charged at the exit without knowing of it leaves it due for refund.
 */
import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src-shared/domain/hlc.js';
import { foldSession, type FoldEvent, type PaymentSnap, type SessionSnap } from '../../src-server/sync/fold.js';
import { PREPAID_EVENT, prepaymentSnap } from '../../src-server/sync/prepaid.js';

const T = Date.UTC(2026, 0, 15, 10, 0, 0);
const RATE = 4000;
let n = 0;
const hlc = (ms: number, node: string) => encodeHlc({ wallMs: ms, counter: 0, node });

function snap(over: Partial<SessionSnap>): SessionSnap {
  return {
    id: 'bk-1', code: 'QR-ABCDEF123456', zone_id: 'z-a', slot_id: 's-1', status: 'BOOKED', booked_at: T, entry_at: null, exit_at: null,
    quote_amount_paise: null, quoted_at: null, quote_valid_until: null, amount_due_paise: null, amount_paid_paise: 0, last_paid_at: null,
    lost_ticket: 0, conflict: 0, conflict_reason: null, origin_kiosk_id: 'server', created_by: null, created_at: T, updated_at: T, ...over,
  };
}
function ev(type: string, at: number, node: string, session: SessionSnap | null, payment: PaymentSnap | null = null, extra: Record<string, unknown> = {}): FoldEvent {
  n += 1;
  return { id: `e${n}`, hlc: hlc(at, node), kioskId: node, type, session, payment, vehicle: { vehicle_number: 'KA01PP0001', owner_name: null }, extra };
}
const prepay = (status: 'SUCCESS' | 'REFUNDED', at = T + 60_000) =>
  prepaymentSnap({ id: 'pay-pre', session_id: 'bk-1', amount_paise: RATE, gateway: 'razorpay', gateway_ref: 'qr_1', late: 0, created_at: T, expires_at: T + 300_000, completed_at: T + 60_000 }, status, at);
const cash = (amount: number, at: number): PaymentSnap => ({
  id: `cash-${amount}`, session_id: 'bk-1', method: 'CASH', status: 'SUCCESS', amount_paise: amount, tendered_paise: amount, change_paise: 0, gateway: null,
  gateway_ref: null, upi_uri: null, idempotency_key: null, operator_id: 'op-1', late: 0, review_reason: null, created_at: at, expires_at: null, completed_at: at, updated_at: at,
});

const booked = ev('session.booked', T, 'server', snap({}));
const prepaid = ev(PREPAID_EVENT, T + 60_000, 'server', null, prepay('SUCCESS'));
const entry = (paid: number) => ev('session.entered', T + 120_000, 'gate-a', snap({ status: 'PARKED', entry_at: T + 120_000, amount_paid_paise: paid, updated_at: T + 120_000 }));
const exitAt = T + 120_000 + 2 * 3600_000;
const completed = (paid: number, payment: PaymentSnap | null) =>
  ev('session.completed', exitAt, 'gate-b', snap({ status: 'COMPLETED', entry_at: T + 120_000, exit_at: exitAt, amount_paid_paise: paid, amount_due_paise: paid, last_paid_at: payment ? exitAt : null, updated_at: exitAt }), payment);

describe('pre-payment in the session fold', () => {
  it('a booked session carries the pre-payment and its credit', () => {
    const c = foldSession([booked, prepaid])!;
    expect(c.session).toMatchObject({ status: 'BOOKED', amount_paid_paise: RATE, last_paid_at: null, conflict: 0 });
    expect(c.payments).toEqual([expect.objectContaining({ id: 'pay-pre', method: 'ONLINE', status: 'SUCCESS', gateway: 'razorpay', gateway_ref: 'qr_1', operator_id: null })]);
  });

  it('credited once whether or not the entry gate had counted it', () => {
    expect(foldSession([booked, prepaid, entry(0)])!.session.amount_paid_paise).toBe(RATE); // scanned before it knew
    expect(foldSession([booked, prepaid, entry(RATE)])!.session.amount_paid_paise).toBe(RATE); // scanned after
    // Any arrival order gives the same state.
    expect(foldSession([entry(0), prepaid, booked])).toEqual(foldSession([booked, prepaid, entry(0)]));
  });

  it('an exit that charged the remainder keeps paid == Σ payments, no conflict', () => {
    const c = foldSession([booked, prepaid, entry(RATE), completed(2 * RATE, cash(RATE, exitAt))])!;
    expect(c.session).toMatchObject({ status: 'COMPLETED', amount_paid_paise: 2 * RATE, amount_due_paise: 2 * RATE, conflict: 0 });
    expect(c.payments.map((p) => `${p.id}:${p.status}:${p.review_reason ?? ''}`)).toEqual(['cash-4000:SUCCESS:', 'pay-pre:SUCCESS:']);
  });

  it('an exit gate that charged in full without knowing of it: the pre-payment is due for refund, flagged', () => {
    const c = foldSession([booked, prepaid, entry(0), completed(3 * RATE, cash(3 * RATE, exitAt))])!;
    expect(c.session).toMatchObject({ amount_paid_paise: 4 * RATE, amount_due_paise: 4 * RATE, conflict: 1, conflict_reason: 'DOUBLE_EXIT' });
    expect(c.payments.find((p) => p.id === 'pay-pre')!.review_reason).toMatch(/^REFUND_DUE/);
    // A supervisor's REFUNDED resolution closes it like any double charge.
    const resolved = ev('session.conflictResolved', exitAt + 60_000, 'gate-b', null, null, { resolution: 'REFUNDED', reason: 'refunded at the desk' });
    const r = foldSession([booked, prepaid, entry(0), completed(3 * RATE, cash(3 * RATE, exitAt)), resolved])!;
    expect(r.session.conflict).toBe(0);
    expect(r.payments.find((p) => p.id === 'pay-pre')!.status).toBe('REFUNDED');
  });

  it('left within the grace without paying at the gate: nothing was paid twice, nothing flagged', () => {
    const c = foldSession([booked, prepaid, entry(0), completed(0, null)])!;
    expect(c.session).toMatchObject({ amount_paid_paise: RATE, amount_due_paise: RATE, conflict: 0 });
  });

  it('a refunded pre-payment stays in the gross paid amount (the gate credits net); the latest snapshot wins', () => {
    const refunded = ev(PREPAID_EVENT, T + 200_000, 'server', null, prepay('REFUNDED', T + 200_000));
    const c = foldSession([booked, prepaid, refunded])!;
    expect(c.payments).toEqual([expect.objectContaining({ id: 'pay-pre', status: 'REFUNDED', updated_at: T + 200_000 })]);
    expect(c.session.amount_paid_paise).toBe(RATE);
  });

  it('sessions without a pre-payment fold as before', () => {
    const walkIn = ev('session.ticketIssued', T, 'gate-a', snap({ id: 'bk-1', status: 'PARKED', entry_at: T, origin_kiosk_id: 'gate-a' }));
    const out = ev('session.completed', exitAt, 'gate-a', snap({ status: 'COMPLETED', entry_at: T, exit_at: exitAt, amount_paid_paise: 12000, amount_due_paise: 12000 }), cash(12000, exitAt));
    const lateExtra = ev('payment.lateSuccess', exitAt + 1, 'gate-a', null, { ...cash(500, exitAt + 1), id: 'late', method: 'ONLINE' });
    const c = foldSession([walkIn, out, lateExtra])!;
    expect(c.session.amount_paid_paise).toBe(12000); // not raised to Σ payments: only pre-payments trigger the rule
  });
});
