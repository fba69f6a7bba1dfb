/**
 * Connectivity and kiosk clock, from `system.health` (polled) and `health` events (pushed).
 * `offsetMs` is the core's clock minus this screen's clock, so the header clock and payment
 * countdowns follow the core's time (which a test may have moved with dev.setClock).
 */
import { create } from 'zustand';
import { call } from '../api/client.js';

export interface ConnectivityState {
  /** The core answered the last health call. */
  reachable: boolean | null;
  /** The kiosk is linked to the central server. */
  online: boolean;
  /** No central server is configured: nothing is "offline", the kiosk works alone. */
  standalone: boolean;
  pendingEvents: number;
  lastSyncAt: string | null;
  /** The central server refused this kiosk's sync protocol (too old, or the server is). */
  syncProblem: 'KIOSK_TOO_OLD' | 'SERVER_TOO_OLD' | null;
  needsSetup: boolean;
  version: string | null;
  offsetMs: number;
  refresh(): Promise<void>;
  applyEvent(e: { online: boolean; pendingEvents: number; lastSyncAt: string | null }): void;
  /** The sync worker's own status event: the header follows a lost server at once, not at the next health poll. */
  applySync(s: { enabled: boolean; online: boolean; pendingEvents: number; lastSyncAt: string | null }): void;
}

export const useConnectivity = create<ConnectivityState>((set, get) => ({
  reachable: null,
  online: false,
  standalone: false,
  pendingEvents: 0,
  lastSyncAt: null,
  syncProblem: null,
  needsSetup: false,
  version: null,
  offsetMs: 0,
  async refresh() {
    const sent = Date.now();
    try {
      const h = await call('system.health', {});
      const received = Date.now();
      const serverNow = h.now ? Date.parse(h.now) : NaN;
      set({
        reachable: true,
        online: h.online,
        standalone: Boolean(h.standalone),
        pendingEvents: h.pendingEvents,
        lastSyncAt: h.lastSyncAt,
        syncProblem: h.syncProblem ?? null,
        needsSetup: Boolean(h.needsSetup),
        version: h.version,
        offsetMs: steadyOffset(get().offsetMs, Number.isFinite(serverNow) ? Math.round(serverNow - (sent + received) / 2) : 0),
      });
    } catch {
      set({ reachable: false });
    }
  },
  applyEvent(e) {
    set({ online: e.online, pendingEvents: e.pendingEvents, lastSyncAt: e.lastSyncAt });
  },
  applySync(s) {
    if (!s.enabled) return;
    set({ online: s.online, pendingEvents: s.pendingEvents, lastSyncAt: s.lastSyncAt, standalone: false });
  },
}));

/** The kiosk's current time (the core's clock as last measured). */
export function kioskNow(): number {
  return Date.now() + useConnectivity.getState().offsetMs;
}

/** Keep the clock steady: ignore round-trip noise under a second, follow real jumps. */
function steadyOffset(previous: number, measured: number): number {
  return Math.abs(measured - previous) < 1000 ? previous : measured;
}
