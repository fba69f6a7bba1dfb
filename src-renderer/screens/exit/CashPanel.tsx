/** Cash: what was handed over, the change, and the confirmation that records the payment. */
import type { Dispatch } from 'react';
import { call } from '../../api/client.js';
import { TextField } from '../../components/Field.js';
import { Keypad } from '../../components/Keypad.js';
import { errorText, useT } from '../../i18n/index.js';
import { formatINR, rupeesToPaise } from '../../lib/format.js';
import { sounds } from '../../lib/sound.js';
import { useApiAction } from '../../lib/use-api-action.js';
import type { Billing, ExitAction } from './flow.js';

const NOTES = [50, 100, 200, 500, 2000];

/** Round-up amounts a driver is likely to hand over (in paise), after the exact amount. */
export function likelyTenders(duePaise: number): number[] {
  const out: number[] = [];
  for (const note of NOTES) {
    const v = Math.ceil(duePaise / (note * 100)) * note * 100;
    if (v > duePaise && !out.includes(v)) out.push(v);
  }
  return out.slice(0, 3);
}

export function CashPanel({ billing, tendered, dispatch }: { billing: Billing; tendered: string; dispatch: Dispatch<ExitAction> }) {
  const t = useT();
  const due = billing.quote.amountDuePaise;
  const { busy, error, run } = useApiAction();
  const tenderedPaise = rupeesToPaise(tendered || '0') ?? 0;
  const change = tenderedPaise - due;
  const set = (v: string) => dispatch({ type: 'tendered', tendered: v });

  const confirm = () => run(async () => {
    const r = await call('gate.payCash', { sessionId: billing.quote.sessionId, tenderedPaise });
    sounds.success();
    dispatch({ type: 'gateOpened', session: r.session, reason: 'PAID', paidPaise: r.payment.amountPaise, changePaise: r.changePaise });
  });

  return (
    <section className="pay-body pay-cash" aria-labelledby="cash-title">
      <h2 id="cash-title" className="visually-hidden">{t('exit.cashTitle')}</h2>
      <div className="cash-grid">
        <div className="cash-figures">
          <TextField label={t('exit.tendered')} value={tendered} onValue={set} inputMode="numeric" autoComplete="off" className="field-money" />
          <div className={`change ${change >= 0 ? 'change-ok' : 'change-short'}`} data-testid="change" aria-live="polite">
            <span className="change-label">{change >= 0 ? t('exit.change') : t('exit.short', { amount: formatINR(-change) })}</span>
            {change >= 0 && <span className="change-value" data-testid="change-value">{formatINR(change)}</span>}
          </div>
        </div>
        <Keypad label={t('exit.keypad')} onKey={(k) => set(tendered + k)} onBackspace={() => set(tendered.slice(0, -1))} onClear={() => set('')} extraKey="00" />
      </div>
      <div className="quick-tenders">
        <button type="button" className="btn btn-secondary" onClick={() => set(String(Math.ceil(due / 100)))}>
          {t('exit.exact')}
        </button>
        {likelyTenders(due).map((v) => (
          <button key={v} type="button" className="btn btn-secondary" onClick={() => set(String(v / 100))}>
            {formatINR(v)}
          </button>
        ))}
      </div>
      {error !== null && (
        <div className="notice notice-error" role="alert">
          {errorText(t, error)}
        </div>
      )}
      <div className="pay-actions pay-foot">
        <button type="button" className="btn btn-secondary btn-lg" onClick={() => dispatch({ type: 'backToQuote' })}>
          {t('common.back')}
        </button>
        <button type="button" className="btn btn-go btn-xl" disabled={busy || change < 0} onClick={() => void confirm()}>
          {t('exit.confirmCash', { amount: formatINR(tenderedPaise) })}
        </button>
      </div>
    </section>
  );
}
