/** Lane details from the header: devices, barrier, loops, waiting openings, occupancy; the manual opening starts here. */
import { useState } from 'react';
import type { LaneStatus } from '../../src-shared/contracts/lane.js';
import { useT } from '../i18n/index.js';
import { ManualOpenDialog } from './ManualOpenDialog.js';

export function LaneDetailsDialog({ status, onClose, onChanged }: { status: LaneStatus; onClose(): void; onChanged(): void }) {
  const t = useT();
  const [manual, setManual] = useState(false);
  const yes = (b: boolean | null | undefined) => (b == null ? t('lane.none') : b ? t('lane.occupied') : t('lane.free'));
  if (manual) return <ManualOpenDialog reasons={status.manualReasons} onClose={() => { setManual(false); onChanged(); onClose(); }} />;
  return (
    <div className="dialog-backdrop" role="presentation">
      <div className="dialog card" role="dialog" aria-modal="true" aria-labelledby="lane-details-title" data-testid="lane-details">
        <h2 id="lane-details-title">{t('lane.details.title')}</h2>
        <dl className="lane-facts">
          <dt>{t('lane.details.role')}</dt>
          <dd>{t(`lane.role.${status.role}`)}</dd>
          <dt>{t('lane.details.barrier')}</dt>
          <dd data-testid="lane-barrier">{status.barrier === 'UP' ? t('lane.barrier.up') : t('lane.barrier.down')}{status.commandPending ? ` · ${t('lane.details.commandPending')}` : ''}</dd>
          <dt>{t('lane.details.arming')}</dt>
          <dd>{yes(status.loops?.arming)}</dd>
          <dt>{t('lane.details.safety')}</dt>
          <dd>{yes(status.loops?.safety)}</dd>
          <dt>{t('lane.details.waiting')}</dt>
          <dd data-testid="lane-waiting">{status.pending.length}</dd>
          <dt>{t('lane.details.today')}</dt>
          <dd>{t('lane.details.counts', { passes: status.today.passes, unmatched: status.today.unmatchedPasses, openings: status.today.openings })}</dd>
        </dl>
        {status.loopMismatch && <p className="banner-warn" role="status">{t('lane.details.mismatch')}</p>}
        <h3>{t('lane.details.devices')}</h3>
        <ul className="lane-devices" data-testid="lane-devices">
          {status.devices.length === 0 && <li>{t('lane.pill.none')}</li>}
          {status.devices.map((d) => (
            <li key={d.device} data-state={d.state}>
              {t(`lane.device.${d.device}`)} · {d.driver} · {t(`lane.deviceState.${d.state}`)}{d.detail ? ` · ${d.detail}` : ''}
            </li>
          ))}
        </ul>
        <h3>{t('lane.details.occupancy')}</h3>
        <ul className="lane-occupancy">
          {status.occupancy.map((z) => (
            <li key={z.zoneId} data-full={z.full}>{z.zoneName}: {z.full ? t('lane.full') : t('lane.freeSpaces', { count: z.free })}</li>
          ))}
        </ul>
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" disabled={!status.configured} onClick={() => setManual(true)} data-testid="lane-manual-open">
            {t('lane.manual.open')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onClose}>{t('lane.close')}</button>
        </div>
      </div>
    </div>
  );
}
