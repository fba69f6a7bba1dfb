/** Supervisor: what this kiosk's lane is for (settings.laneRole), which decides where operators land after logging in. */
import { useEffect, useState } from 'react';
import { LANE_ROLES, type LaneRole } from '../../src-shared/contracts/lane-role.js';
import { call } from '../api/client.js';
import { errorText, useT } from '../i18n/index.js';
import { useApiAction } from '../lib/use-api-action.js';

export function LaneRoleSetting() {
  const t = useT();
  const [role, setRole] = useState<LaneRole | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useApiAction();
  useEffect(() => {
    void call('settings.get', {}).then((s) => setRole(s.laneRole)).catch(() => setRole('BOTH'));
  }, []);
  const choose = (next: LaneRole) => run(async () => {
    setSaved(false);
    const s = await call('settings.update', { laneRole: next });
    setRole(s.laneRole);
    setSaved(true);
  });
  if (role === null) return null;
  return (
    <section className="card" aria-labelledby="lane-role-title" data-testid="lane-role">
      <h2 id="lane-role-title" className="card-title">{t('laneRole.title')}</h2>
      <p className="muted">{t('laneRole.hint')}</p>
      <div data-main-action className="zone-options" role="radiogroup" aria-labelledby="lane-role-title">
        {LANE_ROLES.map((r) => (
          <label key={r} className={`zone-option ${role === r ? 'is-selected' : ''}`}>
            <input type="radio" name="lane-role" checked={role === r} disabled={busy} onChange={() => void choose(r)} />
            <span className="zone-option-name">{t(`laneRole.${r}`)}</span>
          </label>
        ))}
      </div>
      {saved && <p className="saved" role="status">{t('laneRole.saved')}</p>}
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
    </section>
  );
}
