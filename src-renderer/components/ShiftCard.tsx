import { useEffect, useState, type FormEvent } from 'react';
import type { Shift } from '../../src-shared/contracts/entities.js';
import { errorText, useT } from '../i18n/index.js';
import { formatDateTime, formatINR, rupeesToPaise } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useLanguage } from '../stores/language.js';
import { useShift } from '../stores/shift.js';
import { TextField } from './Field.js';

/** Open / close the cashier's drawer. Closing is a blind count: the expected figure comes after. */
export function ShiftCard() {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { shift, loaded, load, open, close } = useShift();
  const [amount, setAmount] = useState('');
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
      setAmount('');
      setNote('');
    } catch (err) {
      sounds.failure();
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const paise = rupeesToPaise(amount || '0');
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
          <form className="inline-form" onSubmit={(e) =>
              void run(e, async () => {
                setClosed(await close(paise ?? 0, note.trim() || undefined));
                setClosing(false);
              })
            }>
            <TextField label={t('shift.counted')} value={amount} onValue={(v) => setAmount(v.replace(/[^\d.]/g, ''))} inputMode="decimal" autoComplete="off" />
            <TextField label={t('shift.note')} value={note} onValue={setNote} autoComplete="off" />
            <button type="submit" className="btn btn-danger" disabled={busy || paise === null || amount === ''}>{t('shift.close')}</button>
            <button type="button" className="btn btn-secondary" onClick={() => setClosing(false)}>{t('common.cancel')}</button>
          </form>
        ) : (
          <div className="form-row shift-row">
            <span className="shift-status">
              <span className="ready-dot" aria-hidden="true" /> {t('shift.openSince', { time: formatDateTime(shift.openedAt, lang), amount: formatINR(shift.openingFloatPaise) })}
            </span>
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => { setClosing(true); setClosed(null); }}>{t('shift.close')}</button>
          </div>
        )
      ) : (
        <form className="inline-form" onSubmit={(e) => void run(e, async () => { setClosed(null); await open(paise ?? 0); })}>
          <TextField label={t('shift.float')} value={amount} onValue={(v) => setAmount(v.replace(/[^\d.]/g, ''))} inputMode="decimal" autoComplete="off" hint={t('shift.none')} />
          <button type="submit" className="btn btn-primary" disabled={busy || paise === null}>{t('shift.open')}</button>
        </form>
      )}
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
    </section>
  );
}
