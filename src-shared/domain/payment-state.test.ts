import { describe, expect, it } from 'vitest';
import { AppError } from '../contracts/errors.js';
import { PAYMENT_STATUSES, type PaymentStatus } from '../contracts/entities.js';
import {
  assertPaymentTransition,
  canPaymentTransition,
  isFinalPaymentStatus,
  isLateSuccess,
  isTerminalPaymentStatus,
  PAYMENT_TRANSITIONS,
} from './payment-state.js';

const LEGAL: Record<PaymentStatus, PaymentStatus[]> = {
  PENDING: ['SUCCESS', 'FAILED', 'EXPIRED'],
  SUCCESS: ['REFUNDED'],
  FAILED: ['SUCCESS'],
  EXPIRED: ['SUCCESS'],
  REFUNDED: [],
};
const pairs = PAYMENT_STATUSES.flatMap((from) => PAYMENT_STATUSES.map((to) => [from, to, LEGAL[from].includes(to)] as const));

describe('payment transitions: full matrix', () => {
  it('covers all 25 pairs, 6 legal', () => {
    expect(pairs).toHaveLength(25);
    expect(pairs.filter((p) => p[2])).toHaveLength(6);
  });

  it.each(pairs)('%s -> %s legal=%s', (from, to, legal) => {
    expect(canPaymentTransition(from, to)).toBe(legal);
    if (legal) {
      expect(() => assertPaymentTransition(from, to)).not.toThrow();
    } else {
      let caught: unknown;
      try {
        assertPaymentTransition(from, to);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('CONFLICT');
      expect((caught as AppError).details).toEqual({ from, to });
    }
  });

  it('table', () => {
    expect(PAYMENT_TRANSITIONS).toEqual(LEGAL);
    expect(Object.isFrozen(PAYMENT_TRANSITIONS.PENDING)).toBe(true);
  });

  it('unknown statuses are never legal', () => {
    expect(canPaymentTransition('PENDING', 'PAID' as PaymentStatus)).toBe(false);
    expect(canPaymentTransition('constructor' as PaymentStatus, 'SUCCESS')).toBe(false);
  });
});

describe('payment status classes', () => {
  it.each([
    ['PENDING', false, false],
    ['SUCCESS', true, false],
    ['FAILED', true, false],
    ['EXPIRED', true, false],
    ['REFUNDED', true, true],
  ] as const)('%s final=%s terminal=%s', (s, final, terminal) => {
    expect(isFinalPaymentStatus(s)).toBe(final);
    expect(isTerminalPaymentStatus(s)).toBe(terminal);
  });

  it('late success is only EXPIRED or FAILED -> SUCCESS', () => {
    for (const [from, to] of pairs) expect(isLateSuccess(from, to)).toBe((from === 'EXPIRED' || from === 'FAILED') && to === 'SUCCESS');
  });
});
