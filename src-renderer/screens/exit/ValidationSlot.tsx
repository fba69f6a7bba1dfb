/** The validation panel (a merchant's bill or code takes time off) in the exit's details slot, on the quote, for cashiers. */
import { ValidationPanel } from '../../components/validations/ValidationPanel.js';
import type { ExitDetailPanelProps } from './slots.js';

export function ValidationSlot({ billing, stage, dispatch, openGate, cashier }: ExitDetailPanelProps) {
  if (!cashier || stage !== 'quote') return null;
  return <ValidationPanel billing={billing} dispatch={dispatch} openGate={openGate} />;
}
