/**
 * Selling a pass (holder, vehicle, period, price) or renewing one (price): then Cash or UPI, one
 * tap each, as at a cash exit. The price starts at that of a listed pass of the same period.
 */
import { useState, type FormEvent } from 'react';
import type { PassUpiAttempt } from '../../src-shared/contracts/pass-upi.js';
import type { PassView } from '../../src-shared/contracts/passes.js';
import { normaliseVehicleNumber } from '../../src-shared/contracts/vehicle-number.js';
import { call } from '../api/client.js';
import { TextField } from '../components/Field.js';
import { errorText, useT } from '../i18n/index.js';
import { rupeesToPaise } from '../lib/format.js';
import { useApiAction } from '../lib/use-api-action.js';
import { useConnectivity } from '../stores/connectivity.js';
import { lastPrice, saleInput, type PassOrder, type SellKind } from './order.js';

interface Props {
  passes: readonly PassView[];
  /** Renewing this pass; null: selling a new one. */
  renewing: PassView | null;
  onCash(order: PassOrder): void;
  onUpi(order: PassOrder, attempt: PassUpiAttempt): void;
  onCancelRenew(): void;
}

const rupees = (paise: number | null) => (paise === null ? '' : String(paise / 100));

export function PassOrderForm({ passes, renewing, onCash, onUpi, onCancelRenew }: Props) {
  const t = useT();
  const online = useConnectivity((s) => s.online && s.reachable !== false);
  const [holder, setHolder] = useState('');
  const [plate, setPlate] = useState('');
  const [kind, setKind] = useState<SellKind>('MONTHLY');
  const [price, setPrice] = useState(() => rupees(renewing ? renewing.pricePaise : lastPrice(passes, 'MONTHLY')));
  const starting = useApiAction();

  const pricePaise = rupeesToPaise(price);
  const plateNorm = normaliseVehicleNumber(plate);
  const ready = pricePaise !== null && pricePaise > 0 && (renewing !== null || (holder.trim().length > 0 && /^[A-Z0-9]{3,15}$/.test(plateNorm)));
  const order = (): PassOrder | null => {
    if (!ready || pricePaise === null) return null;
    return renewing ? { kind: 'RENEWAL', pass: renewing, pricePaise } : { kind: 'SALE', holderName: holder, plate: plateNorm, passKind: kind, pricePaise };
  };
  const pickKind = (k: SellKind) => {
    setKind(k);
    const p = lastPrice(passes, k);
    if (p !== null) setPrice(rupees(p));
  };

  const cash = (e: FormEvent) => {
    e.preventDefault();
    const o = order();
    if (o) onCash(o);
  };
  const upi = () => {
    const o = order();
    if (!o) return;
    void starting.run(async () => {
      const attempt = o.kind === 'SALE'
        ? await call('passes.sellUpi', saleInput(o))
        : await call('passes.renewUpi', { passId: o.pass.id, pricePaise: o.pricePaise });
      onUpi(o, attempt);
    });
  };

  return (
    <form className="card pass-order" onSubmit={cash} aria-labelledby="pass-order-title" data-testid="pass-order">
      <h2 id="pass-order-title" className="card-title">
        {renewing ? t('passes.renewTitle', { holder: renewing.holderName }) : t('passes.sellTitle')}
      </h2>
      {!renewing && (
        <>
          <TextField label={t('passes.holder')} value={holder} onValue={setHolder} autoComplete="off" data-testid="pass-holder" />
          <TextField label={t('passes.plate')} value={plate} onValue={setPlate} autoComplete="off" autoCapitalize="characters" spellCheck={false} className="field-vehicle" data-testid="pass-plate" />
          <fieldset className="zone-picker">
            <legend>{t('passes.kind')}</legend>
            <div className="zone-options">
              {(['MONTHLY', 'QUARTERLY'] as const).map((k) => (
                <label key={k} className={`zone-option ${kind === k ? 'is-selected' : ''}`}>
                  <input type="radio" name="pass-kind" value={k} checked={kind === k} onChange={() => pickKind(k)} />
                  <span className="zone-option-name">{t(`passes.kind.${k}`)}</span>
                </label>
              ))}
            </div>
          </fieldset>
        </>
      )}
      <TextField label={t('passes.price')} value={price} onValue={setPrice} inputMode="decimal" autoComplete="off" className="field-money" data-testid="pass-price" />
      {starting.error !== null && <p className="notice notice-error" role="alert">{errorText(t, starting.error)}</p>}
      <div className="pay-actions pay-methods" role="group" aria-label={t('exit.payWith')}>
        <button data-main-action type="submit" className="btn btn-cash btn-xl" disabled={!ready} data-testid="pass-pay-cash">₹ {t('passes.payCash')}</button>
        <button type="button" className="btn btn-online btn-xl" disabled={!ready || !online || starting.busy} onClick={upi} data-testid="pass-pay-upi">{t('passes.payUpi')}</button>
      </div>
      {renewing && <button type="button" className="btn btn-secondary" onClick={onCancelRenew}>{t('passes.cancel')}</button>}
    </form>
  );
}
