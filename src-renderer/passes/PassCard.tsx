/** The pass as sold: its QR and code, holder, vehicle and validity; printable like a ticket. */
import type { PassSaleResult } from '../../src-shared/contracts/passes.js';
import { QrImage } from '../components/QrImage.js';
import { useT } from '../i18n/index.js';
import { formatDateTime, formatINR } from '../lib/format.js';
import { useLanguage } from '../stores/language.js';

export function PassCard({ sale, renewal, changePaise, onDone }: { sale: PassSaleResult; renewal: boolean; changePaise: number; onDone(): void }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { pass } = sale;
  return (
    <section className="ticket-panel" aria-labelledby="pass-card-title" data-testid="pass-sold">
      <p className="notice notice-ok no-print" role="status">{renewal ? t('passes.renewedTitle') : t('passes.soldTitle')}</p>
      {changePaise > 0 && <p className="notice notice-warn no-print" data-testid="pass-change">{t('passes.changeGiven', { amount: formatINR(changePaise) })}</p>}
      <div className="ticket print-area" data-testid="pass-card">
        <div className="ticket-head">
          <span className="ticket-brand">{t('app.name')}</span>
          <h2 id="pass-card-title">{t('passes.card.title')} · {t(`passes.kind.${pass.kind}`)}</h2>
        </div>
        <QrImage text={sale.code} alt={t('passes.card.qrAlt')} size={220} className="ticket-qr" />
        <dl className="ticket-facts">
          <dt>{t('passes.card.holder')}</dt>
          <dd>{pass.holderName}</dd>
          <dt>{t('passes.card.vehicle')}</dt>
          <dd data-testid="pass-card-vehicle">{pass.plates.join(', ') || pass.cardId || '—'}</dd>
          <dt>{t('passes.card.validFrom')}</dt>
          <dd>{formatDateTime(pass.validFrom, lang)}</dd>
          <dt>{t('passes.card.validUntil')}</dt>
          <dd data-testid="pass-card-until">{formatDateTime(pass.validUntil, lang)}</dd>
        </dl>
        <p className="ticket-keep">{t('passes.card.keep')}</p>
        <p className="ticket-code" aria-label={t('passes.card.code')} data-testid="pass-code">{sale.code}</p>
      </div>
      <div className="ticket-actions no-print">
        <button type="button" className="btn btn-primary btn-lg" onClick={() => window.print()}>{t('passes.print')}</button>
        <button type="button" className="btn btn-secondary btn-lg" onClick={onDone} data-testid="pass-done">{t('passes.done')}</button>
      </div>
    </section>
  );
}
