import { useEffect, useState } from 'react';
import type { TaxSettings } from '../../src-shared/contracts/invoices.js';
import { call } from '../api/client.js';
import { errorText, serverDetail, useT } from '../i18n/index.js';
import { CheckField, TextField } from './Field.js';

interface Draft {
  legalName: string;
  address: string;
  stateCode: string;
  gstin: string;
  inclusive: boolean;
  sac: string;
  rate: string;
  rateFrom: string;
  seriesPrefix: string;
}

const toDraft = (s: TaxSettings): Draft => ({
  legalName: s.legalName, address: s.address, stateCode: s.stateCode, gstin: s.gstin ?? '', inclusive: s.inclusive, sac: s.sac,
  rate: String((s.rates.at(-1)?.rateBp ?? 1800) / 100), rateFrom: '', seriesPrefix: s.seriesPrefix,
});

/**
 * The facility's GST details (admin saves; a supervisor sees them): legal name, address, state,
 * GSTIN (the core validates it and its message says what is wrong), tariffs with or without
 * tax, rate with the day it takes effect, SAC, this gate's invoice series prefix.
 */
export function TaxSettingsForm() {
  const t = useT();
  const [s, setS] = useState<TaxSettings | null>(null);
  const [d, setD] = useState<Draft | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let live = true;
    call('tax.settings', {}).then((v) => { if (live) { setS(v); setD(toDraft(v)); } }, () => undefined);
    return () => { live = false; };
  }, []);

  if (!s || !d) return null;
  const f = (k: keyof Draft) => (v: string) => setD({ ...d, [k]: v });
  const current = s.rates.at(-1)?.rateBp ?? 1800;

  const save = async () => {
    setMsg(null);
    const rateBp = Math.round(Number(d.rate.replace(',', '.')) * 100);
    const rateChanged = Number.isFinite(rateBp) && rateBp !== current;
    try {
      const next = await call('tax.configure', {
        legalName: d.legalName.trim() || undefined, address: d.address.trim() || undefined,
        stateCode: d.stateCode.trim() || undefined, gstin: d.gstin.trim() || undefined, inclusive: d.inclusive,
        sac: d.sac.trim() || undefined, seriesPrefix: d.seriesPrefix.trim() || undefined,
        ...(rateChanged ? { rateBp, ...(d.rateFrom ? { rateFrom: d.rateFrom } : {}) } : {}),
      });
      setS(next);
      setD(toDraft(next));
      setMsg({ ok: true, text: t('tax.saved') });
    } catch (e) {
      setMsg({ ok: false, text: serverDetail(e) ?? errorText(t, e) });
    }
  };

  return (
    <fieldset className="tax-settings" data-testid="tax-settings">
      <legend>{t('tax.title')}</legend>
      <p className={`notice ${s.invoicing ? 'notice-ok' : ''}`}>{s.invoicing ? t('tax.invoicingOn') : t('tax.invoicingOff')}</p>
      <div className="form-grid">
        <TextField label={t('tax.legalName')} value={d.legalName} onValue={f('legalName')} />
        <TextField label={t('tax.address')} value={d.address} onValue={f('address')} />
        <TextField label={t('tax.stateCode')} value={d.stateCode} onValue={(v) => setD({ ...d, stateCode: v.replace(/\D/g, '').slice(0, 2) })} inputMode="numeric" hint={s.stateName} />
        <TextField label={t('tax.gstin')} value={d.gstin} onValue={(v) => setD({ ...d, gstin: v.toUpperCase() })} autoComplete="off" maxLength={15} />
        <CheckField label={t('tax.inclusive')} checked={d.inclusive} onChecked={(inclusive) => setD({ ...d, inclusive })} />
        <TextField label={t('tax.rate')} value={d.rate} onValue={f('rate')} inputMode="decimal" />
        <TextField label={t('tax.rateFrom')} value={d.rateFrom} onValue={f('rateFrom')} type="date" hint={t('tax.rateFromHint')} />
        <TextField label={t('tax.sac')} value={d.sac} onValue={f('sac')} inputMode="numeric" />
        <TextField label={t('tax.seriesPrefix')} value={d.seriesPrefix} onValue={(v) => setD({ ...d, seriesPrefix: v.toUpperCase().slice(0, 3) })} autoComplete="off" hint={t('tax.seriesPrefixHint')} />
      </div>
      <div className="setup-actions sticky-actions">
        <button data-main-action type="button" className="btn btn-primary" onClick={() => void save()}>{t('tax.save')}</button>
      </div>
      {msg && <p className={`notice ${msg.ok ? 'notice-ok' : 'notice-error'}`} role="status">{msg.text}</p>}
    </fieldset>
  );
}
