/**
 * Cash shift screen: open with a float, record paid in / paid out with a reason, close
 * with a blind count (the expected figure appears only in the answer to the close), then the
 * printable Z report. Uses the shared shift store so the exit screen sees the same drawer.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Shift } from '../../src-shared/contracts/entities.js';
import type { DenominationCounts } from '../../src-shared/contracts/cash-count.js';
import { DenominationCounter, previewTotalPaise } from '../components/DenominationCounter.js';
import { DenominationTable } from '../components/DenominationTable.js';
import { call } from '../api/client.js';
import { SelectField, TextField } from '../components/Field.js';
import { errorText, useT } from '../i18n/index.js';
import { formatDateTime, formatINR, rupeesToPaise } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { useLanguage } from '../stores/language.js';
import { useShift } from '../stores/shift.js';

const money = (v: string) => v.replace(/[^\d.]/g, '');

export default function ShiftScreen() {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { shift, loaded, load, open, close } = useShift();
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const action = useApiAction();
  const busy = action.busy;
  const [float, setFloat] = useState<DenominationCounts>({});
  const [move, setMove] = useState({ kind: 'PAID_OUT' as 'PAID_IN' | 'PAID_OUT', amount: '', reason: '' });
  const [counted, setCounted] = useState<DenominationCounts>({});
  const [note, setNote] = useState('');
  const [closed, setClosed] = useState<{ shift: Shift; text: string } | null>(null);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (fn: () => Promise<void>, okText?: string) => {
    setMsg(null);
    const done = await action.run(async () => {
      await fn();
      return true;
    }, (e) => setMsg({ ok: false, text: errorText(t, e) }));
    if (!done) return;
    sounds.success();
    if (okText) setMsg({ ok: true, text: okText });
  };

  const movePaise = rupeesToPaise(move.amount);

  const submitOpen = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await open({ floatCounts: float });
      setClosed(null);
      setFloat({});
    }, t('shiftScreen.opened'));
  };

  const submitMove = (e: FormEvent) => {
    e.preventDefault();
    if (movePaise === null) return;
    void run(async () => {
      await call('shifts.cashMovement', { kind: move.kind, amountPaise: movePaise, reason: move.reason.trim() });
      setMove({ ...move, amount: '', reason: '' });
      await load();
    }, t('shiftScreen.recorded'));
  };

  /** On the lane printer when one is set up (the core queues it), else the browser's print of the report above. */
  const printZ = (shiftId: string) => {
    void call('print.status', {}).then(
      (p) => (p.configured ? run(async () => void (await call('print.zReport', { shiftId })), t('print.sent')) : window.print()),
      () => window.print(),
    );
  };

  const submitClose = (e: FormEvent) => {
    e.preventDefault();
    if (!window.confirm(t('shiftScreen.confirmClose', { amount: formatINR(previewTotalPaise(counted)) }))) return;
    void run(async () => {
      const result = await close({ countedCounts: counted }, note.trim() || undefined);
      const report = await call('shifts.report', { shiftId: result.id });
      setClosed({ shift: report.shift, text: report.text });
      setCounted({});
      setNote('');
    });
  };

  return (
    <div className="screen screen-shift">
      <h1 className="screen-title">{t('shiftScreen.title')}</h1>
      {msg && <p className={`notice ${msg.ok ? 'notice-ok' : 'notice-error'}`} role="status">{msg.text}</p>}

      {closed && (
        <section className="card" aria-labelledby="shift-result">
          <h2 id="shift-result" className="card-title">{t('shiftScreen.result')}</h2>
          <dl className="facts">
            <dt>{t('shiftScreen.expected')}</dt><dd>{formatINR(closed.shift.expectedPaise ?? 0)}</dd>
            <dt>{t('shiftScreen.counted')}</dt><dd>{formatINR(closed.shift.countedPaise ?? 0)}</dd>
            <dt>{t('shiftScreen.difference')}</dt><dd className="facts-strong">{formatINR(closed.shift.differencePaise ?? 0)}</dd>
            <dt>{t('shiftScreen.tolerance')}</dt><dd>{formatINR(closed.shift.tolerancePaise)}</dd>
            <dt>{t('shiftScreen.status')}</dt><dd>{t(`shiftScreen.status.${closed.shift.status}`)}</dd>
          </dl>
          <DenominationTable float={closed.shift.floatDenominations ?? null} counted={closed.shift.countedDenominations ?? null} />
          {closed.shift.status === 'NEEDS_APPROVAL' && <p className="notice notice-warn" role="alert">{t('shiftScreen.needsApproval')}</p>}
          <h3>{t('shiftScreen.zReport')}</h3>
          <pre className="z-report print-area" data-testid="z-report" style={{ fontFamily: 'monospace', whiteSpace: 'pre', overflowX: 'auto' }}>{closed.text}</pre>
          <button type="button" className="btn btn-secondary no-print" onClick={() => printZ(closed.shift.id)}>{t('shiftScreen.print')}</button>
        </section>
      )}

      {loaded && !shift && (
        <form className="card" onSubmit={submitOpen} aria-labelledby="shift-open">
          <h2 id="shift-open" className="card-title">{closed ? t('shiftScreen.newShift') : t('shiftScreen.open')}</h2>
          <p className="muted">{t('shiftScreen.none')}</p>
          <DenominationCounter label={t('cash.floatTitle')} counts={float} onCounts={setFloat} disabled={busy} testId="shift-float" />
          <button data-main-action type="submit" className="btn btn-primary btn-lg" disabled={busy}>{t('shiftScreen.open')}</button>
        </form>
      )}

      {shift && (
        <div className="shift-columns">
          <div className="shift-side">
          <section className="card" aria-labelledby="shift-now">
            <h2 id="shift-now" className="card-title">{t('shiftScreen.openSince', { time: formatDateTime(shift.openedAt, lang) })}</h2>
            <dl className="facts">
              <dt>{t('shiftScreen.float')}</dt><dd>{formatINR(shift.openingFloatPaise)}</dd>
              <dt>{t('shiftScreen.paidIn')}</dt><dd>{formatINR(shift.cashInPaise)}</dd>
              <dt>{t('shiftScreen.paidOut')}</dt><dd>{formatINR(shift.cashOutPaise)}</dd>
            </dl>
          </section>
          <form className="card" onSubmit={submitMove} aria-labelledby="shift-move">
            <h2 id="shift-move" className="card-title">{t('shiftScreen.movement')}</h2>
            <div className="form-grid">
              <SelectField
                label={t('shiftScreen.kind')}
                value={move.kind}
                onValue={(kind) => setMove({ ...move, kind: kind as 'PAID_IN' | 'PAID_OUT' })}
                options={[{ value: 'PAID_OUT', label: t('shiftScreen.paidOut') }, { value: 'PAID_IN', label: t('shiftScreen.paidIn') }]}
              />
              <TextField label={t('shiftScreen.amount')} value={move.amount} onValue={(v) => setMove({ ...move, amount: money(v) })} inputMode="decimal" autoComplete="off" />
              <TextField label={t('shiftScreen.reason')} value={move.reason} onValue={(reason) => setMove({ ...move, reason })} autoComplete="off" />
            </div>
            <button type="submit" className="btn btn-secondary" disabled={busy || !movePaise || move.reason.trim().length < 3}>{t('shiftScreen.record')}</button>
          </form>
          {/* The close form's note, beside it so its Close shift stays on screen. */}
          <section className="card">
            <TextField label={t('shiftScreen.note')} value={note} onValue={setNote} autoComplete="off" form="shift-close-form" />
          </section>
          </div>
          <form className="card" onSubmit={submitClose} aria-labelledby="shift-close" id="shift-close-form">
            <h2 id="shift-close" className="card-title">{t('shiftScreen.closeTitle')}</h2>
            <p className="muted">{t('shiftScreen.blindHint')}</p>
            <DenominationCounter label={t('cash.countTitle')} counts={counted} onCounts={setCounted} disabled={busy} testId="shift-count">
              <button data-main-action type="submit" className="btn btn-danger btn-lg" disabled={busy}>{t('shiftScreen.close')}</button>
            </DenominationCounter>
          </form>
        </div>
      )}
    </div>
  );
}
