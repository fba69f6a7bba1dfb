/** The lane's live status for the header: lane.status polled, and re-read at once on `lane` / `device` events. */
import { useCallback, useEffect, useState } from 'react';
import type { LaneStatus } from '../../src-shared/contracts/lane.js';
import { call } from '../api/client.js';
import { useKioskEvent } from '../lib/events.js';

const POLL_MS = 3000;

export function useLaneStatus(enabled: boolean): { status: LaneStatus | null; refresh(): void } {
  const [status, setStatus] = useState<LaneStatus | null>(null);
  const refresh = useCallback(() => {
    if (!enabled) return;
    call('lane.status', {}).then(setStatus, () => setStatus(null));
  }, [enabled]);
  useEffect(() => {
    refresh();
    if (!enabled) return;
    const id = setInterval(refresh, POLL_MS);
    return () => clearInterval(id);
  }, [enabled, refresh]);
  useKioskEvent((e) => {
    if (e.type === 'lane' || e.type === 'device') refresh();
  });
  return { status, refresh };
}
