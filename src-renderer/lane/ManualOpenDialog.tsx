/**
 * Manual opening: the supervisor types their own username and PIN (checked by the core, whoever is
 * logged in), picks a reason (free text for Other); the kiosk camera's still frame goes with it.
 */
import { useState } from 'react';
import { OTHER_REASON } from '../../src-shared/contracts/lane.js';
import { call, isApiError } from '../api/client.js';
import { errorText, useT } from '../i18n/index.js';
import { en } from '../i18n/en.js';
import { useApiAction } from '../lib/use-api-action.js';
import { captureStill } from './camera-still.js';

export function ManualOpenDialog({ reasons, onClose }: { reasons: string[]; onClose(): void }) {
  const t = useT();
  const [username, setUsername] = useState('');
  const [pin, setPin] = useState('');
  const [reason, setReason] = useState('');
  const [text, setText] = useState('');
  const opening = useApiAction();
  const [done, setDone] = useState(false);

  const label = (code: string) => {
    const key = `lane.reason.${code}`;
    return key in en ? t(key as keyof typeof en) : code;
  };

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const opened = await opening.run(async () => {
      const snapshot = await captureStill();
      return call('lane.manualOpen', {
        supervisorUsername: username, supervisorPin: pin, reasonCode: reason,
        ...(text.trim() ? { reasonText: text.trim() } : {}), ...(snapshot ? { snapshot } : {}),
      });
    }, () => setPin(''));
    if (opened) setDone(true);
  }

  // FORBIDDEN here is always the supervisor check (any operator may ask for a manual opening).
  const error = opening.error == null ? null : isApiError(opening.error) && opening.error.code === 'FORBIDDEN' ? t('lane.manual.refused') : errorText(t, opening.error);

  return (
    <div className="dialog-backdrop" role="presentation">
      <form className="dialog card" role="dialog" aria-modal="true" aria-labelledby="manual-open-title" onSubmit={(e) => void submit(e)} data-testid="manual-open">
        <h2 id="manual-open-title">{t('lane.manual.title')}</h2>
        {done ? (
          <p className="banner-ok" role="status" data-testid="manual-open-done">{t('lane.manual.done')}</p>
        ) : (
          <>
            <p className="muted">{t('lane.manual.hint')}</p>
            <label className="field">
              <span>{t('lane.manual.supervisor')}</span>
              <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" required data-testid="manual-supervisor" />
            </label>
            <label className="field">
              <span>{t('lane.manual.pin')}</span>
              <input type="password" inputMode="numeric" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" required data-testid="manual-pin" />
            </label>
            <label className="field">
              <span>{t('lane.manual.reason')}</span>
              <select value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="manual-reason">
                <option value="">{t('lane.manual.pick')}</option>
                {reasons.map((r) => <option key={r} value={r}>{label(r)}</option>)}
              </select>
            </label>
            {reason === OTHER_REASON && (
              <label className="field">
                <span>{t('lane.manual.otherText')}</span>
                <input value={text} onChange={(e) => setText(e.target.value)} required minLength={3} maxLength={500} data-testid="manual-text" />
              </label>
            )}
            {error && <p className="banner-error" role="alert" data-testid="manual-open-error">{error}</p>}
          </>
        )}
        <div className="dialog-actions">
          {!done && <button type="submit" className="btn btn-primary" disabled={opening.busy} aria-busy={opening.busy}>{t('lane.manual.submit')}</button>}
          <button type="button" className="btn btn-ghost" onClick={onClose}>{t('lane.close')}</button>
        </div>
      </form>
    </div>
  );
}
