/**
 * The pass as sold: its QR and code, holder, vehicle and validity; printable like a ticket. With
 * a lane printer set up, Print sends the pass to it (the core builds the paper and its QR);
 * without one, the browser prints this card.
 */
import { useState } from 'react';
import type { PassSaleResult } from '../../src-shared/contracts/passes.js';
import { call } from '../api/client.js';
import { QrImage } from '../components/QrImage.js';
import { errorText, useT } from '../i18n/index.js';
import { useApiAction } from '../lib/use-api-action.js';
import { formatDateTime, formatINR } from '../lib/format.js';
import { useLanguage } from '../stores/language.js';

export function PassCard({ sale, renewal, changePaise, onDone }: { sale: PassSaleResult; renewal: boolean; changePaise: number; onDone(): void }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const { pass } = sale;
  const { busy, error, run } = useApiAction();
  const [sent, setSent] = useState(false);
  const print = () => {
    setSent(false);
    void run(async () => {
      const printer = await call('print.status', {}).catch(() => null);
      if (!printer?.configured) return window.print();
      await call('print.pass', { passId: pass.id });
      setSent(true);
    });
  };
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
      {sent && <p className="notice notice-ok no-print" role="status" data-testid="pass-print-sent">{t('print.sent')}</p>}
      {error !== null && <p className="notice notice-error no-print" role="alert">{errorText(t, error)}</p>}
      <div className="ticket-actions no-print">
        <button type="button" className="btn btn-primary btn-lg" onClick={print} disabled={busy} data-testid="pass-print">{t('passes.print')}</button>
        <button type="button" className="btn btn-secondary btn-lg" onClick={onDone} data-testid="pass-done">{t('passes.done')}</button>
      </div>
    </section>
  );
}
