/**
 * Supervisor: merchants (prepaid or billed monthly), their programs (switch on/off), the presets,
 * prepaid top-ups and the month's bill-back statement. Every rule is the core's; this only asks.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Merchant, ValidationProgramView } from '../../../src-shared/contracts/validations.js';
import { call } from '../../api/client.js';
import { errorText, useT } from '../../i18n/index.js';
import { formatINR, rupeesToPaise } from '../../lib/format.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { saveFile } from '../../screens/ReportsScreen.js';
import { CheckField, TextField } from '../Field.js';

function thisMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

function MerchantCard({ merchant, programs, reload }: { merchant: Merchant; programs: ValidationProgramView[]; reload(): void }) {
  const t = useT();
  const action = useApiAction();
  const [topUp, setTopUp] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const month = thisMonth();
  const act = (fn: () => Promise<unknown>) => void action.run(async () => { await fn(); reload(); });
  const preset = (name: 'HYDERABAD_MALL' | 'HOSPITAL_PATIENT') => act(async () => {
    const r = await call('validations.applyPreset', { merchantId: merchant.id, preset: name });
    setNote(r.tariff ? t('merchants.mallGrace', { minutes: r.tariff.graceMinutes }) : null);
  });
  const submitTopUp = (e: FormEvent) => {
    e.preventDefault();
    const amountPaise = rupeesToPaise(topUp);
    if (!amountPaise) return;
    act(async () => { await call('merchants.topUp', { merchantId: merchant.id, amountPaise }); setTopUp(''); });
  };
  return (
    <li className="card" data-testid={`merchant-${merchant.name}`}>
      <h3 className="card-title">
        {merchant.name} · {merchant.balancePaise === null ? t('merchants.billedAfter') : t('merchants.balance', { amount: formatINR(merchant.balancePaise) })}
      </h3>
      <h4>{t('merchants.programs')}</h4>
      <ul className="plain-list">
        {programs.map((p) => (
          <li key={p.id}>
            {p.name} ({p.reasonCode}){' '}
            <button type="button" className="btn btn-secondary" disabled={action.busy}
              onClick={() => act(() => call('validations.updateProgram', { programId: p.id, isActive: !p.isActive }))}>
              {p.isActive ? t('merchants.programOn') : t('merchants.programOff')}
            </button>
          </li>
        ))}
      </ul>
      <div className="inline-form">
        <button type="button" className="btn btn-secondary" disabled={action.busy} onClick={() => preset('HYDERABAD_MALL')}>{t('merchants.presetMall')}</button>
        <button type="button" className="btn btn-secondary" disabled={action.busy} onClick={() => preset('HOSPITAL_PATIENT')}>{t('merchants.presetHospital')}</button>
        <button type="button" className="btn btn-secondary" disabled={action.busy}
          onClick={() => act(async () => { const f = await call('merchants.statement', { merchantId: merchant.id, month, format: 'csv' }); saveFile(f.fileName, f.mimeType, f.base64); })}>
          {t('merchants.statement', { month })}
        </button>
      </div>
      {merchant.prepaid && (
        <form className="inline-form" onSubmit={submitTopUp}>
          <TextField label={t('merchants.topUpAmount')} value={topUp} onValue={setTopUp} inputMode="decimal" />
          <button type="submit" className="btn btn-primary" disabled={action.busy || !rupeesToPaise(topUp)}>{t('merchants.topUp')}</button>
        </form>
      )}
      {note && <p className="notice notice-info" role="status">{note}</p>}
      {action.error !== null && <p className="notice notice-warn" role="alert">{errorText(t, action.error)}</p>}
    </li>
  );
}

export function MerchantsPanel() {
  const t = useT();
  const [merchants, setMerchants] = useState<Merchant[]>([]);
  const [programs, setPrograms] = useState<ValidationProgramView[]>([]);
  const [name, setName] = useState('');
  const [prepaid, setPrepaid] = useState(false);
  const create = useApiAction();
  const reload = useCallback(() => {
    void Promise.all([call('merchants.list', { includeInactive: true }), call('validations.programs', { includeInactive: true })])
      .then(([m, p]) => { setMerchants(m); setPrograms(p); }).catch(() => undefined);
  }, []);
  useEffect(reload, [reload]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run(async () => { await call('merchants.create', { name: name.trim(), prepaid }); setName(''); setPrepaid(false); reload(); });
  };
  return (
    <section aria-labelledby="merchants-title">
      <h2 id="merchants-title" className="card-title">{t('merchants.title')}</h2>
      <form className="inline-form" onSubmit={submit}>
        <TextField label={t('merchants.name')} value={name} onValue={setName} maxLength={100} />
        <CheckField label={t('merchants.prepaid')} checked={prepaid} onChecked={setPrepaid} />
        <button data-main-action type="submit" className="btn btn-primary" disabled={create.busy || !name.trim()}>{t('merchants.create')}</button>
      </form>
      {create.error !== null && <p className="notice notice-warn" role="alert">{errorText(t, create.error)}</p>}
      {merchants.length === 0 ? <p>{t('merchants.none')}</p> : (
        <ul className="plain-list">
          {merchants.map((m) => <MerchantCard key={m.id} merchant={m} programs={programs.filter((p) => p.merchantId === m.id)} reload={reload} />)}
        </ul>
      )}
    </section>
  );
}
