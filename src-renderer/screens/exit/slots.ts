/**
 * The exit screen's extension point. A feature that adds to the exit screen (a buyer's GSTIN for
 * the invoice, a validation or pass, ...) adds one entry to EXIT_DETAIL_PANELS: its component is
 * mounted in the details area of the scan column, under the car's facts, while a car is billed.
 * The details area scrolls and gives way; the payment pane (amount due, cash, confirm) never
 * moves, so a panel here cannot push the cashier's buttons off the screen.
 */
import type { ComponentType, Dispatch } from 'react';
import type { Billing, ExitAction, ExitStage, OpenGate } from './flow.js';
import { BuyerGstinSlot } from './BuyerGstinSlot.js';
import { ValidationSlot } from './ValidationSlot.js';

export interface ExitDetailPanelProps {
  /** The car being billed: its quote and (when the core knew it) its session. */
  billing: Billing;
  /** Which billing stage the cashier is in: a panel may lock itself while money is taken. */
  stage: Extract<ExitStage, { s: 'quote' | 'cash' | 'online' }>['s'];
  /** Ask the core for a fresh quote (after something changed what is due). */
  requote(): void;
  /** The exit flow's dispatch (a panel that gets a new quote dispatches `billed`). */
  dispatch: Dispatch<ExitAction>;
  /** Completes a free exit (nothing due any more) and shows the open gate. */
  openGate: OpenGate;
  /** The operator may take payments (cashier and above). */
  cashier: boolean;
}

export interface ExitDetailPanel {
  /** Stable key (React list key and data-panel attribute). */
  id: string;
  Component: ComponentType<ExitDetailPanelProps>;
}

/** Panels mounted in the exit screen's details slot, in this order. */
export const EXIT_DETAIL_PANELS: readonly ExitDetailPanel[] = [
  { id: 'buyer-gstin', Component: BuyerGstinSlot },
  { id: 'validation', Component: ValidationSlot },
];
