/**
 * UPI while the central server may be gone: "payment status unknown" (the last status check could
 * not reach the server, or sync lost it), the UPI reference to compare with the driver's phone,
 * "check status", and the switch to cash. Switching while the payment is still open warns first
 * and cancels the UPI attempt (payments.cancel, queued when offline): money that still arrives is
 * flagged for a supervisor to refund or accept (Supervisor > Payments review), never kept silently.
 */
import { useState } from 'react';
import type { Payment } from '../../../src-shared/contracts/entities.js';
import { call } from '../../api/client.js';
import { errorText, useT } from '../../i18n/index.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { useConnectivity } from '../../stores/connectivity.js';

interface Props {
  payment: Payment;
  onCheck(): Promise<void>;
  onCash(): void;
}

export function UpiFallback({ payment, onCheck, onCash }: Props) {
  const t = useT();
  const serverLost = useConnectivity((s) => !s.standalone && (s.reachable === false || !s.online));
  const [confirming, setConfirming] = useState(false);
  const action = useApiAction();
  const pending = payment.status === 'PENDING';
  const unknown = pending && (payment.statusUnknown === true || serverLost);

  const takeCash = () => {
    if (!pending) return onCash();
    if (!confirming) return setConfirming(true);
    void action.run(async () => {
      await call('payments.cancel', { paymentId: payment.id });
      onCash();
    });
  };

  return (
    <div data-testid="upi-fallback" data-unknown={unknown}>
      {unknown && (
        <div className="notice notice-warn" role="alert" data-testid="upi-unknown">
          <strong>{t('desk.upi.unknownTitle')}</strong>
          <p>{t('desk.upi.unknownText')}</p>
        </div>
      )}
      {payment.gatewayRef && <p className="code-text" data-testid="upi-ref">{t('desk.upi.ref', { ref: payment.gatewayRef })}</p>}
      {confirming && <p className="notice notice-warn" role="alert" data-testid="upi-cash-warning">{t('desk.upi.cashWarn')}</p>}
      {action.error !== null && <div className="notice notice-error" role="alert">{errorText(t, action.error)}</div>}
      <div className="pay-actions">
        {pending && (
          <button type="button" className="btn btn-secondary btn-lg" disabled={action.busy} onClick={() => void action.run(onCheck)}>
            {t('desk.upi.check')}
          </button>
        )}
        <button type="button" className="btn btn-cash btn-lg" disabled={action.busy} onClick={takeCash}>
          {confirming ? t('desk.upi.cashConfirm') : t('exit.switchCash')}
        </button>
      </div>
    </div>
  );
}
