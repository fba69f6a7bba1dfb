import { describe, expect, it } from 'vitest';
import { lostTicketNeedsSupervisor, plateExitAllowed } from './lost-ticket.js';
import { matchPlate, plateShape } from './plate-match.js';

describe('plate matching', () => {
  it.each([
    ['MH12AB1234', 'MH12AB1234', 'EXACT'],
    ['mh 12-ab 1234', 'MH12AB1234', 'EXACT'],
    ['MH12AB1O34', 'MH12AB1034', 'NEAR'],
    ['MHI2AB1234', 'MH12AB1234', 'NEAR'],
    ['MH12A81234', 'MH12AB1234', 'NEAR'],
    ['MH12AB1235', 'MH12AB1234', null],
    ['MH12AB123', 'MH12AB1234', null],
    ['', 'MH12AB1234', null],
    ['%', 'MH12AB1234', null],
  ] as const)('%s vs %s -> %s', (typed, stored, expected) => {
    expect(matchPlate(typed, stored)).toBe(expected);
  });

  it('folds look-alikes to digits', () => {
    expect(plateShape('OIBSZGQDL')).toBe('018526001');
  });
});

describe('limits', () => {
  it('plate exit: at the limit yes, one paisa over no', () => {
    expect(plateExitAllowed(20_000, 20_000)).toBe(true);
    expect(plateExitAllowed(20_001, 20_000)).toBe(false);
    expect(plateExitAllowed(0, 0)).toBe(true);
  });
  it('lost ticket supervisor: at the limit no, one paisa over yes', () => {
    expect(lostTicketNeedsSupervisor(50_000, 50_000)).toBe(false);
    expect(lostTicketNeedsSupervisor(50_001, 50_000)).toBe(true);
  });
});
