/** Cash for a pass: what was handed over, the change, and the confirmation that issues the pass. */
import { useState } from 'react';
import type { PassSaleResult } from '../../src-shared/contracts/passes.js';
import { call } from '../api/client.js';
import { TextField } from '../components/Field.js';
import { Keypad } from '../components/Keypad.js';
import { errorText, useT } from '../i18n/index.js';
import { formatINR, rupeesToPaise } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { cleanTendered } from '../screens/exit/flow.js';
import { likelyTenders } from '../screens/exit/CashPanel.js';
import { saleInput, type PassOrder } from './order.js';

export function PassCashPay({ order, onSold, onBack }: { order: PassOrder; onSold(sale: PassSaleResult): void; onBack(): void }) {
  const t = useT();
  const [tendered, setTendered] = useState('');
  const { busy, error, run } = useApiAction();
  const due = order.pricePaise;
  const tenderedPaise = rupeesToPaise(tendered || '0') ?? 0;
  const change = tenderedPaise - due;
  const set = (v: string) => setTendered(cleanTendered(v));

  const confirm = () => run(async () => {
    const sale = order.kind === 'SALE'
      ? await call('passes.sell', { ...saleInput(order), tenderedPaise })
      : await call('passes.renew', { passId: order.pass.id, pricePaise: due, tenderedPaise });
    sounds.success();
    onSold(sale);
  });

  return (
    <section className="pay-body pay-cash" aria-label={t('passes.payCash')} data-testid="pass-cash">
      <div className="cash-grid">
        <div className="cash-figures">
          <TextField label={t('passes.tendered')} value={tendered} onValue={set} inputMode="numeric" autoComplete="off" className="field-money" />
          <div className={`change ${change >= 0 ? 'change-ok' : 'change-short'}`} aria-live="polite">
            <span className="change-label">{change >= 0 ? t('passes.change') : t('passes.short', { amount: formatINR(-change) })}</span>
            {change >= 0 && <span className="change-value">{formatINR(change)}</span>}
          </div>
        </div>
        <Keypad label={t('exit.keypad')} onKey={(k) => set(tendered + k)} onBackspace={() => set(tendered.slice(0, -1))} onClear={() => set('')} extraKey="00" />
      </div>
      <div className="quick-tenders">
        <button type="button" className="btn btn-secondary" data-testid="pass-exact" onClick={() => set(String(Math.ceil(due / 100)))}>{t('passes.exact')}</button>
        {likelyTenders(due).map((v) => (
          <button key={v} type="button" className="btn btn-secondary" onClick={() => set(String(v / 100))}>{formatINR(v)}</button>
        ))}
      </div>
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
      <div className="pay-actions pay-foot">
        <button type="button" className="btn btn-secondary btn-lg" onClick={onBack}>{t('passes.back')}</button>
        <button type="button" className="btn btn-go btn-xl" data-testid="pass-confirm-cash" disabled={busy || change < 0} onClick={() => void confirm()}>
          {t('passes.confirmCash', { amount: formatINR(tenderedPaise) })}
        </button>
      </div>
    </section>
  );
}
