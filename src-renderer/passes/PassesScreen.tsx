/**
 * Season passes at the cash desk: the list with status and expiry, those ending within 7 days,
 * selling and renewing for cash or UPI (the pass and its QR shown and printable after), and for a
 * supervisor the anti-passback reset of one pass or of all with a reason. The core checks every role.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { roleAtLeast } from '../../src-shared/contracts/roles.js';
import type { PassUpiAttempt } from '../../src-shared/contracts/pass-upi.js';
import type { PassApiResults, PassSaleResult, PassView } from '../../src-shared/contracts/passes.js';
import { call } from '../api/client.js';
import { CheckField, TextField } from '../components/Field.js';
import { errorText, useT } from '../i18n/index.js';
import { useApiAction } from '../lib/use-api-action.js';
import { kioskNow } from '../stores/connectivity.js';
import { useSession } from '../stores/session.js';
import { PassCard } from './PassCard.js';
import { PassCashPay } from './PassCashPay.js';
import { PassList } from './PassList.js';
import { PassOrderForm } from './PassOrderForm.js';
import { PassUpiPay } from './PassUpiPay.js';
import type { PassOrder } from './order.js';
import './passes.css';

type Pane =
  | { k: 'form'; renewing: PassView | null }
  | { k: 'cash'; order: PassOrder }
  | { k: 'upi'; order: PassOrder; attempt: PassUpiAttempt }
  | { k: 'done'; sale: PassSaleResult; renewal: boolean };

export function PassesScreen() {
  const t = useT();
  const role = useSession((s) => s.operator?.role ?? 'ATTENDANT');
  const supervisor = roleAtLeast(role, 'SUPERVISOR');
  const [passes, setPasses] = useState<PassView[]>([]);
  const [expiring, setExpiring] = useState<PassApiResults['passes.expiring']>([]);
  const [showEnded, setShowEnded] = useState(false);
  const [pane, setPane] = useState<Pane>({ k: 'form', renewing: null });
  const [formKey, setFormKey] = useState(0);
  const [note, setNote] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const action = useApiAction();

  const reload = useCallback(async () => {
    const [list, soon] = await Promise.all([call('passes.list', { includeExpired: showEnded }), call('passes.expiring', {})]);
    setPasses(list);
    setExpiring(soon);
  }, [showEnded]);
  useEffect(() => {
    void reload().catch(() => undefined);
  }, [reload]);

  const sold = (renewal: boolean) => (sale: PassSaleResult) => {
    setPane({ k: 'done', sale, renewal });
    void reload().catch(() => undefined);
  };

  const reset = (input: { passId: string } | { all: true; reason: string }) => void action.run(async () => {
    const r = await call('passes.reset', input);
    setNote(t('passes.resetDone', { count: r.reset }));
    setReason('');
    await reload();
  });
  const resetAll = (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length >= 3) reset({ all: true, reason: reason.trim() });
  };
  const newForm = (renewing: PassView | null) => {
    setFormKey((n) => n + 1);
    setPane({ k: 'form', renewing });
  };

  return (
    <div className="screen screen-passes">
      <div className="col col-scan">
        <h1 className="screen-title">{t('passes.title')}</h1>
        <section className="card" aria-labelledby="pass-expiring-title" data-testid="pass-expiring">
          <h2 id="pass-expiring-title" className="card-title">{t('passes.expiring')}</h2>
          {expiring.length === 0 ? (
            <p className="muted">{t('passes.expiringNone')}</p>
          ) : (
            <ul className="plain-list">
              {expiring.map((p) => (
                <li key={p.id}>
                  {p.holderName} · {p.plates.join(', ')} · <span className="tag tag-warn">{t('passes.daysLeft', { days: p.daysLeft })}</span>{' '}
                  <button type="button" className="btn btn-secondary btn-sm" onClick={() => newForm(p)}>{t('passes.renew')}</button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="pass-list-title">
          <h2 id="pass-list-title" className="card-title">{t('passes.list')}</h2>
          <CheckField label={t('passes.showEnded')} checked={showEnded} onChecked={setShowEnded} />
          <PassList passes={passes} nowMs={kioskNow()} supervisor={supervisor} busy={action.busy}
            onRenew={(p) => newForm(p)} onReset={(p) => reset({ passId: p.id })} />
        </section>
        {note && <p className="notice notice-ok" role="status" data-testid="pass-note">{note}</p>}
        {action.error !== null && <p className="notice notice-error" role="alert">{errorText(t, action.error)}</p>}
        {supervisor && (
          <section className="card" aria-labelledby="pass-reset-all-title">
            <h2 id="pass-reset-all-title" className="card-title">{t('passes.resetAllTitle')}</h2>
            <form className="inline-form" onSubmit={resetAll}>
              <TextField label={t('passes.resetReason')} value={reason} onValue={setReason} autoComplete="off" data-testid="pass-reset-reason" />
              <button type="submit" className="btn btn-danger" disabled={action.busy || reason.trim().length < 3} data-testid="pass-reset-all">{t('passes.resetAll')}</button>
            </form>
          </section>
        )}
      </div>
      <div className="col col-side">
        {pane.k === 'form' && (
          <PassOrderForm key={formKey} passes={passes} renewing={pane.renewing} onCancelRenew={() => newForm(null)}
            onCash={(order) => setPane({ k: 'cash', order })} onUpi={(order, attempt) => setPane({ k: 'upi', order, attempt })} />
        )}
        {pane.k === 'cash' && (
          <PassCashPay order={pane.order} onBack={() => setPane({ k: 'form', renewing: pane.order.kind === 'RENEWAL' ? pane.order.pass : null })}
            onSold={sold(pane.order.kind === 'RENEWAL')} />
        )}
        {pane.k === 'upi' && (
          <PassUpiPay key={pane.attempt.paymentId} attempt={pane.attempt} onSold={sold(pane.order.kind === 'RENEWAL')}
            onCash={() => setPane({ k: 'cash', order: pane.order })}
            onRetry={() => setPane({ k: 'form', renewing: pane.order.kind === 'RENEWAL' ? pane.order.pass : null })} />
        )}
        {pane.k === 'done' && <PassCard sale={pane.sale} renewal={pane.renewal} changePaise={pane.sale.changePaise} onDone={() => newForm(null)} />}
      </div>
    </div>
  );
}
