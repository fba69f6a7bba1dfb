import { useEffect, useState } from 'react';
import type { TaxDocument } from '../../src-shared/contracts/invoices.js';
import { call } from '../api/client.js';
import { useT } from '../i18n/index.js';
import { formatINR } from '../lib/format.js';
import { EReceiptSms } from './EReceiptSms.js';

/**
 * The tax invoice of a paid exit, on screen (the same facts as the printed receipt): number and
 * date, supplier GSTIN, buyer for B2B, taxable value, CGST + SGST or IGST, total, and the
 * e-receipt address when a central server is set. Nothing when the session has no document.
 */
export function InvoiceSummary({ sessionId }: { sessionId: string }) {
  const t = useT();
  const [doc, setDoc] = useState<TaxDocument | null>(null);
  const [server, setServer] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call('invoices.forSession', { sessionId }).then((r) => live && setDoc(r.invoice), () => undefined);
    call('settings.get', {}).then((s) => live && setServer(s.serverUrl ?? null), () => undefined);
    return () => { live = false; };
  }, [sessionId]);

  if (!doc) return null;
  const inter = doc.placeOfSupply !== doc.supplier.stateCode;
  const half = `${doc.rateBp / 200}%`;
  const rows: [string, string][] = [
    [doc.number ? t('invoice.number') : t('invoice.receipt'), doc.number ?? t('invoice.inConsolidated')],
    [t('invoice.date'), doc.day],
    [t('invoice.supplierGstin'), doc.supplier.gstin],
    ...(doc.supplyType === 'B2B' ? [[t('invoice.buyer'), `${doc.buyerName ?? ''} (${doc.buyerGstin ?? ''})`] as [string, string]] : []),
    [t('invoice.taxable'), formatINR(doc.taxablePaise)],
    ...(inter
      ? [[t('invoice.igst', { rate: `${doc.rateBp / 100}%` }), formatINR(doc.igstPaise)] as [string, string]]
      : [[t('invoice.cgst', { rate: half }), formatINR(doc.cgstPaise)], [t('invoice.sgst', { rate: half }), formatINR(doc.sgstPaise)]] as [string, string][]),
    [t('invoice.total'), formatINR(doc.totalPaise)],
  ];
  return (
    <section className="card invoice-summary" aria-labelledby="invoice-summary-title" data-testid="invoice-summary">
      <h2 id="invoice-summary-title" className="card-title">{doc.kind === 'RECEIPT' ? t('invoice.receiptTitle') : t('invoice.title')}</h2>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {server && <p className="hint">{t('invoice.eReceipt', { url: `${server}/r/${doc.token}` })}</p>}
      {server && <EReceiptSms sessionId={sessionId} />}
    </section>
  );
}
