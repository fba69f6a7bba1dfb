/**
 * Refund (void) of a completed exit's cash payment (payments.refund): a reason and a supervisor's
 * username + PIN, checked by the core. The cash leaves the drawer of the operator at the kiosk.
 */
import { useState, type FormEvent } from 'react';
import type { Payment } from '../../../src-shared/contracts/entities.js';
import { call } from '../../api/client.js';
import { errorText, useT } from '../../i18n/index.js';
import { formatINR } from '../../lib/format.js';
import { sounds } from '../../lib/sound.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { TextField } from '../Field.js';

/** `onDone` gets the confirmation to show: the reload that follows takes this form away. */
export function RefundForm({ payment, onDone }: { payment: Payment; onDone(text: string): void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [user, setUser] = useState('');
  const [pin, setPin] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const action = useApiAction();
  const amount = formatINR(payment.amountPaise);

  if (done) return null;
  if (!open) {
    return (
      <button type="button" className="btn btn-secondary" onClick={() => setOpen(true)} data-testid={`refund-open-${payment.id}`}>
        {t('desk.refund.open')}
      </button>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void action.run(async () => {
      const r = await call('payments.refund', { paymentId: payment.id, reason: reason.trim(), supervisorUsername: user.trim(), supervisorPin: pin });
      sounds.success();
      const text = t('desk.refund.done', { amount: formatINR(r.refundedPaise) });
      setDone(text);
      onDone(text);
    }, () => setPin(''));
  };
  return (
    <form className="card" onSubmit={submit} aria-label={t('desk.refund.title', { amount })} data-testid="refund-form">
      <h3>{t('desk.refund.title', { amount })}</h3>
      <TextField label={t('desk.refund.reason')} value={reason} onValue={setReason} autoComplete="off" />
      <TextField label={t('desk.supervisor.username')} value={user} onValue={setUser} autoComplete="off" />
      <TextField label={t('desk.supervisor.pin')} value={pin} onValue={(v) => setPin(v.replace(/\D/g, '').slice(0, 8))} type="password" inputMode="numeric" autoComplete="off" />
      {action.error !== null && <div className="notice notice-error" role="alert">{errorText(t, action.error)}</div>}
      <div className="pay-actions">
        <button type="button" className="btn btn-secondary" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
        <button type="submit" className="btn btn-danger" disabled={action.busy || reason.trim().length < 3 || !user.trim() || pin.length < 4}>
          {t('desk.refund.submit', { amount })}
        </button>
      </div>
    </form>
  );
}
