import type { Session } from '../../src-shared/contracts/entities.js';
import { useT } from '../i18n/index.js';
import { formatDateTime, formatTicketNumber } from '../lib/format.js';
import { useLanguage } from '../stores/language.js';
import { QrImage } from './QrImage.js';
import { TicketPrintStatus, useTicketPrint } from './TicketPrintStatus.js';

/** The printable ticket: QR of the session's code, slot, zone, vehicle, entry time. */
export function TicketView({ session, onDone }: { session: Session; onDone(): void }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const printing = useTicketPrint(session.id);
  return (
    <section className="ticket-panel" aria-labelledby="ticket-title">
      <div className="ticket print-area" data-testid="ticket">
        <div className="ticket-head">
          <span className="ticket-brand">{t('app.name')}</span>
          <h2 id="ticket-title">{t('ticket.title')}</h2>
        </div>
        <div className="ticket-slot">
          <span className="ticket-slot-label">{t('ticket.slot')}</span>
          <span className="ticket-slot-value" data-testid="ticket-slot">{session.slotNumber}</span>
        </div>
        {session.ticketNumber && (
          <div className="ticket-number">
            <span className="ticket-number-label">{t('ticket.number')}</span>
            <span className="ticket-number-value" data-testid="ticket-number">{formatTicketNumber(session.ticketNumber)}</span>
          </div>
        )}
        <QrImage text={session.code} alt={t('ticket.qrAlt')} size={240} className="ticket-qr" />
        <dl className="ticket-facts">
          <dt>{t('ticket.vehicle')}</dt>
          <dd data-testid="ticket-vehicle">{session.vehicleNumber}</dd>
          <dt>{t('ticket.zone')}</dt>
          <dd>{session.zoneName}</dd>
          <dt>{t('ticket.entry')}</dt>
          <dd>{formatDateTime(session.entryAt ?? session.bookedAt, lang)}</dd>
        </dl>
        <p className="ticket-keep">{t('ticket.keep')}</p>
        <p className="ticket-code" aria-label={t('ticket.code')} data-testid="ticket-code">{session.code}</p>
      </div>
      <div className="no-print">
        <TicketPrintStatus state={printing} />
      </div>
      <div className="ticket-actions no-print">
        {/* The browser's print dialog only where the lane has no receipt printer (or the core cannot say). */}
        {printing.configured !== true && (
          <button type="button" className="btn btn-primary btn-lg" onClick={() => window.print()}>
            {t('ticket.print')}
          </button>
        )}
        <button type="button" className="btn btn-secondary btn-lg" onClick={onDone}>
          {t('ticket.done')}
        </button>
      </div>
    </section>
  );
}
