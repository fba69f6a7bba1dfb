import { useEffect, useState } from 'react';
import type { ValidationReceipt as Receipt } from '../../src-shared/contracts/validations.js';
import { call } from '../api/client.js';
import { useT } from '../i18n/index.js';
import { formatINR } from '../lib/format.js';

/**
 * The validations of a completed exit, on screen (the same facts as the printed receipt): fee
 * before, one line per validation (merchant: program, minus its discount), due, and Paid or
 * Exempted. Nothing when no validation took anything off.
 */
export function ValidationReceipt({ sessionId }: { sessionId: string }) {
  const t = useT();
  const [r, setR] = useState<Receipt | null>(null);
  useEffect(() => {
    let live = true;
    call('validations.receipt', { sessionId }).then((v) => live && setR(v), () => undefined);
    return () => { live = false; };
  }, [sessionId]);
  if (!r) return null;
  const rows: [string, string][] = [
    [t('validation.feeBefore'), formatINR(r.feeBeforePaise)],
    ...r.lines.map((l): [string, string] => [t('validation.receiptLine', { merchant: l.merchantName, program: l.programName }), `−${formatINR(l.discountPaise)}`]),
    [t('validation.due'), formatINR(r.duePaise)],
  ];
  return (
    <section className="card invoice-summary" aria-labelledby="validation-receipt-title" data-testid="validation-receipt">
      <h2 id="validation-receipt-title" className="card-title">{t('validation.receiptTitle')}</h2>
      <dl>
        {rows.map(([k, v], i) => (
          <div key={i}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <p className="validation-receipt-status" data-testid="validation-receipt-status"><strong>{r.status === 'PAID' ? t('validation.paid') : t('validation.exempted')}</strong></p>
    </section>
  );
}
