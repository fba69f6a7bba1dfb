/** The car being billed: vehicle, zone and slot, entry, duration and the parts of the fee. */
import { useT } from '../../i18n/index.js';
import { formatDateTime, formatDuration, formatINR } from '../../lib/format.js';
import { useLanguage } from '../../stores/language.js';
import type { Billing } from './flow.js';

export function QuoteFacts({ billing }: { billing: Billing }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { quote, session, lost } = billing;
  return (
    <section className="card exit-facts" data-testid="quote" aria-labelledby="quote-title">
      <h2 id="quote-title" className="card-title">
        {t('exit.quoteTitle')}
        {lost && <span className="tag tag-warn">{t('exit.lostNote')}</span>}
      </h2>
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
    </section>
  );
}
