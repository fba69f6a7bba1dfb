/** The two ways to pay what is due, and the way out when this is not the driver's car. */
import type { Dispatch } from 'react';
import { call, isApiError } from '../../api/client.js';
import { errorText, serverDetail, useT } from '../../i18n/index.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { useConnectivity } from '../../stores/connectivity.js';
import { useShift } from '../../stores/shift.js';
import type { Billing, ExitAction } from './flow.js';

interface QuotePanelProps {
  billing: Billing;
  dispatch: Dispatch<ExitAction>;
  cashier: boolean;
  /** Why the last online payment could not start (shown until the next quote). */
  onlineBlocked: string | null;
  setOnlineBlocked(reason: string | null): void;
  /** Drop the quote (wrong car, driver left the lane): the session is as it was before it. */
  onCancel(): void;
}

export function QuotePanel({ billing, dispatch, cashier, onlineBlocked, setOnlineBlocked, onCancel }: QuotePanelProps) {
  const t = useT();
  const online = useConnectivity((s) => s.online && s.reachable !== false);
  const starting = useApiAction();
  const shiftOpen = useShift((s) => s.shift !== null);
  const offlineReason = !online ? t('exit.kioskOffline') : onlineBlocked;

  const startOnline = () => starting.run(async () => {
    const payment = await call('gate.startOnlinePayment', { sessionId: billing.quote.sessionId });
    dispatch({ type: 'onlinePayment', payment });
  }, (error) => {
    if (isApiError(error) && error.code === 'OFFLINE') setOnlineBlocked(serverDetail(error) ?? t('exit.kioskOffline'));
    else setOnlineBlocked(errorText(t, error));
  });

  return (
    <div className="pay-body">
      {cashier ? (
        <div className="pay-actions pay-methods" role="group" aria-label={t('exit.payWith')}>
          <button type="button" className="btn btn-cash btn-xl" disabled={!shiftOpen} onClick={() => dispatch({ type: 'cashOpened' })} aria-describedby={shiftOpen ? undefined : 'cash-unavailable'}>
            ₹ {t('exit.payCash')}
          </button>
          <button type="button" className="btn btn-online btn-xl" disabled={Boolean(offlineReason) || starting.busy} onClick={() => void startOnline()} aria-describedby={offlineReason ? 'online-unavailable' : undefined}>
            {t('exit.payOnline')}
          </button>
          {!shiftOpen && (
            <p id="cash-unavailable" className="notice notice-warn" data-testid="shift-needed">
              {t('shift.needed')}
            </p>
          )}
          {offlineReason && (
            <p id="online-unavailable" className="notice notice-warn" data-testid="online-unavailable">
              {t('exit.onlineUnavailable', { reason: offlineReason })}
            </p>
          )}
        </div>
      ) : (
        <p className="notice notice-warn" role="status" data-testid="needs-cashier">
          {t('exit.needsCashier')}
        </p>
      )}
      <div className="pay-foot">
        <button type="button" className="btn btn-secondary btn-lg" onClick={onCancel} data-testid="cancel-quote">
          {t('exit.cancelQuote')}
        </button>
      </div>
    </div>
  );
}
