/** What the driver owes and the two ways to pay it. */
import type { Dispatch } from 'react';
import { call, isApiError } from '../../api/client.js';
import { BuyerGstinForm } from '../../components/BuyerGstinForm.js';
import { errorText, serverDetail, useT } from '../../i18n/index.js';
import { formatDateTime, formatDuration, formatINR } from '../../lib/format.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { useConnectivity } from '../../stores/connectivity.js';
import { useLanguage } from '../../stores/language.js';
import { useShift } from '../../stores/shift.js';
import type { Billing, ExitAction, OpenGate } from './flow.js';
import { ValidationPanel } from '../../components/validations/ValidationPanel.js';

function QuoteFacts({ billing }: { billing: Billing }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { quote, session, lost } = billing;
  return (
    <div className="quote" data-testid="quote">
      <dl className="facts">
        {session && (
          <>
            <dt>{t('exit.vehicle')}</dt>
            <dd className="facts-strong" data-testid="quote-vehicle">{session.vehicleNumber}</dd>
          </>
        )}
        <dt>{t('exit.zoneSlot')}</dt>
        <dd>
          {session?.zoneName ?? '—'} / {quote.slotNumber}
        </dd>
        <dt>{t('exit.entered')}</dt>
        <dd>{formatDateTime(quote.entryAt, lang)}</dd>
        <dt>{t('exit.duration')}</dt>
        <dd data-testid="quote-duration">{formatDuration(quote.durationSeconds, t)}</dd>
        <dt>{t('exit.billable')}</dt>
        <dd data-testid="quote-hours">{quote.billableHours}</dd>
        <dt>{t('exit.fee')}</dt>
        <dd>{formatINR(quote.feePaise ?? quote.amountDuePaise)}</dd>
        {(lost || (quote.lostTicketFeePaise ?? 0) > 0) && (
          <>
            <dt>{t('exit.lostFee')}</dt>
            <dd>{formatINR(quote.lostTicketFeePaise ?? 0)}</dd>
          </>
        )}
        {(quote.amountPaidPaise ?? 0) > 0 && (
          <>
            <dt>{t('exit.alreadyPaid')}</dt>
            <dd>{formatINR(quote.amountPaidPaise)}</dd>
          </>
        )}
      </dl>
      <div className="amount-due">
        <span className="amount-due-label">{t('exit.amountDue')}</span>
        <span className="amount-due-value" data-testid="amount-due">{formatINR(quote.amountDuePaise)}</span>
      </div>
    </div>
  );
}

interface QuotePanelProps {
  billing: Billing;
  dispatch: Dispatch<ExitAction>;
  cashier: boolean;
  /** Why the last online payment could not start (shown until the next quote). */
  onlineBlocked: string | null;
  setOnlineBlocked(reason: string | null): void;
  openGate?: OpenGate;
}

export function QuotePanel({ billing, dispatch, cashier, onlineBlocked, setOnlineBlocked, openGate }: QuotePanelProps) {
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
    <section className="card pay-card" aria-labelledby="quote-title">
      <h2 id="quote-title" className="card-title">
        {t('exit.quoteTitle')}
        {billing.lost && <span className="tag tag-warn">{t('exit.lostNote')}</span>}
      </h2>
      <QuoteFacts billing={billing} />
      {cashier && <BuyerGstinForm sessionId={billing.quote.sessionId} />}
      {cashier ? (
        <div className="pay-actions" role="group" aria-label={t('exit.payWith')}>
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
          {openGate && <ValidationPanel billing={billing} dispatch={dispatch} openGate={openGate} />}
        </div>
      ) : (
        <p className="notice notice-warn" role="status" data-testid="needs-cashier">
          {t('exit.needsCashier')}
        </p>
      )}
    </section>
  );
}
