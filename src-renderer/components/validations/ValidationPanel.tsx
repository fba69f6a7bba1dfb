/**
 * Validations on the exit quote: the fee before, each validation's discount, and the two ways to
 * add one in as few taps as a cash exit: type the shop bill and press Enter (the core picks the
 * program), or scan the merchant's code (keyboard wedge, anywhere on the screen, or typed here).
 * A visit the validation makes free opens the gate at once, like a zero quote.
 */
import { useState, type Dispatch, type FormEvent } from 'react';
import type { Quote } from '../../../src-shared/contracts/entities.js';
import { isValidationCodeText } from '../../../src-shared/contracts/validations.js';
import { call, isApiError } from '../../api/client.js';
import { errorText, useT, type MessageKey } from '../../i18n/index.js';
import { en } from '../../i18n/en.js';
import { formatINR, rupeesToPaise } from '../../lib/format.js';
import { sounds } from '../../lib/sound.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { useKeyboardWedge } from '../../lib/use-wedge.js';
import { TextField } from '../Field.js';

interface Billing { quote: Quote; session: unknown; lost: boolean }

export interface ValidationPanelProps<B extends Billing> {
  billing: B;
  /** The exit flow's dispatch: a new quote replaces the shown one. */
  dispatch: Dispatch<{ type: 'billed'; billing: B }>;
  /** Completes a visit that nothing is due on (the exit screen's gate opening). */
  openGate(sessionId: string, reason: 'ZERO_DUE', paidPaise: number): Promise<void>;
}

export function ValidationFacts({ quote }: { quote: Quote }) {
  const t = useT();
  if (!quote.validations?.length) return null;
  return (
    <dl className="facts" data-testid="validation-facts">
      <dt>{t('validation.feeBefore')}</dt>
      <dd>{formatINR(quote.feeBeforeValidationPaise ?? 0)}</dd>
      <dt>{t('validation.discount')}</dt>
      <dd data-testid="validation-discount">−{formatINR(quote.discountPaise ?? 0)}</dd>
      {quote.validations.map((v) => (
        <dd key={v.validationId} className="facts-wide">
          {v.discountPaise > 0
            ? t('validation.applied', { program: v.programName, merchant: v.merchantName, amount: formatINR(v.discountPaise) })
            : t('validation.ineligible', { program: v.programName, merchant: v.merchantName })}
        </dd>
      ))}
    </dl>
  );
}

function reasonText(t: ReturnType<typeof useT>, e: unknown): string {
  const reason = isApiError(e) ? (e.details as { reason?: unknown } | null | undefined)?.reason : undefined;
  const key = `validation.reason.${String(reason)}` as MessageKey;
  return typeof reason === 'string' && key in en ? t(key) : errorText(t, e);
}

export function ValidationPanel<B extends Billing>({ billing, dispatch, openGate }: ValidationPanelProps<B>) {
  const t = useT();
  const { busy, error, run } = useApiAction();
  const [bill, setBill] = useState('');
  const [code, setCode] = useState('');
  const sessionId = billing.quote.sessionId;

  const apply = (load: () => Promise<Quote>) => run(async () => {
    const quote = await load();
    sounds.tap();
    if (quote.amountDuePaise === 0) await openGate(quote.sessionId, 'ZERO_DUE', 0);
    else dispatch({ type: 'billed', billing: { ...billing, quote } });
  });

  const applyCode = (text: string) => apply(() => call('validations.scan', { sessionId, code: text.trim() }));
  useKeyboardWedge((scanned) => {
    if (isValidationCodeText(scanned)) void applyCode(scanned);
  });

  const submitBill = (e: FormEvent) => {
    e.preventDefault();
    const billPaise = rupeesToPaise(bill);
    if (billPaise === null) return;
    void apply(() => call('validations.apply', { sessionId, billPaise }));
  };
  const submitCode = (e: FormEvent) => {
    e.preventDefault();
    if (code.trim()) void applyCode(code);
    setCode('');
  };

  return (
    <div className="validation-panel" data-testid="validation-panel">
      <h3 className="card-subtitle">{t('validation.title')}</h3>
      <ValidationFacts quote={billing.quote} />
      <form className="inline-form" onSubmit={submitBill}>
        <TextField label={t('validation.bill')} value={bill} onValue={setBill} inputMode="decimal" autoComplete="off" data-testid="validation-bill" />
        <button type="submit" className="btn btn-secondary" disabled={busy || rupeesToPaise(bill) === null}>{t('validation.applyBill')}</button>
      </form>
      <form className="inline-form" onSubmit={submitCode}>
        <TextField label={t('validation.code')} value={code} onValue={setCode} autoComplete="off" spellCheck={false} data-testid="validation-code" />
        <button type="submit" className="btn btn-secondary" disabled={busy || !code.trim()}>{t('validation.applyCode')}</button>
      </form>
      {error !== null && <p className="notice notice-warn" role="alert" data-testid="validation-error">{reasonText(t, error)}</p>}
    </div>
  );
}
