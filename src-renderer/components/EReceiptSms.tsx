import { useState } from 'react';
import { call, isApiError } from '../api/client.js';
import { errorText, useT, type MessageKey } from '../i18n/index.js';
import { useApiAction } from '../lib/use-api-action.js';
import { TextField } from './Field.js';

const REASONS = ['BAD_NUMBER', 'NO_DOCUMENT', 'NOT_SYNCED', 'NO_SERVER', 'SMS_DISABLED', 'SMS_REJECTED', 'SMS_TIMEOUT', 'SMS_UNREACHABLE', 'SMS_BAD_REPLY', 'SMS_LIMIT'] as const;

/** Why the SMS was not sent, in the operator's language: the core's typed reason, else the error code's text. */
function smsProblem(t: ReturnType<typeof useT>, e: unknown): string {
  const reason = isApiError(e) ? (e.details as { reason?: unknown } | undefined)?.reason : undefined;
  if (typeof reason === 'string' && (REASONS as readonly string[]).includes(reason)) return t(`gst.sms.error.${reason}` as MessageKey);
  return errorText(t, e);
}

/** The driver's mobile number and "Send by SMS": the central server texts the e-receipt link (invoices.sendSms). */
export function EReceiptSms({ sessionId }: { sessionId: string }) {
  const t = useT();
  const [mobile, setMobile] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useApiAction();
  const send = () => run(async () => {
    setSent(false);
    await call('invoices.sendSms', { sessionId, mobile: mobile.trim() });
    setSent(true);
  });
  return (
    <div className="ereceipt-sms" data-testid="ereceipt-sms">
      <TextField label={t('gst.sms.label')} value={mobile} onValue={(v) => setMobile(v.slice(0, 20))} inputMode="tel" autoComplete="off" />
      <button type="button" className="btn btn-secondary" disabled={busy || mobile.trim() === ''} onClick={() => void send()}>{t('gst.sms.send')}</button>
      {sent && <p className="notice notice-ok" role="status">{t('gst.sms.sent')}</p>}
      {error !== null && <p className="notice notice-error" role="alert">{smsProblem(t, error)}</p>}
    </div>
  );
}
