import { describe, expect, it } from 'vitest';
import { AppError } from '../contracts/errors.js';
import { SESSION_STATUSES, type SessionStatus } from '../contracts/entities.js';
import {
  assertTransition,
  canTransition,
  isOpenStatus,
  OPEN_STATUSES,
  SESSION_TRANSITIONS,
  transitionErrorCode,
} from './session-state.js';

type Row = Record<SessionStatus, string>;
// Expected outcome of from (row) -> to (column): 'ok' or the AppError code thrown.
const MATRIX: Record<SessionStatus, Row> = {
  BOOKED: { BOOKED: 'CONFLICT', PARKED: 'ok', EXITING: 'NOT_ENTERED', COMPLETED: 'NOT_ENTERED', CANCELLED: 'ok', EXPIRED: 'ok' },
  PARKED: { BOOKED: 'CONFLICT', PARKED: 'ALREADY_ENTERED', EXITING: 'ok', COMPLETED: 'ok', CANCELLED: 'CONFLICT', EXPIRED: 'CONFLICT' },
  EXITING: { BOOKED: 'CONFLICT', PARKED: 'ALREADY_ENTERED', EXITING: 'CONFLICT', COMPLETED: 'ok', CANCELLED: 'CONFLICT', EXPIRED: 'CONFLICT' },
  COMPLETED: { BOOKED: 'ALREADY_EXITED', PARKED: 'ALREADY_EXITED', EXITING: 'ALREADY_EXITED', COMPLETED: 'ALREADY_EXITED', CANCELLED: 'ALREADY_EXITED', EXPIRED: 'ALREADY_EXITED' },
  CANCELLED: { BOOKED: 'SESSION_CLOSED', PARKED: 'SESSION_CLOSED', EXITING: 'SESSION_CLOSED', COMPLETED: 'SESSION_CLOSED', CANCELLED: 'SESSION_CLOSED', EXPIRED: 'SESSION_CLOSED' },
  EXPIRED: { BOOKED: 'SESSION_CLOSED', PARKED: 'SESSION_CLOSED', EXITING: 'SESSION_CLOSED', COMPLETED: 'SESSION_CLOSED', CANCELLED: 'SESSION_CLOSED', EXPIRED: 'SESSION_CLOSED' },
};

const pairs = SESSION_STATUSES.flatMap((from) => SESSION_STATUSES.map((to) => [from, to, MATRIX[from][to]] as const));

describe('session transitions: full matrix', () => {
  it('covers all 36 pairs', () => {
    expect(pairs).toHaveLength(36);
    expect(pairs.filter((p) => p[2] === 'ok')).toHaveLength(6);
  });

  it.each(pairs)('%s -> %s: %s', (from, to, expected) => {
    expect(canTransition(from, to)).toBe(expected === 'ok');
    expect(transitionErrorCode(from, to)).toBe(expected === 'ok' ? null : expected);
    if (expected === 'ok') {
      expect(() => assertTransition(from, to)).not.toThrow();
    } else {
      let caught: unknown;
      try {
        assertTransition(from, to);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe(expected);
      expect((caught as AppError).details).toEqual({ from, to });
      expect((caught as AppError).message.length).toBeGreaterThan(0);
    }
  });

  it('the table says the same as the matrix', () => {
    expect(SESSION_TRANSITIONS).toEqual({
      BOOKED: ['PARKED', 'CANCELLED', 'EXPIRED'],
      PARKED: ['EXITING', 'COMPLETED'],
      EXITING: ['COMPLETED'],
      COMPLETED: [],
      CANCELLED: [],
      EXPIRED: [],
    });
    expect(Object.isFrozen(SESSION_TRANSITIONS)).toBe(true);
    expect(Object.isFrozen(SESSION_TRANSITIONS.BOOKED)).toBe(true);
  });

  it('unknown statuses are never legal', () => {
    expect(canTransition('PARKED' as SessionStatus, 'GONE' as SessionStatus)).toBe(false);
    expect(canTransition('toString' as SessionStatus, 'PARKED')).toBe(false);
    expect(() => assertTransition('toString' as SessionStatus, 'PARKED')).toThrow(AppError);
  });
});

describe('open statuses', () => {
  it('BOOKED, PARKED, EXITING are open; the rest are not', () => {
    expect([...OPEN_STATUSES]).toEqual(['BOOKED', 'PARKED', 'EXITING']);
    expect(SESSION_STATUSES.filter(isOpenStatus)).toEqual(['BOOKED', 'PARKED', 'EXITING']);
  });
  it('closed statuses have no way out; open ones do', () => {
    for (const s of SESSION_STATUSES) expect(SESSION_TRANSITIONS[s].length > 0).toBe(isOpenStatus(s));
  });
});
