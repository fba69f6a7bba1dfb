/**
 * The kiosk's measured clock offset (server time minus kiosk time, ms), kept in sync_state: the
 * sync worker measures it, the signed client signs with it, so both agree on "server time".
 */
import type { Store } from '../store/open.js';

/** The kiosk's measured clock offset (server minus kiosk, ms), shared by the sync worker and the signed client. */
export interface ClockOffset {
  get(): number;
  set(offsetMs: number): void;
}

export function storedClockOffset(store: Store): ClockOffset {
  const { q, db } = store;
  return {
    get: () => q.first(db.selectFrom('sync_state').select('clock_offset_ms').where('id', '=', 1))?.clock_offset_ms ?? 0,
    set: (ms) => void q.run(db.updateTable('sync_state').set({ clock_offset_ms: Math.round(ms) }).where('id', '=', 1)),
  };
}
