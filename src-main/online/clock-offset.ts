/**
 * The kiosk's measured clock offset (server time minus kiosk time, ms) as the sync worker stores
 * it in sync_state: the payment client signs with it too, so both agree on "server time".
 */
import type { Store } from '../store/open.js';
import type { ClockOffset } from './server-link.js';

export function storedClockOffset(store: Store): ClockOffset {
  const read = store.sqlite.prepare('SELECT clock_offset_ms FROM sync_state WHERE id = 1');
  const write = store.sqlite.prepare('UPDATE sync_state SET clock_offset_ms = ? WHERE id = 1');
  return {
    get: () => (read.get() as { clock_offset_ms: number | null } | undefined)?.clock_offset_ms ?? 0,
    set: (ms) => void write.run(Math.round(ms)),
  };
}
