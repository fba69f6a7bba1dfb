/** The gate is open: what was paid, the change to give, and the way to the next car. */
import { InvoiceSummary } from '../../components/InvoiceSummary.js';
import { ResultBanner } from '../../components/ResultBanner.js';
import { ValidationReceipt } from '../../components/ValidationReceipt.js';
import { useT } from '../../i18n/index.js';
import { formatINR } from '../../lib/format.js';
import type { ExitStage } from './flow.js';

export function GateOpen({ stage, onNext, scanSeq, code }: { stage: Extract<ExitStage, { s: 'gate' }>; onNext(): void; scanSeq: number; code: string }) {
  const t = useT();
  const lines: string[] = [];
  if (stage.session) lines.push(`${stage.session.vehicleNumber} · ${stage.session.zoneName} / ${stage.session.slotNumber}`);
  lines.push(stage.reason === 'ZERO_DUE' ? t('exit.gateOpenZero') : t('exit.gateOpenPaid', { amount: formatINR(stage.paidPaise) }));
  return (
    <>
    <ResultBanner
      kind="gate"
      title={t('exit.gateOpen')}
      big={stage.changePaise !== null && stage.changePaise > 0 ? <span data-testid="gate-change">{t('exit.giveChange', { amount: formatINR(stage.changePaise) })}</span> : undefined}
      lines={lines}
      scanSeq={scanSeq}
      code={code}
      action={
        <button type="button" className="btn btn-light btn-lg" onClick={onNext}>
          {t('exit.next')}
        </button>
      }
    />
    {/* The tax invoice of the payment, the same facts as the printed receipt (docs/invoices.md). */}
    {stage.session && stage.reason === 'PAID' && <InvoiceSummary sessionId={stage.session.id} />}
    {/* What validations took off, and Paid or Exempted (docs/validations.md "Receipt"). */}
    {stage.session && <ValidationReceipt sessionId={stage.session.id} />}
    </>
  );
}
