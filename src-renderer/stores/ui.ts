/** Which screen is showing, and which screens a role may see (the core still checks every call). */
import { create } from 'zustand';
import type { Role } from '../../src-shared/contracts/roles.js';
import { roleAtLeast } from '../../src-shared/contracts/roles.js';
import type { LaneRole } from '../../src-shared/contracts/lane-role.js';

export type ScreenId = 'entry' | 'exit' | 'sessions' | 'shift' | 'passes' | 'reports' | 'supervisor' | 'operators' | 'lane';

const MIN_ROLE: Record<ScreenId, Role> = {
  entry: 'ATTENDANT',
  exit: 'ATTENDANT',
  sessions: 'ATTENDANT',
  shift: 'CASHIER',
  passes: 'CASHIER', // sell and renew; resets are the supervisor's (the core checks)
  reports: 'SUPERVISOR',
  supervisor: 'SUPERVISOR',
  operators: 'SUPERVISOR', // supervisors unlock; account edits stay with admins
  lane: 'ADMIN',
};

export const SCREEN_ORDER: ScreenId[] = ['entry', 'exit', 'sessions', 'shift', 'passes', 'reports', 'supervisor', 'operators', 'lane'];

export function screensFor(role: Role): ScreenId[] {
  return SCREEN_ORDER.filter((s) => roleAtLeast(role, MIN_ROLE[s]));
}

/**
 * Where an operator lands after logging in: an exit lane opens on Exit, an entry lane on Entry;
 * a lane that does both sends a cashier to Exit & pay and everyone else to Entry.
 */
export function landingScreen(role: Role, laneRole: LaneRole | null): ScreenId {
  if (laneRole === 'EXIT') return 'exit';
  if (laneRole === 'ENTRY') return 'entry';
  return role === 'CASHIER' ? 'exit' : 'entry';
}

/** Cashiers (and above) take payments on the exit screen; attendants only scan there. */
export function canTakePayment(role: Role): boolean {
  return roleAtLeast(role, 'CASHIER');
}

interface UiState {
  screen: ScreenId;
  /** How many times a screen was chosen: tells a late landing that the operator already moved. */
  moves: number;
  go(screen: ScreenId): void;
}

export const useUi = create<UiState>((set) => ({
  screen: 'entry',
  moves: 0,
  go(screen) {
    set((s) => ({ screen, moves: s.moves + 1 }));
  },
}));
