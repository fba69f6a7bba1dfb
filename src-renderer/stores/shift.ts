/** The cashier's cash shift (drawer). Cash can only be taken while a shift is open. */
import { create } from 'zustand';
import type { Shift } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';

interface ShiftState {
  shift: Shift | null;
  loaded: boolean;
  load(): Promise<void>;
  open(openingFloatPaise: number): Promise<void>;
  close(countedPaise: number, note?: string): Promise<Shift>;
}

export const useShift = create<ShiftState>((set) => ({
  shift: null,
  loaded: false,
  async load() {
    try {
      set({ shift: await call('shifts.current', {}), loaded: true });
    } catch {
      set({ loaded: true });
    }
  },
  async open(openingFloatPaise) {
    set({ shift: await call('shifts.open', { openingFloatPaise }), loaded: true });
  },
  async close(countedPaise, note) {
    const r = await call('shifts.close', { countedPaise, ...(note ? { note } : {}) });
    set({ shift: null });
    return r.shift;
  },
}));
