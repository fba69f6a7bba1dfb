import { describe, expect, it } from 'vitest';
import { landingScreen } from '../../src-renderer/stores/ui.js';

describe('landing screen after log-in', () => {
  it('follows the lane: exit lanes open Exit, entry lanes Entry; both: a cashier to Exit, others to Entry', () => {
    expect(landingScreen('CASHIER', 'BOTH')).toBe('exit');
    expect(landingScreen('ATTENDANT', 'BOTH')).toBe('entry');
    expect(landingScreen('SUPERVISOR', 'BOTH')).toBe('entry');
    expect(landingScreen('ATTENDANT', 'EXIT')).toBe('exit');
    expect(landingScreen('CASHIER', 'ENTRY')).toBe('entry');
    expect(landingScreen('CASHIER', null)).toBe('exit');
  });
});
