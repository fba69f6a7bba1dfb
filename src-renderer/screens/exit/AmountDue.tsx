/** The amount due, always at the top of the payment pane while a car is billed. */
import { useT } from '../../i18n/index.js';
import { formatINR } from '../../lib/format.js';

export function AmountDue({ paise }: { paise: number }) {
  const t = useT();
  return (
    <div className="amount-due" data-testid="amount-due-box">
      <span className="amount-due-label">{t('exit.amountDue')}</span>
      <span className="amount-due-value" data-testid="amount-due">{formatINR(paise)}</span>
    </div>
  );
}
