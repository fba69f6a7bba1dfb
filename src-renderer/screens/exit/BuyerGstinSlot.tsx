/** The buyer's GSTIN for a tax invoice, in the exit's details slot, on the quote, for cashiers. */
import { BuyerGstinForm } from '../../components/BuyerGstinForm.js';
import type { ExitDetailPanelProps } from './slots.js';

export function BuyerGstinSlot({ billing, stage, cashier }: ExitDetailPanelProps) {
  if (!cashier || stage !== 'quote') return null;
  return <BuyerGstinForm sessionId={billing.quote.sessionId} />;
}
