import { useState } from 'react';
import type { Session } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';
import { errorText, useT } from '../i18n/index.js';

/** Reprint a session's ticket or receipt on the lane printer (the core checks the role and audits it). */
export function ReprintButtons({ session }: { session: Session }) {
  const t = useT();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const reprint = (kind: 'TICKET' | 'RECEIPT') => {
    setMessage(null);
    call('print.reprint', { sessionId: session.id, kind }).then(
      () => setMessage({ ok: true, text: t('print.sent') }),
      (e: unknown) => setMessage({ ok: false, text: errorText(t, e) }),
    );
  };
  const hasTicket = session.entryAt !== null;
  const hasReceipt = session.status === 'COMPLETED' && session.amountPaidPaise > 0;
  if (!hasTicket && !hasReceipt) return null;
  return (
    <div className="reprint-actions">
      {hasTicket && (
        <button type="button" className="btn btn-secondary" onClick={() => reprint('TICKET')}>{t('print.reprintTicket')}</button>
      )}
      {hasReceipt && (
        <button type="button" className="btn btn-secondary" onClick={() => reprint('RECEIPT')}>{t('print.reprintReceipt')}</button>
      )}
      {message && (
        <p className={`notice ${message.ok ? 'notice-ok' : 'notice-error'}`} role="status">{message.text}</p>
      )}
    </div>
  );
}
