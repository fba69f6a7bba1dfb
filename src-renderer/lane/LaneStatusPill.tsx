/** The lane status in the header, next to connectivity: device health and barrier state; a click opens the details. */
import { useState } from 'react';
import type { LaneStatus } from '../../src-shared/contracts/lane.js';
import { useT } from '../i18n/index.js';
import type { MessageKey } from '../i18n/en.js';
import { LaneDetailsDialog } from './LaneDetailsDialog.js';
import { useLaneStatus } from './use-lane-status.js';

export function laneState(s: LaneStatus): 'none' | 'fault' | 'pending' | 'up' | 'down' {
  if (!s.configured) return 'none';
  if (!s.ready || s.devices.some((d) => d.state === 'fault')) return 'fault';
  if (s.commandPending || s.pending.length > 0) return 'pending';
  return s.barrier === 'UP' ? 'up' : 'down';
}

const TEXT: Record<ReturnType<typeof laneState>, MessageKey> = {
  none: 'lane.pill.none',
  fault: 'lane.pill.fault',
  pending: 'lane.pill.pending',
  up: 'lane.pill.up',
  down: 'lane.pill.down',
};

export function LaneStatusPill() {
  const t = useT();
  const { status, refresh } = useLaneStatus(true);
  const [open, setOpen] = useState(false);
  if (!status) return null;
  const state = laneState(status);
  const kind = state === 'fault' ? 'offline' : state === 'pending' ? 'syncing' : 'online';
  return (
    <>
      <button
        type="button"
        className={`pill pill-${kind} pill-button`}
        data-testid="lane-status"
        data-state={state}
        title={t('lane.pill.title')}
        onClick={() => setOpen(true)}
      >
        <span className="pill-dot" aria-hidden="true" />
        <span className="visually-hidden">{t('lane.pill.title')}: </span>
        {t(TEXT[state], { count: status.pending.length })}
      </button>
      {open && <LaneDetailsDialog status={status} onClose={() => setOpen(false)} onChanged={refresh} />}
    </>
  );
}
