/** An online (UPI) payment: the QR, its status as the server reports it, and the way back to cash. */
import { useCallback, useEffect, useRef, useState, type Dispatch } from 'react';
import type { Payment } from '../../../src-shared/contracts/entities.js';
import { call } from '../../api/client.js';
import { QrImage } from '../../components/QrImage.js';
import { UpiFallback } from '../../components/desk/UpiFallback.js';
import { useT } from '../../i18n/index.js';
import { useKioskEvent } from '../../lib/events.js';
import { formatCountdown } from '../../lib/format.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { kioskNow } from '../../stores/connectivity.js';
import type { Billing, ExitAction, OpenGate } from './flow.js';

const POLL_MS = 2000;

interface OnlinePanelProps {
  billing: Billing;
  payment: Payment;
  dispatch: Dispatch<ExitAction>;
  openGate: OpenGate;
}

export function OnlinePanel({ billing, payment, dispatch, openGate }: OnlinePanelProps) {
  const t = useT();
  const [now, setNow] = useState(() => kioskNow());
  const retrying = useApiAction();
  const done = useRef(false);
  const paymentRef = useRef(payment);
  paymentRef.current = payment;
  // A status check still in flight when the cashier switched to cash must not pull the screen back.
  // Set again on (re)mount: StrictMode's trial unmount runs the clean-up once before the real mount.
  useEffect(() => {
    done.current = false;
    return () => {
      done.current = true;
    };
  }, []);

  const update = useCallback(
    (p: Payment) => {
      if (done.current) return;
      if (p.status === 'SUCCESS') {
        done.current = true;
        void openGate(p.sessionId, 'PAID', p.amountPaise);
        return;
      }
      dispatch({ type: 'onlinePayment', payment: p });
    },
    [openGate, dispatch],
  );

  const refresh = useCallback(async () => {
    try {
      update(await call('payments.get', { paymentId: paymentRef.current.id }));
    } catch {
      /* keep polling; connectivity is shown in the header */
    }
  }, [update]);

  useEffect(() => {
    if (payment.status !== 'PENDING') return;
    const poll = setInterval(() => void refresh(), POLL_MS);
    const tick = setInterval(() => setNow(kioskNow()), 500);
    return () => {
      clearInterval(poll);
      clearInterval(tick);
    };
  }, [payment.status, refresh]);

  useKioskEvent((e) => {
    if (e.type === 'payment.changed' && e.paymentId === paymentRef.current.id) void refresh();
  });

  const retry = () => retrying.run(async () => {
    const p = await call('gate.startOnlinePayment', { sessionId: billing.quote.sessionId });
    done.current = false;
    dispatch({ type: 'onlinePayment', payment: p });
  }, (error) => dispatch({ type: 'failed', error }));

  const left = payment.expiresAt ? Date.parse(payment.expiresAt) - now : null;
  const pending = payment.status === 'PENDING';
  return (
    <section className="pay-body" aria-labelledby="online-title">
      <h2 id="online-title" className="card-title">{t('exit.onlineTitle')}</h2>
      <div className="online-grid">
        {payment.upiUri && pending && <QrImage text={payment.upiUri} alt={t('exit.upiQrAlt')} size={220} className="upi-qr" />}
        <div>
          <p className={`pay-status pay-status-${payment.status.toLowerCase()}`} role="status" data-testid="payment-status" data-status={payment.status}>
            {t(`exit.pay.${payment.status}`)}
          </p>
          {pending && left !== null && (
            <p className="countdown" data-testid="countdown">
              {t('exit.expiresIn', { time: formatCountdown(left) })}
            </p>
          )}
        </div>
      </div>
      <div className="pay-actions pay-foot">
        {!pending && (
          <button type="button" className="btn btn-online btn-lg" disabled={retrying.busy} onClick={() => void retry()}>
            {t('common.retry')}
          </button>
        )}
      </div>
      <UpiFallback payment={payment} onCheck={refresh} onCash={() => dispatch({ type: 'cashOpened' })} />
    </section>
  );
}
