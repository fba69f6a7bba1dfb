import { useEffect, useState, type FormEvent } from 'react';
import type { DenominationCounts } from '../../src-shared/contracts/cash-count.js';
import type { Shift } from '../../src-shared/contracts/entities.js';
import { errorText, useT } from '../i18n/index.js';
import { formatDateTime, formatINR } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useLanguage } from '../stores/language.js';
import { useShift } from '../stores/shift.js';
import { DenominationCounter } from './DenominationCounter.js';
import { TextField } from './Field.js';

/**
 * Open / close the cashier's drawer, both counted by note and coin on the touch keypad. Closing
 * is a blind count: the expected figure comes after.
 */
export function ShiftCard() {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { shift, loaded, load, open, close } = useShift();
  const [counts, setCounts] = useState<DenominationCounts>({});
  const [note, setNote] = useState('');
  const [closing, setClosing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [closed, setClosed] = useState<Shift | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (e: FormEvent, fn: () => Promise<void>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fn();
      sounds.success();
      setCounts({});
      setNote('');
    } catch (err) {
      sounds.failure();
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!loaded) return null;
  return (
    <section className="card shift-card" aria-labelledby="shift-title" data-testid="shift-card" data-open={Boolean(shift)}>
      <h2 id="shift-title" className="card-title">{t('shift.title')}</h2>
      {closed && !shift && (
        <p className="notice notice-ok" role="status">
          {t('shift.closedResult', {
            expected: formatINR(closed.expectedPaise ?? 0),
            counted: formatINR(closed.countedPaise ?? 0),
            difference: formatINR(closed.differencePaise ?? 0),
          })}
        </p>
      )}
      {shift ? (
        closing ? (
          <form className="shift-form" onSubmit={(e) =>
              void run(e, async () => {
                setClosed(await close({ countedCounts: counts }, note.trim() || undefined));
                setClosing(false);
              })
            }>
            <DenominationCounter label={t('cash.countTitle')} counts={counts} onCounts={setCounts} disabled={busy} testId="shift-count" />
            <TextField label={t('shift.note')} value={note} onValue={setNote} autoComplete="off" />
            <div className="form-row shift-actions">
              <button type="submit" className="btn btn-danger" disabled={busy}>{t('shift.close')}</button>
              <button type="button" className="btn btn-secondary" onClick={() => setClosing(false)}>{t('common.cancel')}</button>
            </div>
          </form>
        ) : (
          <div className="form-row shift-row">
            <span className="shift-status">
              <span className="ready-dot" aria-hidden="true" /> {t('shift.openSince', { time: formatDateTime(shift.openedAt, lang), amount: formatINR(shift.openingFloatPaise) })}
            </span>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => { setClosing(true); setClosed(null); setCounts({}); }}>{t('shift.close')}</button>
          </div>
        )
      ) : (
        <form className="shift-form" onSubmit={(e) => void run(e, async () => { setClosed(null); await open({ floatCounts: counts }); })}>
          <p className="muted shift-none">{t('shift.none')}</p>
          <DenominationCounter label={t('cash.floatTitle')} counts={counts} onCounts={setCounts} disabled={busy} testId="shift-float">
            <button type="submit" className="btn btn-primary" disabled={busy}>{t('shift.open')}</button>
          </DenominationCounter>
        </form>
      )}
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
    </section>
  );
}
