import { useState } from 'react';
import { call } from '../api/client.js';
import { errorText, serverDetail, useT } from '../i18n/index.js';
import { useApiAction } from '../lib/use-api-action.js';
import { CheckField, TextField } from './Field.js';

/**
 * At the exit, before payment: the driver's business GSTIN and registered name for a B2B tax
 * invoice (invoices.request). The core validates the GSTIN (format, state code, check character)
 * and refuses a wrong one with its reason; the payment then issues the B2B invoice.
 */
export function BuyerGstinForm({ sessionId }: { sessionId: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [gstin, setGstin] = useState('');
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<{ gstin: string; name: string } | null>(null);
  const { busy, error, run } = useApiAction();
  const save = () => run(async () => {
    setSaved(null);
    const buyer = { gstin: gstin.trim().toUpperCase(), name: name.trim() };
    await call('invoices.request', { sessionId, buyer });
    setSaved(buyer);
  });
  return (
    <div className="buyer-gstin" data-testid="buyer-gstin">
      <CheckField label={t('gst.buyer.toggle')} checked={open} onChecked={setOpen} />
      {open && (
        <>
          <TextField label={t('gst.buyer.gstin')} value={gstin} onValue={(v) => setGstin(v.toUpperCase().slice(0, 20))} autoComplete="off" spellCheck={false} />
          <TextField label={t('gst.buyer.name')} value={name} onValue={(v) => setName(v.slice(0, 120))} autoComplete="off" />
          <button type="button" className="btn btn-secondary" disabled={busy || !gstin.trim() || !name.trim()} onClick={() => void save()}>{t('gst.buyer.save')}</button>
          {saved && <p className="notice notice-ok" role="status">{t('gst.buyer.saved', saved)}</p>}
          {error !== null && <p className="notice notice-error" role="alert">{t('gst.buyer.refused', { reason: serverDetail(error) ?? errorText(t, error) })}</p>}
        </>
      )}
    </div>
  );
}
