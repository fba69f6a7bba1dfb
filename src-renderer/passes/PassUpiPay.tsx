/**
 * UPI for a pass: the QR and the payment's state as the central server reports it (asked every
 * 2 s). The pass is shown only once the core made it on the verified payment; failed or ended,
 * nothing was made and the cashier tries again or takes cash.
 */
import { useEffect, useRef, useState } from 'react';
import type { PassUpiAttempt } from '../../src-shared/contracts/pass-upi.js';
import type { PassSaleResult } from '../../src-shared/contracts/passes.js';
import { call } from '../api/client.js';
import { QrImage } from '../components/QrImage.js';
import { errorText, useT } from '../i18n/index.js';
import { formatCountdown, formatINR } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { kioskNow } from '../stores/connectivity.js';

const POLL_MS = 2000;

interface Props {
  attempt: PassUpiAttempt;
  onSold(sale: PassSaleResult): void;
  onCash(): void;
  onRetry(): void;
}

export function PassUpiPay({ attempt: first, onSold, onCash, onRetry }: Props) {
  const t = useT();
  const [attempt, setAttempt] = useState(first);
  const [now, setNow] = useState(() => kioskNow());
  const cancelling = useApiAction();
  const done = useRef(false);
  const soldRef = useRef(onSold);
  soldRef.current = onSold;
  useEffect(() => {
    done.current = false; // (again after StrictMode's trial unmount)
    return () => {
      done.current = true;
    };
  }, []);

  useEffect(() => {
    if (attempt.status !== 'PENDING' || attempt.reviewReason) return;
    const poll = setInterval(() => {
      call('passes.upiStatus', { paymentId: attempt.paymentId }).then((a) => {
        if (done.current) return;
        if (a.status === 'SUCCESS' && a.sale) {
          done.current = true;
          sounds.success();
          soldRef.current(a.sale);
          return;
        }
        setAttempt(a);
      }).catch(() => undefined);
    }, POLL_MS);
    const tick = setInterval(() => setNow(kioskNow()), 500);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [attempt.status, attempt.reviewReason, attempt.paymentId]);

  const toCash = () => cancelling.run(async () => {
    if (attempt.status === 'PENDING') await call('passes.upiCancel', { paymentId: attempt.paymentId });
    done.current = true;
    onCash();
  });

  const pending = attempt.status === 'PENDING' && !attempt.reviewReason;
  const left = attempt.expiresAt ? Date.parse(attempt.expiresAt) - now : null;
  return (
    <section className="pay-body" aria-labelledby="pass-upi-title" data-testid="pass-upi">
      <h2 id="pass-upi-title" className="card-title">{t('passes.upiTitle', { amount: formatINR(attempt.amountPaise) })}</h2>
      <div className="online-grid">
        {attempt.upiUri && pending && <QrImage text={attempt.upiUri} alt={t('passes.upiQrAlt')} size={220} className="upi-qr" />}
        <div>
          <p className={`pay-status pay-status-${attempt.status.toLowerCase()}`} role="status" data-testid="pass-upi-status" data-status={attempt.status}>
            {t(`passes.upi.${attempt.status}`)}
          </p>
          {pending && attempt.statusUnknown && <p className="notice notice-warn">{t('passes.upiUnknown')}</p>}
          {attempt.reviewReason && <p className="notice notice-warn" role="alert">{t('passes.upiReview', { reason: attempt.reviewReason })}</p>}
          {pending && left !== null && <p className="countdown">{t('exit.expiresIn', { time: formatCountdown(left) })}</p>}
        </div>
      </div>
      {cancelling.error !== null && <p className="notice notice-error" role="alert">{errorText(t, cancelling.error)}</p>}
      <div className="pay-actions pay-foot">
        {!pending && !attempt.reviewReason && <button type="button" className="btn btn-online btn-lg" onClick={onRetry}>{t('common.retry')}</button>}
        <button type="button" className="btn btn-cash btn-lg" disabled={cancelling.busy} onClick={() => void toCash()}>{t('passes.upiToCash')}</button>
      </div>
    </section>
  );
}
