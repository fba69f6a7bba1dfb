/**
 * Supervisor → "Payments review": online payments flagged for a decision (paid after the attempt
 * ended, or not matching what was asked). Accept keeps the money; refund returns it through the
 * gateway. Both need the central server; the reason is required and recorded.
 */
import { useCallback, useEffect, useState } from 'react';
import type { FlaggedPayment, FlaggedPaymentList } from '../../src-shared/contracts/api.js';
import { call } from '../api/client.js';
import { TextField } from '../components/Field.js';
import { errorText, serverDetail, useT, type MessageKey, type Translate } from '../i18n/index.js';
import { en } from '../i18n/en.js';
import { useKioskEvent } from '../lib/events.js';
import { formatDateTime, formatINR } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useLanguage } from '../stores/language.js';

function reasonText(t: Translate, reason: string): string {
  const key = `flagged.why.${reason}` as MessageKey;
  if (key in en) return t(key);
  return reason.startsWith('paid after') ? t('flagged.why.LATE_PAYMENT') : reason;
}

export function FlaggedPaymentsPanel() {
  const t = useT();
  const [list, setList] = useState<FlaggedPaymentList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setList(await call('payments.flagged', {}));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useKioskEvent((e) => {
    if (e.type === 'payment.changed') void load();
  });

  return (
    <section className="card" aria-label={t('sup.flagged')}>
      <p className="muted">{t('flagged.intro')}</p>
      {list && !list.serverReachable && <p className="notice notice-warn" role="status">{t('flagged.offline')}</p>}
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
      {done && <p className="notice notice-ok" role="status">{done}</p>}
      {list && list.items.length === 0 && <p className="muted" data-testid="flagged-empty" data-main-action>{t('flagged.none')}</p>}
      <ul className="flagged-list" data-testid="flagged-list">
        {list?.items.map((item, i) => (
          <FlaggedRow
            key={item.payment.id}
            item={item}
            first={i === 0}
            canDecide={list.serverReachable}
            onDone={(text) => {
              setDone(text);
              void load();
            }}
          />
        ))}
      </ul>
    </section>
  );
}

function FlaggedRow({ item, first, canDecide, onDone }: { item: FlaggedPayment; first: boolean; canDecide: boolean; onDone(text: string): void }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const p = item.payment;
  const who = item.vehicleNumber ?? t('common.none');

  const decide = async (action: 'accept' | 'refund') => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('payments.resolveFlagged', { paymentId: p.id, action, reason: reason.trim() });
      sounds.success();
      onDone(action === 'accept'
        ? t('flagged.accepted', { vehicle: who, amount: formatINR(p.amountPaise) })
        : t('flagged.refunded', { vehicle: who, amount: formatINR(r.refundedPaise) }));
    } catch (e) {
      sounds.failure();
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const ready = canDecide && item.resolvable && reason.trim().length >= 3 && !busy;
  return (
    <li className="flagged-item" data-testid={`flagged-${p.id}`}>
      <p className="facts-strong">
        {who} · {formatINR(p.amountPaise)} · {p.gateway ?? t('common.none')}{' '}
        <span className="tag tag-warn">{reasonText(t, item.reviewReason)}</span>{' '}
        {item.source === 'parker' && <span className="tag">{t('flagged.parker')}</span>}{' '}
        {item.localOnly && <span className="tag">{t('flagged.localOnly')}</span>}
      </p>
      <p className="muted">
        {t('flagged.paidAt', { time: formatDateTime(p.completedAt ?? p.createdAt, lang) })} · {t('flagged.ref', { ref: p.gatewayRef ?? t('common.none') })}
      </p>
      {item.car && (
        <p className="facts" data-testid={`flagged-car-${p.id}`}>
          {item.car.inside ? t('flagged.carInside') : t('flagged.carLeft', { time: formatDateTime(item.car.exitAt, lang) })}
          {item.car.otherPayments.map((o) => (
            <span key={o.id} className="tag tag-warn">
              {t(o.method === 'CASH' ? 'flagged.alsoCash' : 'flagged.alsoOnline', { amount: formatINR(o.amountPaise) })}
            </span>
          ))}
        </p>
      )}
      {!item.resolvable ? (
        <p className="muted">{t('flagged.notCaptured')}</p>
      ) : (
        <div className="inline-form">
          <TextField label={t('flagged.reasonFor', { vehicle: who })} value={reason} onValue={setReason} autoComplete="off" />
          <button type="button" className="btn btn-primary" disabled={!ready} onClick={() => void decide('accept')} data-main-action={first || undefined}>
            {t('flagged.accept')}
          </button>
          <button type="button" className="btn btn-danger" disabled={!ready} onClick={() => void decide('refund')}>
            {t('flagged.refund', { amount: formatINR(p.amountPaise) })}
          </button>
        </div>
      )}
      {error !== null && (
        <div className="notice notice-error" role="alert">
          {errorText(t, error)} {serverDetail(error) && <small>({serverDetail(error)})</small>}
        </div>
      )}
    </li>
  );
}
