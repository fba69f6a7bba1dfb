/** The cashier's cash shift (drawer). Cash can only be taken while a shift is open. */
import { create } from 'zustand';
import type { Shift } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';
import type { DenominationCounts } from '../../src-shared/contracts/cash-count.js';

/** A drawer as the core takes it: by note and coin (the core sums it) or, from older screens, a total. */
export type FloatInput = { floatCounts: DenominationCounts } | { openingFloatPaise: number };
export type CountInput = { countedCounts: DenominationCounts } | { countedPaise: number };

interface ShiftState {
  shift: Shift | null;
  loaded: boolean;
  load(): Promise<void>;
  open(float: FloatInput): Promise<void>;
  close(count: CountInput, note?: string): Promise<Shift>;
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
  async open(float) {
    set({ shift: await call('shifts.open', float), loaded: true });
  },
  async close(count, note) {
    const r = await call('shifts.close', { ...count, ...(note ? { note } : {}) });
    set({ shift: null });
    return r.shift;
  },
}));
