import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '../contracts/entities.js';
import { REFUND_WINDOW_SECONDS, refundForCancellation } from './refund.js';

const BOOKED_AT = 1_700_000_000_000;
const check = (o: { status?: SessionStatus; entryAtMs?: number | null; afterMs?: number; paidPaise?: number }) =>
  refundForCancellation({
    status: o.status ?? 'BOOKED',
    entryAtMs: o.entryAtMs ?? null,
    bookedAtMs: BOOKED_AT,
    cancelAtMs: BOOKED_AT + (o.afterMs ?? 0),
    paidPaise: o.paidPaise ?? 4000,
  });

describe('refundForCancellation: time boundary (whole seconds, inclusive)', () => {
  it('window is 300 s', () => expect(REFUND_WINDOW_SECONDS).toBe(300));
  it.each([
    [0, true],
    [299_000, true],
    [299_999, true],
    [300_000, true],
    [300_999, true],
    [301_000, false],
    [3_600_000, false],
    [-60_000, true], // clock skew: cancel "before" booking counts as 0 s
  ])('cancelled %d ms after booking -> eligible %s', (afterMs, eligible) => {
    const r = check({ afterMs });
    expect(r.eligible).toBe(eligible);
    expect(r.refundPaise).toBe(eligible ? 4000 : 0);
    expect(r.reason).toMatch(eligible ? /^Cancelled within 5 minutes of booking: full refund/ : /^Cancelled more than 5 minutes after booking/);
  });
});

describe('refundForCancellation: status', () => {
  it.each([
    ['PARKED', BOOKED_AT + 1000, /^Entered sessions are not refundable here/],
    ['EXITING', BOOKED_AT + 1000, /^Entered sessions are not refundable here/],
    ['COMPLETED', BOOKED_AT + 1000, /^Entered sessions are not refundable here/],
    ['BOOKED', BOOKED_AT + 1000, /^Entered sessions are not refundable here/], // inconsistent row: entered wins
    ['PARKED', null, /^Entered sessions are not refundable here/],
    ['CANCELLED', null, /already cancelled/],
    ['EXPIRED', null, /expired/],
  ] as [SessionStatus, number | null, RegExp][])('%s (entryAt %s) -> not eligible', (status, entryAtMs, reason) => {
    const r = check({ status, entryAtMs, afterMs: 10_000 });
    expect(r).toEqual({ eligible: false, refundPaise: 0, reason: expect.stringMatching(reason) });
  });

  it('nothing paid: eligible, nothing to refund', () => {
    expect(check({ paidPaise: 0, afterMs: 1000 })).toEqual({ eligible: true, refundPaise: 0, reason: expect.stringMatching(/nothing to refund/) });
  });

  it('refunds 100% of any amount', () => {
    expect(check({ paidPaise: 123457, afterMs: 299_000 }).refundPaise).toBe(123457);
  });

  it('rejects a bad paidPaise', () => {
    expect(() => check({ paidPaise: -1 })).toThrow(RangeError);
    expect(() => check({ paidPaise: 10.5 })).toThrow(RangeError);
  });
});
